"""The passport by its owner: each section's form, the refusals a person reads (named field, in
French), skills from the ROME or in their own words, a training followed from its page, the
interests profile kept, documents kept outside the web root, an adviser's proposal answered."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from orientation.interests import answers_code
from orientation.interests.questionnaire import questionnaire
from orientation.persons.models import Entry, EntryAttachment, Section
from tests.directory.factories import OrganisationFactory
from tests.occupations.factories import AppellationFactory, RomeFicheFactory, SkillFactory
from tests.persons.factories import EntryFactory, PersonFactory
from tests.trainings.factories import ActionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def signed_in(client: Client, person=None):
    person = person or PersonFactory()
    client.force_login(person, backend="orientation.persons.backends.PersonLinkBackend")
    return person


def errors(response) -> list[str]:
    return [
        " ".join(text.split())
        for text in re.findall(r'class="fr-error-text"[^>]*>(.*?)</', response.content.decode(), re.S)
    ]


@pytest.mark.parametrize(
    ("section", "fields"),
    [
        ("diplomes", {"title": "Baccalauréat professionnel cuisine", "ended_on": "2021-07-05", "place": "Blois"}),
        ("stages", {"title": "Stage en cuisine", "organisation": "Hôtel du Château", "started_on": "2020-01-06",
                    "ended_on": "2020-02-14", "hours": "210"}),
        ("certifications", {"title": "Titre professionnel cuisinier", "kind": "vae", "rncp_code": "rncp 34806",
                            "ended_on": "2023-03-01"}),
        ("formations", {"title": "Hygiène alimentaire HACCP", "organisation": "GRETA", "hours": "14",
                        "started_on": "2022-10-03", "ended_on": "2022-10-04"}),
        ("tutorat", {"title": "Tutrice d’une apprentie", "organisation": "Restaurant Le Bon Accueil",
                     "started_on": "2023-09-01"}),
        ("emplois", {"title": "Commis de cuisine", "organisation": "Restaurant Le Bon Accueil",
                     "started_on": "2019-09-01", "ended_on": "2022-08-31"}),
        ("benevolat", {"title": "Cuisine des Restos du cœur", "organisation": "Restos du cœur",
                       "started_on": "2018-11-01"}),
        ("projet", {"kind": "etape", "title": "Prendre rendez-vous à la mission locale", "due_on": "2027-01-15"}),
    ],
)  # fmt: skip
def test_each_section_takes_its_entries(client, section, fields):
    person = signed_in(client)
    page = client.get(f"/mon-espace/passeport/{section}/ajouter/")
    assert page.status_code == 200
    response = client.post(f"/mon-espace/passeport/{section}/ajouter/", fields)
    assert response.status_code == 302, errors(response)
    entry = Entry.objects.get(person=person)
    assert entry.section == section
    assert entry.title == fields["title"]
    passport = client.get("/mon-espace/passeport/").content.decode()
    assert fields["title"].replace("’", "&#x27;") in passport or fields["title"] in passport
    if section == "certifications":
        assert entry.rncp_code == "RNCP34806"


def test_a_date_to_come_is_refused_where_it_means_nothing(client):
    signed_in(client)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post("/mon-espace/passeport/diplomes/ajouter/", {"title": "BTS", "ended_on": tomorrow})
    assert response.status_code == 422
    assert any(message.startswith("Fin ou obtention : une date passée") for message in errors(response))
    # a next step of the project is to come
    step = client.post(
        "/mon-espace/passeport/projet/ajouter/", {"kind": "etape", "title": "S’inscrire", "due_on": tomorrow}
    )
    assert step.status_code == 302
    assert Entry.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Ce champ est obligatoire"),
        ({"title": "x" * 201}, "au plus 200 caractères"),
        ({"title": "CAP", "rncp_code": "ABC"}, "Code RNCP : « RNCP » suivi de 1 à 6 chiffres"),
        ({"title": "CAP", "started_on": "2020-05-01", "ended_on": "2019-05-01"}, "Fin ou obtention : une date après"),
        ({"title": "CAP", "ended_on": "1900-01-01"}, "Fin ou obtention : une date après le 01/01/1930"),
        ({"title": "CAP", "ended_on": "31/02/2020"}, "Saisissez une date valide"),
        ({"title": "CAP", "hours": "0"}, "supérieure ou égale à 1"),
        ({"title": "CAP", "skills": "x" * 120}, "Compétences : 100 caractères au plus"),
        ({"title": "CAP", "study": "Diplôme inventé"}, "Formation Onisep : « Diplôme inventé » est inconnue"),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_writes_nothing(client, fields, message):
    signed_in(client)
    section = "formations" if "hours" in fields else "diplomes"
    if "started_on" in fields:
        section = "stages"
    response = client.post(f"/mon-espace/passeport/{section}/ajouter/", fields)
    assert response.status_code == 422
    assert any(message in text for text in errors(response)), errors(response)
    assert not Entry.objects.exists()


def test_suggestions_ignore_accents_and_match_the_start_of_words(client):
    signed_in(client)
    SkillFactory(label="Réaliser des préparations culinaires")
    SkillFactory(label="Accueillir une clientèle")
    guard = AppellationFactory(
        label="Agent / Agente de sécurité",
        fiche=RomeFicheFactory(code="K2503", title="Sécurité et surveillance privées"),
    )
    AppellationFactory(label="Agent / Agente cynophile de sécurité", fiche=guard.fiche)
    AppellationFactory(
        label="Agent / Agente d'entretien", fiche=RomeFicheFactory(code="K2204", title="Nettoyage de locaux")
    )

    def suggested(kind: str, text: str) -> list[str]:
        return [row["value"] for row in client.get(f"/mon-espace/suggestions/{kind}/", {"q": text}).json()]

    assert suggested("competences", "PREPARATIONS culi") == ["Réaliser des préparations culinaires"]
    assert suggested("competences", "clientele") == ["Accueillir une clientèle"]
    assert suggested("competences", "e") == []  # one letter suggests nothing
    # an appellation finds its fiche, once, typed on a phone without accents and in any order
    assert suggested("metiers", "agent securite") == ["K2503 — Agent / Agente de sécurité"]
    assert suggested("metiers", "securite agent") == ["K2503 — Agent / Agente de sécurité"]
    assert suggested("metiers", "nettoyage") == ["K2204 — Nettoyage de locaux"]
    assert suggested("metiers", "agent") == ["K2204 — Agent / Agente d'entretien", "K2503 — Agent / Agente de sécurité"]
    SkillFactory(label="Préparer une commande")  # a new skill is suggested at once
    assert suggested("competences", "prepar") == ["Préparer une commande", "Réaliser des préparations culinaires"]


def test_skills_are_rome_skills_or_the_persons_own_words(client):
    person = signed_in(client)
    cooking = SkillFactory(label="Réaliser des préparations culinaires")
    SkillFactory(label="Réaliser des plats de cuisine régionale")
    suggestions = client.get("/mon-espace/suggestions/competences/", {"q": "réaliser des pr"}).json()
    assert suggestions[0]["value"] == "Réaliser des préparations culinaires"
    response = client.post(
        "/mon-espace/passeport/emplois/ajouter/",
        {
            "title": "Commis",
            "started_on": "2020-01-01",
            "skills": "réaliser des préparations culinaires\nTravailler en équipe\nTravailler en équipe",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(person=person)
    assert list(entry.skills.all()) == [cooking]
    assert entry.free_skills == ["Travailler en équipe"]


def test_an_entry_is_changed_and_removed_by_its_owner_only(client):
    person = signed_in(client)
    entry = EntryFactory(person=person)
    other = EntryFactory()
    form = client.get(f"/mon-espace/passeport/lignes/{entry.pk}/").content.decode()
    assert 'value="CAP cuisine"' in form
    assert client.get(f"/mon-espace/passeport/lignes/{other.pk}/").status_code == 404
    assert client.post(f"/mon-espace/passeport/lignes/{other.pk}/retirer/").status_code == 302
    assert Entry.objects.filter(pk=other.pk).exists()
    response = client.post(
        f"/mon-espace/passeport/lignes/{entry.pk}/", {"title": "CAP cuisine (mention)", "ended_on": "2019-06-30"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "CAP cuisine (mention)"
    client.post(f"/mon-espace/passeport/lignes/{entry.pk}/retirer/")
    again = client.post(f"/mon-espace/passeport/lignes/{entry.pk}/retirer/", follow=True)  # sent twice
    assert "Cette ligne n’est plus dans votre passeport" in again.content.decode()
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_a_training_followed_from_its_page(client):
    action = ActionFactory(hours_total=420)
    anonymous = client.post(
        f"/mon-espace/passeport/formation-suivie/{action.pk}/", {"suite": f"/formations/{action.pk}/"}
    )
    assert anonymous["Location"] == f"/mon-espace/?suite=/formations/{action.pk}/"
    person = signed_in(client)
    assert "J’ai suivi cette formation" in client.get(f"/formations/{action.pk}/").content.decode()
    response = client.post(f"/mon-espace/passeport/formation-suivie/{action.pk}/")
    entry = Entry.objects.get(person=person)
    assert response["Location"] == f"/mon-espace/passeport/lignes/{entry.pk}/"
    assert (entry.section, entry.title, entry.hours, entry.action) == (
        Section.TRAININGS,
        action.formation.title,
        420,
        action,
    )


def test_the_interests_profile_is_kept_when_the_person_asks(client):
    person = signed_in(client)
    answers = {item.id: (4 if item.type == "S" else 0) for item in questionnaire().items}
    code = answers_code.encode(answers)
    assert "Garder ce profil dans mon passeport" in client.get("/interets/resultat/", {"r": code}).content.decode()
    client.post("/mon-espace/passeport/interets/", {"r": code})
    client.post("/mon-espace/passeport/interets/", {"r": code})  # twice: one profile
    entry = Entry.objects.get(person=person, section=Section.INTERESTS)
    assert entry.title == "Profil d’intérêts S"
    assert entry.data["scores"]["S"] == 100.0
    incomplete = client.post("/mon-espace/passeport/interets/", {"r": answers_code.encode({"r1": 2})})
    assert incomplete["Location"] == "/interets/"


def test_documents_are_checked_by_their_content_and_served_to_their_owner_only(client, settings):
    person = signed_in(client)
    entry = EntryFactory(person=person)
    url = f"/mon-espace/passeport/lignes/{entry.pk}/documents/"
    client.post(url, {"document": SimpleUploadedFile("diplome.pdf", PDF, "application/pdf")})
    disguised = client.post(
        url, {"document": SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", "image/png")}, follow=True
    )
    assert "formats acceptés PDF, JPEG, PNG" in disguised.content.decode()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    big = client.post(
        url, {"document": SimpleUploadedFile("scan.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png")}, follow=True
    )
    assert "5 Mo au plus" in big.content.decode()
    document = EntryAttachment.objects.get()
    assert document.content_type == "application/pdf"
    stored = Path(document.document.path)
    assert stored.read_bytes() == PDF
    assert "diplome" not in stored.name  # a random name on disk
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    download = client.get(f"/mon-espace/passeport/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"].startswith("max-age=0") or "no-store" in download["Cache-Control"]
    signed_in(client)  # another person
    assert client.get(f"/mon-espace/passeport/documents/{document.pk}/").status_code == 404
    assert Client().get(f"/mon-espace/passeport/documents/{document.pk}/").status_code == 302
    assert client.get(f"/media/passeport/{person.pk}/{stored.name}").status_code == 404


def test_a_proposal_joins_the_passport_only_when_accepted(client):
    person = signed_in(client)
    organisation = OrganisationFactory(name="Mission locale de Blois")
    accepted = EntryFactory(person=person, proposed=True, proposed_by_organisation=organisation, title="Atelier CV")
    refused = EntryFactory(person=person, proposed=True, proposed_by_organisation=organisation, title="Stage en crèche")
    page = client.get("/mon-espace/passeport/").content.decode()
    assert "Proposées par un conseiller" in page
    assert "Proposée par Mission locale de Blois" in page
    client.post(f"/mon-espace/passeport/propositions/{accepted.pk}/", {"answer": "accept"})
    client.post(f"/mon-espace/passeport/propositions/{refused.pk}/", {"answer": "refuse"})
    again = client.post(f"/mon-espace/passeport/propositions/{refused.pk}/", {"answer": "accept"})  # back, again
    assert again.status_code == 302
    assert set(Entry.objects.of(person).values_list("title", flat=True)) == {"Atelier CV"}
    refused.refresh_from_db()
    assert refused.state == Entry.State.REFUSED


def test_the_passport_page_costs_the_same_for_few_and_many_entries(client, django_assert_max_num_queries):
    person = signed_in(client)
    EntryFactory.create_batch(2, person=person)
    client.get("/mon-espace/passeport/")
    with django_assert_max_num_queries(14) as few:
        client.get("/mon-espace/passeport/")
    EntryFactory.create_batch(10, person=person, job=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/mon-espace/passeport/").content.decode()
    assert page.count('<h3 class="fr-card__title fr-h6">Commis de cuisine</h3>') == 10


def test_the_passport_pages_are_private(client):
    signed_in(client)
    for url in ("/mon-espace/", "/mon-espace/passeport/", "/mon-espace/partages/", "/mon-espace/mes-donnees/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_person_pages_answer_at_their_first_visit(client):
    page = client.get("/mon-espace/")
    assert page.status_code == 200
    assert "Recevoir mon lien" in page.content.decode()
    assert "Set-Cookie" not in page.headers or "sessionid" not in page.headers.get("Set-Cookie", "")
    assert date.today().year >= 2026
