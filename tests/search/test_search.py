"""The search on the demo catalogue: French words, both genders, typos, synonyms, filters, distance."""

from dataclasses import replace

import pytest
from django.core.cache import cache
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orientation.directory.models import Place
from orientation.search.analysis import masculine
from orientation.search.query import Kind, SearchQuery, Sort
from orientation.search.selectors import backend, locate, search
from orientation.search.services import search_index_rebuild, synonym_save
from orientation.search.tantivy_backend import TantivyBackend
from tests.conftest import run_command

pytestmark = pytest.mark.django_db

BLOIS = (47.5861, 1.3359)


@pytest.fixture(params=["tantivy", "postgres"])
def engine(request, settings):
    """Every test of this module is a contract: it runs on both engines."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("moteur PostgreSQL : lancer avec DATABASE_URL=postgres://… (c’est le cas en CI)")
    settings.SEARCH_BACKEND = request.param
    cache.clear()  # the synonyms of another test
    return request.param


@pytest.fixture
def indexed(engine, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    run_command("load_demo_data")
    search_index_rebuild()


def keys(results):
    return [(hit.kind, hit.key) for hit in results.hits]


def test_both_gendered_forms_and_elided_articles_find_the_occupation(indexed):
    for text in ("infirmière", "infirmier", "l’infirmière", "INFIRMIERES"):
        results = search(SearchQuery(text=text, kind=Kind.OCCUPATION))
        assert keys(results)[0] == (Kind.OCCUPATION, "J1506"), text


def test_a_typo_in_a_single_long_word_is_forgiven_and_said(indexed):
    exact = search(SearchQuery(text="infirmeire", kind=Kind.OCCUPATION))
    assert exact.fuzzy
    assert keys(exact)[0] == (Kind.OCCUPATION, "J1506")
    assert not search(SearchQuery(text="infirmière")).fuzzy


@pytest.mark.parametrize("text", ["infirmiere", "INFIRMIERE", "infirmieres liberales", "Infirmière libérale"])
def test_the_word_typed_without_accents_meets_the_accented_word(indexed, text):
    results = search(SearchQuery(text=text, kind=Kind.OCCUPATION))
    assert keys(results)[0] == (Kind.OCCUPATION, "J1506"), text


def test_a_typo_inside_several_words_is_forgiven(indexed):
    results = search(SearchQuery(text="infirmeire liberale", kind=Kind.OCCUPATION))
    assert results.fuzzy
    assert keys(results)[0] == (Kind.OCCUPATION, "J1506")


def test_a_word_too_many_still_finds_the_rest(indexed):
    results = search(SearchQuery(text="infirmière martienne", kind=Kind.OCCUPATION))
    assert (Kind.OCCUPATION, "J1506") in keys(results)[:3]


def test_operator_synonyms_take_effect(indexed):
    assert search(SearchQuery(text="marmiton", kind=Kind.OCCUPATION)).total == 0
    synonym_save(term="Marmiton", expansion="cuisinier")
    results = search(SearchQuery(text="marmiton", kind=Kind.OCCUPATION))
    assert results.hits[0].title.startswith("Cuisinier")


def test_results_carry_a_highlight_total_and_facets(indexed):
    results = search(SearchQuery(text="soins infirmiers", kind=Kind.TRAINING, page_size=5))
    assert results.total > 5
    assert len(results.hits) == 5
    assert any("<b>infirmier</b>" in hit.highlight for hit in results.hits)
    assert results.facets["kind"] == {"training": results.total}
    assert sum(results.facets["certifying"].values()) == results.total
    second = search(SearchQuery(text="soins infirmiers", kind=Kind.TRAINING, page_size=5, page=2))
    assert not set(keys(second)) & set(keys(results))


def test_a_count_only_search_gives_the_same_total_and_only_the_facets_asked(indexed):
    full = search(SearchQuery(text="infirmier"))
    counted = search(SearchQuery(text="infirmier", page_size=0, facets=("kind",)))
    assert counted.hits == []
    assert counted.total == full.total
    assert counted.facets == {"kind": full.facets["kind"]}
    near = {"latitude": 47.586, "longitude": 1.336, "radius_km": 30}
    full_near = search(SearchQuery(text="infirmier", kind=Kind.TRAINING, **near))
    counted_near = search(
        SearchQuery(text="infirmier", kind=Kind.TRAINING, page_size=0, facets=("department",), **near)
    )
    assert counted_near.total == full_near.total > 0
    assert set(counted_near.facets) == {"department"}


def test_places_near_a_point_sorted_by_distance(indexed):
    lat, lon = BLOIS
    results = search(
        SearchQuery(kind=Kind.PLACE, latitude=lat, longitude=lon, radius_km=15, sort=Sort.DISTANCE, page_size=50)
    )
    distances = [hit.distance_km for hit in results.hits]
    assert distances
    assert distances == sorted(distances)
    assert max(distances) <= 15 * 1.5  # the box around the circle
    near = Place.objects.located().canonical().filter(commune__name="Blois").count()
    assert results.total >= near


def test_trainings_by_their_next_session_the_soonest_first(indexed):
    from django.utils import timezone

    from orientation.trainings.models import Action

    today = timezone.localdate()

    def next_start(key):
        starts = [
            s.start_date for s in Action.objects.get(pk=key).sessions.all() if s.start_date and s.start_date >= today
        ]
        return min(starts) if starts else None

    for query in (
        SearchQuery(text="cuisine", kind=Kind.TRAINING, sort=Sort.START, page_size=30),
        SearchQuery(
            kind=Kind.TRAINING, sort=Sort.START, page_size=30, latitude=BLOIS[0], longitude=BLOIS[1], radius_km=30
        ),
    ):
        results = search(query)
        assert results.total > 3
        starts = [next_start(hit.key) for hit in results.hits]
        dated = [start for start in starts if start is not None]
        assert dated == sorted(dated), starts
        assert None not in starts[: len(dated)]  # the undated last
        assert results.total == search(replace(query, sort=Sort.RELEVANCE)).total
    second = search(SearchQuery(kind=Kind.TRAINING, sort=Sort.START, page=2, page_size=10))
    first = search(SearchQuery(kind=Kind.TRAINING, sort=Sort.START, page=1, page_size=10))
    assert next_start(first.hits[-1].key) <= next_start(second.hits[0].key)


def test_filters_restrict_results(indexed):
    everything = search(SearchQuery(kind=Kind.PLACE))
    in_41 = search(SearchQuery(kind=Kind.PLACE, filters={"department": "41"}))
    assert 0 < in_41.total < everything.total
    assert in_41.total == everything.facets["department"]["41"]


def test_a_rebuild_replaces_the_index_and_duplicates_stay_out(indexed):
    before = search(SearchQuery(kind=Kind.PLACE)).total
    copy = Place.objects.order_by("pk").last()
    Place.objects.filter(pk=copy.pk).update(duplicate_of=Place.objects.order_by("pk").first())
    assert search(SearchQuery(kind=Kind.PLACE)).total == before  # old index until the rebuild
    search_index_rebuild()
    assert search(SearchQuery(kind=Kind.PLACE)).total == before - 1
    if isinstance(backend(), TantivyBackend):
        assert len([folder for folder in backend().folder.iterdir() if folder.is_dir()]) == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=300), st.sampled_from(['"', "AND OR NOT", "*?~^", "(((", "title:x", "\x00"])))
def test_any_text_searches_without_error(indexed, text):
    query = SearchQuery(text=text * 3)
    results = search(query)
    # Whatever was typed, the first page is the first results of the total, each one found once.
    assert len(results.hits) == min(results.total, query.page_size)
    assert len({(hit.kind, hit.key) for hit in results.hits}) == len(results.hits)


@pytest.mark.django_db
def test_a_town_is_located_once_then_from_the_cache(django_assert_num_queries):
    run_command("load_demo_data")
    first = locate("Blois")
    assert first is not None
    assert first.label == "Blois (41)"
    with django_assert_num_queries(0):
        assert locate(" blois ") == first
    assert locate("Nulle-Part-sur-Mer") is None
    with django_assert_num_queries(0):
        assert locate("Nulle-Part-sur-Mer") is None


@pytest.mark.parametrize(
    ("feminine", "masculine_form"),
    [
        ("toiletteuse", "toiletteur"),
        ("Conductrice", "conducteur"),
        ("technicienne", "technicien"),
        ("bouchères", "bouchers"),
        ("agent", "agent"),
        ("mère", "mère"),  # too short to be told apart from another word
    ],
)
def test_feminine_job_words_have_their_masculine(feminine, masculine_form):
    assert masculine(feminine) == masculine_form


@pytest.mark.parametrize("text", ["infirmier", ""])
def test_counts_near_a_town_are_those_of_the_list(indexed, text):
    near = {"latitude": 47.586, "longitude": 1.336, "radius_km": 30}
    counts = search(SearchQuery(text=text, page_size=0, facets=("kind",), **near))
    for kind in (Kind.TRAINING, Kind.PLACE):
        listed = search(SearchQuery(text=text, kind=kind, page_size=100, **near))
        assert counts.facets["kind"].get(str(kind), 0) == listed.total == len(listed.hits), kind
        assert all(hit.distance_km <= 30 for hit in listed.hits)
    assert counts.total == sum(counts.facets["kind"].values())


@pytest.mark.parametrize("kind", [Kind.TRAINING, Kind.PLACE])
def test_every_facet_near_a_town_counts_the_list_not_the_box_around_it(indexed, kind):
    near = {"latitude": 47.586, "longitude": 1.336, "radius_km": 30}
    results = search(SearchQuery(kind=kind, page_size=100, **near))
    assert results.total == len(results.hits) > 0
    keys = {hit.key for hit in results.hits}
    # One value a result: the counts of a facet add up to the list (« Vendôme », 30.5 km, is out).
    single = ("department", "certifying", "work_study", "cpf") if kind == Kind.TRAINING else ("department", "typology")
    for facet in single:
        assert sum(results.facets[facet].values()) == results.total, facet
    # And each value counts the results of the list that have it.
    department = next(iter(results.facets["department"]))
    filtered = search(SearchQuery(kind=kind, page_size=100, filters={"department": department}, **near))
    assert results.facets["department"][department] == filtered.total
    assert {hit.key for hit in filtered.hits} <= keys


@pytest.mark.django_db
def test_a_back_office_edit_queues_a_rebuild_after_commit(verified_admin_client, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from orientation.directory.models import ServiceOffer
    from orientation.search.tasks import rebuild_search_index

    run_command("load_demo_data")
    DBTaskResult.objects.all().delete()
    offer = ServiceOffer.objects.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = verified_admin_client.post(f"/admin/directory/serviceoffer/{offer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ServiceOffer.objects.filter(pk=offer.pk).exists()
    assert callbacks, "the rebuild waits for the commit"
    queued = DBTaskResult.objects.filter(task_path=rebuild_search_index.module_path, status="READY")
    assert queued.count() == 1


def test_the_total_is_the_circles_even_beyond_the_candidates_sorted_by_distance(indexed, monkeypatch):
    from orientation.search import ranking, tantivy_backend
    from orientation.territories.geo import distance_km

    # Fewer candidates than matches: the nearest are sorted among the first two only.
    monkeypatch.setattr(ranking, "DISTANCE_CANDIDATES", 2)
    monkeypatch.setattr(tantivy_backend, "DISTANCE_CANDIDATES", 2)
    expected = sum(
        1
        for place in Place.objects.canonical().located()
        if distance_km(47.586, 1.336, place.latitude, place.longitude) <= 30
    )
    assert expected > 2
    results = search(SearchQuery(kind=Kind.PLACE, latitude=47.586, longitude=1.336, radius_km=30, sort=Sort.DISTANCE))
    assert results.total == expected


@pytest.mark.real_data
@pytest.mark.django_db
def test_an_import_that_changed_the_catalogue_queues_one_rebuild_and_one_that_did_not_none(
    open_data, django_capture_on_commit_callbacks
):
    """The importer announces the change (utils.signals.catalogue_changed); the search, which
    subscribes, queues the rebuild. The ingestion layer never names the search."""
    from django_tasks_db.models import DBTaskResult

    from orientation.search.tasks import rebuild_search_index

    def queued() -> int:
        return DBTaskResult.objects.filter(task_path=rebuild_search_index.module_path, status="READY").count()

    # an Intercarif sample: every importer announces through the same base (ingestion.base)
    feed = str(open_data / "lheo" / "samples" / "formation.xml")
    with django_capture_on_commit_callbacks(execute=True):
        run_command("import_lheo", feed, source="carif")
    assert queued() == 1
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert "Aucun changement" in run_command("import_lheo", feed, source="carif")
    assert queued() == 0
