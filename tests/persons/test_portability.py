"""The passport leaves and comes back: a JSON document valid against passport-v1.json, a PDF
read back with pdftotext, an import into another account, a document refused whole (each field
named, nothing changed), the same through the API (session with its CSRF token, or an OpenID
provider's bearer: tests/persons/test_oidc.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from orientation.persons.documents import passport_document, schema
from orientation.persons.models import Entry, Section
from orientation.utils.documents import problems
from tests.conftest import database_fingerprint
from tests.directory.factories import OrganisationFactory
from tests.occupations.factories import RomeFicheFactory, SkillFactory
from tests.persons.factories import EntryFactory, PersonFactory

pytestmark = pytest.mark.django_db


def person_client(person, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(person, backend="orientation.persons.backends.PersonLinkBackend")
    return client


@pytest.fixture
def full_passport():
    """A passport with something in every section, an ROME skill and the person's own words."""
    person = PersonFactory(first_name="Camille", last_name="Durand")
    skill = SkillFactory(label="Réaliser des préparations culinaires", code="300345")
    fiche = RomeFicheFactory(code="G1602", title="Personnel de cuisine")
    diploma = EntryFactory(person=person, title="CAP cuisine", rncp_code="RNCP37442")
    diploma.skills.set([skill])
    EntryFactory(
        person=person, section=Section.INTERNSHIPS, title="Stage œnologie & cuisine", started_on=date(2018, 5, 2)
    )
    EntryFactory(person=person, section=Section.CERTIFICATIONS, kind="vae", title="Titre professionnel cuisinier")
    EntryFactory(person=person, section=Section.TRAININGS, title="HACCP", hours=14)
    EntryFactory(person=person, section=Section.TUTORING, title="Tutrice d’une apprentie")
    EntryFactory(person=person, job=True, occupation=fiche, free_skills=["Garder son calme au coup de feu"])
    EntryFactory(person=person, section=Section.VOLUNTEERING, title="Restos du cœur")
    EntryFactory(person=person, step=True, due_on=date(2027, 1, 15))
    EntryFactory(
        person=person,
        section=Section.INTERESTS,
        title="Profil d’intérêts RS",
        ended_on=None,
        data={"code": "RS", "scores": {"R": 90.0, "I": 10.0, "A": 20.0, "S": 70.0, "E": 5.0, "C": 0.0}},
    )
    EntryFactory(
        person=person,
        section=Section.TRAININGS,
        title="Atelier CV",
        proposed_by_organisation=OrganisationFactory(name="Mission locale de Blois"),
    )
    return person


def test_the_export_is_valid_against_its_schema_and_holds_every_section(full_passport):
    document = passport_document(full_passport)
    assert problems(schema(), document) == []
    assert set(document["sections"]) == {
        "diplomas", "internships", "certifications", "trainings", "tutoring", "jobs", "volunteering", "project",
        "interests",
    }  # fmt: skip
    diploma = document["sections"]["diplomas"][0]
    assert diploma["skills"] == [{"label": "Réaliser des préparations culinaires", "rome_ogr_code": "300345"}]
    assert diploma["rncp_code"] == "RNCP37442"
    job = document["sections"]["jobs"][0]
    assert job["rome_code"] == "G1602"
    assert job["skills"] == [{"label": "Garder son calme au coup de feu"}]
    assert {"title": "Atelier CV", "proposed_by": "Mission locale de Blois"}.items() <= next(
        entry for entry in document["sections"]["trainings"] if entry["title"] == "Atelier CV"
    ).items()
    assert document["sections"]["interests"][0]["profile"]["code"] == "RS"


