"""The portal's search page and training page, on the demo catalogue."""

import re

import pytest

from orientation.search.services import search_index_rebuild
from orientation.trainings.codelists import FUNDERS
from orientation.trainings.models import Action, Formation
from tests.conftest import run_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed():
    run_command("load_demo_data")
    search_index_rebuild()


def test_home_has_the_search_form(client, indexed):
    page = client.get("/").content.decode()
    assert 'action="/recherche/"' in page
    assert 'name="q"' in page
    assert 'name="ou"' in page


def test_the_home_page_shows_no_zero_count(client, indexed):
    from orientation.occupations.models import OnisepFiche

    OnisepFiche.objects.all().delete()
    page = client.get("/").content.decode()
    assert "fiches métiers du ROME" in page
    assert "fiches Onisep" not in page  # « 0 fiches Onisep » says nothing to a visitor


def test_results_in_three_tabs_with_counts(client, indexed, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = client.get("/recherche/", {"q": "infirmière"}).content.decode()
    tabs = dict(re.findall(r'class="fr-tag" href="[^"]*"[^>]*>(Métiers|Formations|Lieux) \((\d+)\)', page))
    assert int(tabs["Métiers"]) >= 1
    assert int(tabs["Formations"]) >= 1
    assert 'href="/metiers/J1506/"' in page  # the occupations tab comes first


def test_training_tab_near_a_town_with_a_filter(client, indexed):
    page = client.get("/recherche/", {"q": "infirmier", "ou": "Blois", "type": "formations"}).content.decode()
    assert "à moins de 30 km de Blois (Loir-et-Cher)" in page  # a name, not a number that reads like a count
    assert re.search(r">Métiers \(([1-9]\d*)\)<", page), "occupations are counted without the place"
    distances = [float(value.replace(",", ".")) for value in re.findall(r"· ([\d,]+) km", page)]
    assert distances
    assert max(distances) <= 30
    link = re.search(r'href="(\?[^"]*certifying=oui[^"]*)"', page).group(1)
    filtered = client.get("/recherche/" + link.replace("&amp;", "&")).content.decode()
    assert "✓ Oui" in filtered
    first = re.search(r'href="/formations/(\d+)/"', filtered).group(1)
    assert Action.objects.get(pk=first).formation.is_certifying


def test_an_unknown_place_is_said_and_the_search_goes_on(client, indexed):
    page = client.get("/recherche/", {"q": "infirmier", "ou": "Atlantide"}).content.decode()
    assert "Commune ou code postal introuvable" in page
    assert 'href="/metiers/J1506/"' in page


def test_text_from_a_feed_is_escaped_in_highlights(client, indexed):
    action = Action.objects.open().first()
    Formation.objects.filter(pk=action.formation_id).update(objective="<script>alert(1)</script> cryptozoologie")
    search_index_rebuild()
    page = client.get("/recherche/", {"q": "cryptozoologie", "type": "formations"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<b>cryptozoologie</b>" in page


def test_training_page_says_what_where_when_and_who(client, indexed, django_assert_max_num_queries):
    action = Action.objects.open().filter(formation__rome_fiches__isnull=False).first()
    with django_assert_max_num_queries(8):
        page = client.get(f"/formations/{action.pk}/").content.decode()
    assert action.formation.title in page
    assert "Prochaines sessions" in page
    assert "Les métiers auxquels elle prépare" in page
    assert client.get("/formations/999999/").status_code == 404


def test_training_page_says_how_to_get_in(client, indexed):
    from datetime import date, timedelta

    from django.utils import timezone

    from orientation.trainings.models import Session

    today = timezone.localdate()
    action = Action.objects.open().filter(city="Blois", formation__is_certifying=True).first()
    Formation.objects.filter(pk=action.formation_id).update(
        rncp_codes=["RNCP35399"],
        contact={"name": "Mme Durand, inscriptions", "phone": "02 54 78 54 87", "email": "insc@example.org"},
    )
    Action.objects.filter(pk=action.pk).update(price="20020.00", hours_total=455)
    action.sessions.all().delete()
    Session.objects.create(action=action, number="old", start_date=date(2025, 1, 6), end_date=today - timedelta(days=1))
    later = Session.objects.create(
        action=action, number="later", start_date=today + timedelta(days=200), end_date=today + timedelta(days=380)
    )
    soon = Session.objects.create(
        action=action,
        number="soon",
        start_date=today + timedelta(days=40),
        end_date=today + timedelta(days=130),
        registration_start=today - timedelta(days=5),
        registration_end=today + timedelta(days=30),
        recruitment=Session.Recruitment.SUSPENDED,
    )
    page = client.get(f"/formations/{action.pk}/").content.decode()
    # The action's own contact: the phone as a link, the e-mail, its page at the provider.
    assert '<a href="tel:+33254785487">02 54 78 54 87</a>' in page
    assert 'href="mailto:insc@example.org"' in page
    assert "Mme Durand, inscriptions" in page
    # Money and time the French way.
    assert "Prix : 20\u202f020\u00a0€" in page
    assert "455 heures (environ 13 semaines à temps plein), sur 3 mois" in page
    # The next sessions first, the finished ones hidden, with their registration period and state.
    sessions = page.split("Prochaines sessions")[1].split("</ul>")[0]
    assert "2025" not in sessions
    assert sessions.index(f"{soon.start_date.day} ") < sessions.index("suspendues") < sessions.rindex("ouvertes")
    assert later.start_date.strftime("%Y") in sessions
    assert "Inscriptions du" in sessions
    # Paid with the CPF: said, with the certification's page and the national site.
    assert "compte personnel de formation (CPF)" in page
    assert "https://www.francecompetences.fr/recherche/rncp/35399/" in page
    assert "moncompteformation.gouv.fr" in page
    # Places near it that help to fund a training, and a callback about funding.
    funding = page.split("Pour monter le financement")[1].split("</ul>")[0]
    assert re.search(r'href="/lieux/\d+/"', funding)
    assert "/etre-rappele/?besoin=formation-financement" in page


def test_a_training_without_a_certification_says_nothing_of_the_cpf(client, indexed):
    action = Action.objects.open().filter(formation__is_certifying=False).first()
    page = client.get(f"/formations/{action.pk}/").content.decode()
    assert "compte personnel de formation (CPF) :" not in page


def test_results_near_a_town_are_drawn_on_a_map(client, indexed):
    page = client.get("/recherche/", {"ou": "Blois", "type": "lieux"}).content.decode()
    svg = re.search(r'<svg class="situation-map".*?</svg>', page, re.S)
    assert svg, "a map of the results"
    svg = svg.group(0)
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "de Blois (Loir-et-Cher)" in svg
    assert 'class="map-radius"' in svg
    numbers = [int(n) for n in re.findall(r'class="map-number">(\d+)<', svg)]
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert len(numbers) == min(20, len(re.findall(r'<li class="fr-mb-3w">', page)))
    assert len(re.findall(r'class="map-commune"', svg)) > 1, "the communes around give the bearings"
    # Without a town, no map: the results are not anywhere in particular.
    assert "situation-map" not in client.get("/recherche/", {"q": "infirmier", "type": "formations"}).content.decode()


def test_place_page_says_whether_it_is_open_and_where_it_is(client, indexed, django_assert_max_num_queries):
    from orientation.directory.models import Place

    place = Place.objects.canonical().located().exclude(opening_hours={}).order_by("pk").first()
    with django_assert_max_num_queries(8):
        page = client.get(f"/lieux/{place.pk}/").content.decode()
    assert re.search(r'class="fr-badge[^"]*">(Ouvert jusqu’à \d+ h|Fermé · ouvre )', page)
    assert 'class="situation-map"' in page
    assert 'class="map-pin"' in page
    assert f"openstreetmap.org/directions?to={place.latitude:.5f}%2C{place.longitude:.5f}" in page


def test_near_me_searches_around_the_browsers_position(client, indexed):
    page = client.get("/recherche/", {"type": "lieux", "lat": "47.58600", "lon": "1.33600"}).content.decode()
    assert "à moins de 30 km de votre position" in page
    distances = [float(value.replace(",", ".")) for value in re.findall(r"· ([\d,]+) km", page)]
    assert distances
    assert distances == sorted(distances)
    assert 'name="lat" id="search-lat" value="47.586"' in page, "the next pages keep the position"
    assert "lat=47.586" in re.search(r'href="([^"]*type=formations[^"]*)"', page).group(1)
    # A point outside France is not a position: the search is national.
    elsewhere = client.get("/recherche/", {"type": "lieux", "lat": "0", "lon": "0"}).content.decode()
    assert "votre position" not in elsewhere


def test_funding_is_said_in_words(client, indexed):
    action = Action.objects.open().exclude(funders=[]).order_by("pk").first()
    page = client.get(f"/formations/{action.pk}/").content.decode()
    section = page[page.index(">Financement<") :]
    for label in action.funder_labels:
        assert f"<li>{label}</li>" in section
    assert not re.search(r"<li>\d+</li>", section), "no bare LHEO code"
    results = client.get("/recherche/", {"q": "formation", "type": "formations"}).content.decode()
    fieldset = results[
        results.index("Financement</legend>") : results.index("</fieldset>", results.index("Financement</legend>"))
    ]
    shown = re.findall(r'class="fr-link fr-text--sm" href="[^"]*">([^<]+) \(\d+\)</a>', fieldset)
    assert shown
    assert set(shown) <= set(FUNDERS.values())


def _active_tab(page):
    return re.search(r'class="fr-tag" href="[^"]*" aria-current="page">(\w+)', page).group(1)


@pytest.mark.parametrize("query", ["diplome cuisine", "formation cuisinier", "cap cuisine"])
def test_a_query_that_names_a_training_opens_on_the_trainings(client, indexed, query):
    page = client.get("/recherche/", {"q": query}).content.decode()
    assert _active_tab(page) == "Formations"


def test_an_occupation_query_still_opens_on_the_occupations(client, indexed):
    assert _active_tab(client.get("/recherche/", {"q": "cuisinier"}).content.decode()) == "Métiers"


def test_nothing_found_is_a_sentence_not_item_one_of_a_list(client, indexed):
    page = client.get("/recherche/", {"q": "zzzzqqq"}).content.decode()
    assert "<p>Aucun résultat. Essayez un autre mot" in page
    assert '<ol class="search-results"' not in page


def test_place_page_says_how_to_reach_it(client, indexed):
    from orientation.directory.models import Place, ServiceOffer

    offer = ServiceOffer.objects.filter(accepts_referrals=True, place__commune__name="Blois").first()
    place = offer.place
    Place.objects.filter(pk=place.pk).update(phone="", email="", website="")  # the organisation's, then
    organisation = place.organisation
    page = client.get(f"/lieux/{place.pk}/").content.decode()
    digits = "".join(ch for ch in organisation.phone if ch.isdigit())
    assert f'<a href="tel:+33{digits[1:]}">{organisation.phone}</a>' in page
    assert f'href="mailto:{organisation.email}"' in page
    assert f'href="{organisation.website}"' in page
    assert f'href="{offer.mobilisation_link}"' in page  # the appointment link of its service
    assert 'href="/etre-rappele/"' in page
    referred = page.split("Y être orienté(e)")[1]
    assert f'href="/services/{offer.pk}/"' in referred
    Place.objects.filter(pk=place.pk).update(phone="02 54 00 00 01")  # the place's own number first
    assert '<a href="tel:+33254000001">02 54 00 00 01</a>' in client.get(f"/lieux/{place.pk}/").content.decode()


def test_the_portal_searches_trainings_as_the_api_does(client, indexed):
    from django.utils import timezone

    from orientation.trainings.models import Session

    base = {"q": "", "ou": "Blois", "type": "formations"}
    page = client.get("/recherche/", base).content.decode()
    # Radius and sort, offered near a town.
    assert re.search(r'href="[^"]*rayon=100[^"]*">100 km</a>', page)
    assert re.search(r'aria-current="true">30 km</a>', page)
    wide = client.get("/recherche/", {**base, "rayon": "100"}).content.decode()
    total = lambda html: int(re.search(r'role="status">(\d+) résultat', html).group(1))  # noqa: E731
    assert total(wide) > total(page)
    assert "à moins de 100 km de Blois" in wide
    assert total(client.get("/recherche/", {**base, "rayon": "7"}).content.decode()) == total(page)  # 30 km
    by_distance = client.get("/recherche/", {**base, "q": "formation", "tri": "distance"}).content.decode()
    distances = [float(d.replace(",", ".")) for d in re.findall(r"· ([\d,]+) km", by_distance)]
    assert distances == sorted(distances)
    # By the next session's start, with or without a town; the API sorts the same.
    soonest = client.get("/recherche/", {"q": "cuisine", "type": "formations", "tri": "debut"}).content.decode()
    assert re.search(r'aria-current="true">Date de début</a>', soonest)
    assert "Distance</a>" not in soonest  # no distance without a town
    keys = re.findall(r'href="/formations/(\d+)/"', soonest)
    api_keys = [
        str(hit["id"])
        for hit in client.get("/api/v1/search/trainings", {"q": "cuisine", "sort": "start"}).json()["results"]
    ]
    assert keys == api_keys
    today = timezone.localdate()
    firsts = [
        min((s.start_date for s in Action.objects.get(pk=key).sessions.all() if s.start_date >= today), default=None)
        for key in keys
    ]
    dated = [start for start in firsts if start]
    assert dated == sorted(dated)
    # The filters the API has: the CPF, the modality, the month a session starts.
    cpf = client.get("/recherche/", {**base, "cpf": "oui"}).content.decode()
    first = Action.objects.get(pk=re.search(r'href="/formations/(\d+)/"', cpf).group(1))
    assert first.formation.rncp_codes
    remote = client.get("/recherche/", {**base, "modality": "distance"}).content.decode()
    assert "✓ Entièrement à distance" in remote
    for key in re.findall(r'href="/formations/(\d+)/"', remote):
        assert Action.objects.get(pk=key).teaching_mode == "2"
    month = Session.objects.filter(start_date__gte=timezone.localdate(), action__city="Blois").first().start_date
    starting = client.get("/recherche/", {**base, "start": f"{month:%Y-%m}"}).content.decode()
    assert total(starting) >= 1
    for key in re.findall(r'href="/formations/(\d+)/"', starting):
        assert Session.objects.filter(
            action_id=key, start_date__year=month.year, start_date__month=month.month
        ).exists()
    api = client.get("/api/v1/search/trainings", {"where": "Blois", "cpf": "oui"}).json()
    assert api["total"] > 0
    assert set(api["facets"]["cpf"]) == {"oui"}
    assert all(Action.objects.get(pk=hit["id"]).formation.rncp_codes for hit in api["results"])
    remote_api = client.get("/api/v1/search/trainings", {"where": "Blois", "modality": "distance"}).json()
    assert remote_api["total"] == total(remote)
    assert client.get("/api/v1/search/trainings", {"start": "2027-13"}).json()["code"] == "invalid_input"
