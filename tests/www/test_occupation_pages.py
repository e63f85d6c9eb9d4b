import re

import pytest
from django.urls import reverse

from orientation.occupations.models import FicheSkill, Skill
from orientation.search.services import search_index_rebuild
from orientation.trainings.models import Action
from tests.conftest import run_command
from tests.occupations.factories import (
    AppellationFactory,
    MobilityLinkFactory,
    OnisepFicheFactory,
    RomeFicheFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse():
    fiche = RomeFicheFactory(
        code="J1506",
        title="Infirmier / Infirmière en soins généraux (IDE)",
        definition="Dispense des soins.\nSurveille l'état de santé des patients.",
        access="Le Diplôme d'État d'Infirmier est obligatoire.",
        is_regulated=True,
    )
    AppellationFactory(fiche=fiche, is_main=True)
    AppellationFactory(
        fiche=fiche, label="Puériculteur / Puéricultrice", masculine="Puériculteur", feminine="Puéricultrice"
    )
    target = RomeFicheFactory(code="J1502", title="Aide-soignant / Aide-soignante")
    MobilityLinkFactory(source=fiche, target=target, order=1)
    onisep = OnisepFicheFactory(hook="<p>Au chevet des patients, jour et nuit.</p>")
    onisep.rome_fiches.add(fiche)
    skill = Skill.objects.create(code="1", label="Réaliser un pansement", kind=Skill.Kind.KNOW_HOW)
    FicheSkill.objects.create(fiche=fiche, skill=skill, importance=FicheSkill.Importance.CORE)
    return fiche


def test_occupation_page_shows_what_a_reader_needs(client, nurse, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get("/metiers/J1506/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fr"' in page
    assert "<title>Infirmier / Infirmière en soins généraux (IDE) — Orientation pour tous</title>" in page
    assert "<h1>Infirmier / Infirmière en soins généraux (IDE)</h1>" in page
    assert "Surveille l&#x27;état de santé des patients." in page
    assert "Le Diplôme d&#x27;État d&#x27;Infirmier est obligatoire." in page
    assert "Infirmière de nuit / Infirmier de nuit" in page
    assert "Puéricultrice / Puériculteur" in page
    assert "Au chevet des patients, jour et nuit." in page
    assert 'href="/metiers/J1502/"' in page
    assert "Réaliser un pansement" in page
    assert "Savoir-faire (1)" in page
    assert "Métier réglementé" in page


def test_lowercase_code_works_and_unknown_code_is_a_404(client, nurse):
    assert client.get("/metiers/j1506/").status_code == 200
    response = client.get("/metiers/J9999/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_query_count_does_not_grow_with_links(client, nurse, django_assert_num_queries, django_assert_max_num_queries):
    client.get("/metiers/J1506/")  # the search's synonyms are read once, then cached
    with django_assert_max_num_queries(12) as captured:
        client.get("/metiers/J1506/")
    baseline = len(captured.captured_queries)
    for index in range(5):
        MobilityLinkFactory(source=nurse, order=index + 2)
        AppellationFactory(fiche=nurse)
    with django_assert_num_queries(baseline):
        client.get("/metiers/J1506/")


def test_home_and_domain_pages(client, nurse):
    home = client.get(reverse("www:home")).content.decode()
    assert "Santé" in home
    assert "fiches métiers du ROME" in home
    listing = client.get(reverse("www:occupations") + "?domaine=J").content.decode()
    assert 'href="/metiers/J1506/"' in listing
    assert client.get(reverse("www:occupations") + "?domaine=Z").status_code == 404


def test_occupation_page_shows_trainings_and_places_near_the_person(client, django_assert_max_num_queries):
    run_command("load_demo_data")
    search_index_rebuild()
    national = client.get("/metiers/J1506/").content.decode()
    assert re.search(r"\d+ formations? ouvertes? en France mèn", national)
    with django_assert_max_num_queries(16):
        page = client.get("/metiers/J1506/", {"ou": "Blois"}).content.decode()
    assert "à moins de 30 km de Blois (Loir-et-Cher)" in page  # a name, not a number that reads like a count
    section = page[page.index('id="pres-de-vous"') : page.index("</section>", page.index('id="pres-de-vous"'))]
    trainings = re.findall(r'href="/formations/(\d+)/"', section)
    assert trainings
    distances = [float(d.replace(",", ".")) for d in re.findall(r"· ([\d,]+) km", section)]
    assert distances
    assert all(distance <= 30 for distance in distances)
    assert re.findall(r'href="/lieux/(\d+)/"', section)
    for action in Action.objects.filter(pk__in=trainings).select_related("formation"):
        assert "J1506" in action.formation.rome_codes
    assert "Métiers proches" in page
    unknown = client.get("/metiers/J1506/", {"ou": "Nulle-Part-sur-Mer"}).content.decode()
    assert "Commune ou code postal introuvable." in unknown


def test_search_api_and_page_filter_trainings_by_occupation(client):
    run_command("load_demo_data")
    search_index_rebuild()
    answer = client.get("/api/v1/search/trainings", {"rome": "j1506"}).json()
    assert answer["total"] >= 1
    ids = [result["id"] for result in answer["results"]]
    for action in Action.objects.filter(pk__in=ids).select_related("formation"):
        assert "J1506" in action.formation.rome_codes
    page = client.get("/recherche/", {"type": "formations", "rome": "J1506"}).content.decode()
    assert f"{answer['total']} résultat" in page
    assert client.get("/api/v1/search/trainings", {"rome": "nope"}).status_code == 422