def test_the_pdf_reads_back_with_every_section(full_passport, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext absent : scripts/test_tools.sh l’installe (c’est le cas en CI)")
    response = person_client(full_passport).get("/mon-espace/passeport/export.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "passeport.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for expected in (
        "Passeport orientation-formation",
        "Camille Durand",
        "Diplômes et titres de la formation initiale",
        "CAP cuisine",
        "certification RNCP37442",
        "Stage œnologie & cuisine",
        "Tutrice d’une apprentie",
        "Réaliser des préparations culinaires",
        "Garder son calme au coup de feu",
        "Mes centres d’intérêt",
        "Ligne proposée par Mission locale de Blois",
    ):
        assert expected in " ".join(text.split()), expected


def test_an_export_is_imported_into_another_account(full_passport):
    exported = person_client(full_passport).get("/mon-espace/passeport/export.json")
    assert exported["Content-Disposition"] == 'attachment; filename="passeport-orientation-formation.json"'
    other = PersonFactory()
    EntryFactory(person=other, title="Brevet des collèges")
    client = person_client(other)
    upload = SimpleUploadedFile("passeport.json", exported.content, "application/json")
    response = client.post("/mon-espace/passeport/importer/", {"document": upload})
    assert response.status_code == 302
    titles = set(Entry.objects.of(other).values_list("title", flat=True))
    assert {"Brevet des collèges", "CAP cuisine", "Restos du cœur", "Profil d’intérêts RS"} <= titles
    assert Entry.objects.of(other).count() == Entry.objects.of(full_passport).count() + 1
    imported = Entry.objects.get(person=other, title="CAP cuisine")
    assert [skill.code for skill in imported.skills.all()] == ["300345"]
    # again, replacing: the same passport, once
    upload = SimpleUploadedFile("passeport.json", exported.content, "application/json")
    client.post("/mon-espace/passeport/importer/", {"document": upload, "replace": "on"})
    assert Entry.objects.of(other).count() == Entry.objects.of(full_passport).count()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["sections"]["diplomas"][0].update(title=""), "sections/diplomas/0/title"),
        (lambda d: d["sections"]["jobs"][0].update(started_on="2020-13-45"), "sections/jobs/0/started_on"),
        (lambda d: d["sections"]["diplomas"][0].update(ended_on="2999-01-01"), "sections/diplomas/0/ended_on"),
        (lambda d: d["sections"]["diplomas"][0].update(rncp_code="12"), "sections/diplomas/0/rncp_code"),
        (lambda d: d["sections"].update(hobbies=[]), "sections"),
        (lambda d: d.update(version="2"), "version"),
    ],
)
def test_a_wrong_document_is_refused_whole_naming_the_field(full_passport, change, named):
    document = passport_document(full_passport)
    change(document)
    other = PersonFactory()
    EntryFactory(person=other, title="Brevet des collèges")
    before = database_fingerprint()
    client = person_client(other)
    upload = SimpleUploadedFile("passeport.json", json.dumps(document).encode(), "application/json")
    response = client.post("/mon-espace/passeport/importer/", {"document": upload, "replace": "on"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Fichier refusé : rien n’a été importé" in page
    assert f"{named} :" in page
    assert database_fingerprint() == before
    assert list(Entry.objects.of(other).values_list("title", flat=True)) == ["Brevet des collèges"]


def test_a_file_that_is_not_json_is_refused(full_passport):
    client = person_client(full_passport)
    upload = SimpleUploadedFile("passeport.json", b"\xff\xfe not json", "application/json")
    response = client.post("/mon-espace/passeport/importer/", {"document": upload})
    assert response.status_code == 422
    assert "Ce fichier n’est pas un document JSON lisible" in response.content.decode()


def test_the_api_reads_and_replaces_the_passport_of_the_signed_in_person(full_passport):
    client = person_client(full_passport, csrf=True)
    answer = client.get("/api/v1/me/passport")
    assert answer.status_code == 200
    document = answer.json()
    assert problems(schema(), document) == []
    document["sections"] = {
        "diplomas": [{"title": "BTS management en hôtellerie restauration", "ended_on": "2024-07-01"}]
    }
    # a session's write carries its CSRF token
    refused = client.put("/api/v1/me/passport", json.dumps(document), content_type="application/json")
    assert refused.status_code == 401 or refused.status_code == 403
    client.get("/mon-espace/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    replaced = client.put(
        "/api/v1/me/passport", json.dumps(document), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert replaced.status_code == 200, replaced.content
    assert list(Entry.objects.of(full_passport).values_list("title", flat=True)) == [
        "BTS management en hôtellerie restauration"
    ]
    document["sections"]["diplomas"][0]["ended_on"] = "2999-01-01"
    wrong = client.put(
        "/api/v1/me/passport", json.dumps(document), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "sections/diplomas/0/ended_on"
    pdf = client.get("/api/v1/me/passport/export", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/api/v1/me/passport/export", {"format": "doc"}).status_code == 422


def test_the_api_refuses_anyone_but_the_person(full_passport):
    assert Client().get("/api/v1/me/passport").status_code == 401
    assert Client().get("/api/v1/me/referrals").status_code == 401
    schema_answer = Client().get("/api/v1/passports/schema").json()
    assert schema_answer["$id"].endswith("passport-v1.json")
