"""The person's space end to end in real Chromium, at 1280 and 360 px, with and without
JavaScript: a person signs in by the e-mailed link (read off a real SMTP server on loopback),
fills each section of the passport, saves a training, shares the passport with the mission
locale de Blois; its adviser reads it and proposes an entry; the person accepts it, sees who read
it, revokes the share (the adviser then gets a 404), exports JSON and PDF, and erases the space.
Every page passes axe-core where JavaScript runs, and none scrolls sideways at 360 px."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from orientation.accounts.models import User
from orientation.persons.models import Entry, Share
from orientation.trainings.models import Action
from tests.browser.conftest import SCREENSHOTS, axe_violations, watch_content_security_policy
from tests.conftest import login_verified

#: one entry of each section, as a person types it: (section, {field id: value}, {select id: value})
ENTRIES = [
    ("diplomes", {"id_title": "Baccalauréat professionnel cuisine", "id_ended_on": "2021-07-05",
                  "id_place": "Blois"}, {}),
    ("stages", {"id_title": "Stage en cuisine", "id_organisation": "Hôtel du Château", "id_started_on": "2020-01-06",
                "id_ended_on": "2020-02-14"}, {}),
    ("certifications", {"id_title": "Titre professionnel cuisinier", "id_rncp_code": "RNCP34806",
                        "id_ended_on": "2023-03-01"}, {"id_kind": "vae"}),
    ("formations", {"id_title": "Hygiène alimentaire HACCP", "id_hours": "14", "id_started_on": "2022-10-03"}, {}),
    ("tutorat", {"id_title": "Tutrice d’une apprentie", "id_started_on": "2023-09-01"}, {}),
    ("emplois", {"id_title": "Commis de cuisine", "id_organisation": "Restaurant Le Bon Accueil",
                 "id_started_on": "2019-09-01", "id_skills": "Travailler en équipe"}, {}),
    ("benevolat", {"id_title": "Cuisine des Restos du cœur", "id_started_on": "2018-11-01"}, {}),
    ("projet", {"id_title": "Passer le CAP pâtisserie", "id_due_on": "2027-03-01"}, {"id_kind": "etape"}),
]  # fmt: skip

VIEWS = [
    pytest.param({"width": 1280, "height": 900}, True, id="1280-javascript"),
    pytest.param({"width": 360, "height": 740}, True, id="360-javascript"),
    pytest.param({"width": 360, "height": 740}, False, id="360-no-javascript"),
]


def _check(page: Any, javascript: bool, viewport: dict[str, int], name: str) -> None:
    if javascript:
        assert axe_violations(page) == [], name
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{name} is {width} px wide at {viewport['width']}"


def _sign_in(page: Any, base: str, email: str, smtp_server: list[Any]) -> None:
    page.goto(base + "/mon-espace/")
    page.get_by_label("Votre adresse électronique").fill(email)
    page.get_by_role("button", name="Recevoir mon lien").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Vérifiez votre messagerie").is_visible()
    [mail] = [mail for mail in smtp_server if email in mail.recipients]
    link = re.search(r"https?://\S+/mon-espace/connexion/lien/\S+", mail.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Ouvrir mon espace").click()
    page.wait_for_url(re.compile(r"/mon-espace/$"))


@pytest.mark.parametrize(("viewport", "javascript"), VIEWS)
def test_a_person_keeps_shares_and_erases_their_passport(browser, portal, smtp_server, settings, viewport, javascript):
    settings.SITE_URL = portal.base
    email = f"camille-{viewport['width']}-{int(javascript)}@example.org"
    context = browser.new_context(locale="fr-FR", viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch_content_security_policy(page)
    _sign_in(page, portal.base, email, smtp_server)
    _check(page, javascript, viewport, "mon espace")
    person = User.objects.get(email=email)

    # each section of the passport
    for section, fields, selects in ENTRIES:
        page.goto(f"{portal.base}/mon-espace/passeport/{section}/ajouter/")
        for field, value in selects.items():
            page.locator(f"#{field}").select_option(value)
        for field, value in fields.items():
            page.locator(f"#{field}").fill(value)
        if section == "diplomes":
            _check(page, javascript, viewport, "le formulaire d’une ligne")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.wait_for_url(re.compile(rf"/mon-espace/passeport/(#{section})?$"))
        assert f"« {fields['id_title']} » est dans votre passeport." in page.locator("body").inner_text()
    assert Entry.objects.of(person).count() == len(ENTRIES)
    page.goto(portal.base + "/mon-espace/passeport/")
    for _section, fields, _selects in ENTRIES:
        assert fields["id_title"] in page.locator("main").inner_text()
    _check(page, javascript, viewport, "le passeport")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"passport-{viewport['width']}-{int(javascript)}.png"), full_page=True)

    # a training saved from its page
    action = Action.objects.open().filter(commune__name="Blois").order_by("pk").first()
    page.goto(f"{portal.base}/formations/{action.pk}/")
    page.get_by_role("button", name="Enregistrer dans mon espace").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Enregistré dans mon espace").is_visible()
    page.goto(portal.base + "/mon-espace/enregistrements/")
    assert page.locator(f"a[href='/formations/{action.pk}/']").count() == 1

    # shared with the mission locale de Blois, every section, three months
    page.goto(portal.base + "/mon-espace/partages/")
    page.get_by_label("Avec quelle organisation ?").fill("Mission locale de Blois")
    page.get_by_role("button", name="Partager").click()
    page.wait_for_load_state()
    share = Share.objects.get(person=person)
    assert share.organisation.name == "Mission locale de Blois"
    _check(page, javascript, viewport, "les partages")

    # the mission locale's adviser reads it and proposes an entry
    adviser = User.objects.get(username="demo-conseillere-ml-blois")
    staff = browser.new_context(locale="fr-FR", viewport=viewport, java_script_enabled=javascript)
    session = login_verified(Client(), adviser).cookies["sessionid"].value
    staff.add_cookies([{"name": "sessionid", "value": session, "url": portal.base}])
    desk = staff.new_page()
    desk.set_default_timeout(15_000)
    watch_content_security_policy(desk)
    desk.goto(portal.base + "/gestion/passeports/")
    desk.get_by_role("link", name=email).click()
    desk.wait_for_load_state()
    assert "Commis de cuisine" in desk.locator("main").inner_text()
    _check(desk, javascript, viewport, "le passeport partagé")
    desk.get_by_role("link", name="Formations continues suivies").click()
    desk.wait_for_load_state()
    desk.locator("#id_title").fill("Atelier « Réussir son entretien »")
    desk.locator("#id_hours").fill("6")
    desk.get_by_role("button", name="Proposer").click()
    desk.wait_for_load_state()
    assert "est proposée à la personne" in desk.locator("body").inner_text()

    # the person accepts it, sees who read it, revokes the share
    page.goto(portal.base + "/mon-espace/passeport/")
    assert "Proposées par un conseiller" in page.locator("main").inner_text()
    _check(page, javascript, viewport, "le passeport et sa proposition")
    page.get_by_role("button", name="Accepter").click()
    page.wait_for_load_state()
    assert Entry.objects.of(person).filter(title="Atelier « Réussir son entretien »").exists()
    page.goto(portal.base + "/mon-espace/partages/")
    readings = page.locator("main").inner_text()
    assert "Qui a consulté mon passeport" in readings
    assert f"{adviser.get_full_name()} (Mission locale de Blois)" in readings
    page.get_by_role("button", name="Retirer le partage").click()
    page.wait_for_load_state()
    answer = desk.goto(f"{portal.base}/gestion/passeports/{share.pk}/")
    assert answer.status == 404
    staff.close()

    # exported as JSON and PDF
    page.goto(portal.base + "/mon-espace/passeport/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter (JSON)").click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["format"] == "passeport-orientation-formation"
    assert len([entry for entries in document["sections"].values() for entry in entries]) == len(ENTRIES) + 1
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # and the space erased
    page.goto(portal.base + "/mon-espace/mes-donnees/")
    _check(page, javascript, viewport, "mes données")
    page.get_by_label("Je comprends que mon espace").check(force=True)
    page.get_by_role("button", name="Effacer définitivement mon espace").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Votre espace est effacé").is_visible()
    assert not User.objects.filter(email=email).exists()
    assert any("est effacé" in mail.subject for mail in smtp_server if email in mail.recipients)
    page.go_back()  # back to a page of the space: signed out
    page.goto(portal.base + "/mon-espace/passeport/")
    assert "/mon-espace/?suite=" in page.url
    context.close()
