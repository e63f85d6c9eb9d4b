"""The referral end to end in real Chromium: an adviser records a first-level request with the
person's consent, picks a suggested service and sends the referral; the service opens its
secure link and accepts; the person's link shows « acceptée ». Every e-mail is read off a real
SMTP server on loopback; every page passes axe-core."""

from __future__ import annotations

import re

from django.test import Client

from orientation.accounts.models import Membership
from orientation.directory.models import Organisation
from orientation.referrals.models import Referral
from tests.browser.conftest import SCREENSHOTS, axe_violations
from tests.conftest import login_verified


def _link(body: str, kind: str) -> str:
    return re.search(rf"https?://[^\s]+/orientation/{kind}/[\w-]+/", body).group(0)


def test_an_adviser_refers_a_person_who_is_accepted(browser, portal, smtp_server, settings, django_user_model):
    settings.SITE_URL = portal.base
    cio = Organisation.objects.get(name="Centre d’information et d’orientation (CIO) de Blois")
    adviser = django_user_model.objects.create_user("conseillere", "conseillere@example.org", None)
    Membership.objects.create(user=adviser, organisation=cio)
    session = login_verified(Client(), adviser).cookies["sessionid"].value

    context = browser.new_context(locale="fr-FR")
    context.add_cookies([{"name": "sessionid", "value": session, "url": portal.base}])
    page = context.new_page()
    page.goto(portal.base + "/gestion/accueil/")
    assert axe_violations(page) == []
    page.get_by_role("combobox", name="Public").select_option("jeunes")
    page.get_by_role("combobox", name="Âge").select_option("16-25")
    page.get_by_role("combobox", name="Situation").select_option("sans-emploi-ni-formation")
    page.get_by_role("checkbox", name="Trouver sa formation").check(force=True)
    page.get_by_label("Commune de la personne").fill("41000 Blois")
    page.get_by_label("La personne accepte").check(force=True)
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Courriel").fill("ines@example.org")
    page.get_by_role("button", name="Enregistrer et voir les services suggérés").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Services suggérés").is_visible()
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "referral-suggestions.png"), full_page=True)
    page.get_by_role("link", name=re.compile(r"Orienter vers ce service : .*Mission locale de Blois")).first.click()
    page.wait_for_load_state()
    page.get_by_label("Message au service").fill("Inès cherche une formation en logistique.")
    page.get_by_label("nom et prénom").check(force=True)
    page.get_by_label("adresse électronique").check(force=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Envoyer l’orientation").click()
    page.wait_for_load_state()
    assert page.get_by_text("Orientation envoyée à Mission locale de Blois.").is_visible()
    assert axe_violations(page) == []
    referral = Referral.objects.get(interview__email="ines@example.org")  # not the demo's own
    receiver_address = referral.offer.referral_address

    [to_service] = [mail for mail in smtp_server if receiver_address in mail.recipients]
    [to_person] = [mail for mail in smtp_server if "ines@example.org" in mail.recipients]
    assert to_service.subject.startswith("[Orientation pour tous] Une personne vous est orientée")
    assert "Inès" not in to_service.body
    receiver_link = _link(to_service.body, "recevoir")
    person_link = _link(to_person.body, "suivi")

    # The service, without an account, opens its link and accepts.
    receiver = browser.new_context(locale="fr-FR").new_page()
    receiver.goto(receiver_link)
    assert receiver.get_by_text("Inès Martin").is_visible()
    assert axe_violations(receiver) == []
    receiver.screenshot(path=str(SCREENSHOTS / "referral-secure-link.png"), full_page=True)
    receiver.get_by_label("accepter").check(force=True)
    receiver.get_by_label("Message (rendez-vous proposé, pièces à apporter…)").fill("Rendez-vous mardi à 10 h.")
    receiver.get_by_role("button", name="Envoyer la réponse").click()
    receiver.wait_for_load_state()
    assert receiver.get_by_role("heading", name="Réponse envoyée").is_visible()

    # The person's link shows it accepted, with what was shared.
    person = browser.new_context(locale="fr-FR").new_page()
    person.goto(person_link)
    assert person.get_by_text("Votre demande : acceptée").is_visible()
    assert person.get_by_text("Rendez-vous mardi à 10 h.").is_visible()
    assert axe_violations(person) == []
    person.screenshot(path=str(SCREENSHOTS / "referral-person-link.png"), full_page=True)

    answers = [
        mail for mail in smtp_server if mail.subject.endswith("réponse du service") or "acceptée" in mail.subject
    ]
    assert {recipient for mail in answers for recipient in mail.recipients} == {
        "conseillere@example.org",
        "ines@example.org",
    }
    assert Referral.objects.get(pk=referral.pk).state == "accepted"
    for item in (page, receiver, person):
        item.context.close()
