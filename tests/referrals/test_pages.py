"""Referral pages and endpoints: the adviser's flow in the back-office, the secure link and the
person's link; and that no organisation reads a referral it neither sent nor received, through
any page or endpoint, and that an expired or used token gives nothing."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from orientation.directory.models import ServiceOffer
from orientation.referrals import services
from orientation.referrals.models import PersonalDataAccess, Referral, TextMessage
from tests.conftest import login_verified
from tests.referrals.conftest import TRAINING, young_person


def link_token(text: str, kind: str) -> str:
    return re.search(rf"/orientation/{kind}/([\w-]+)/", text).group(1)


def test_an_adviser_records_a_request_sees_suggestions_and_sends(
    client, town, mailoutbox, django_capture_on_commit_callbacks
):
    login_verified(client, town.adviser)
    form = client.get("/gestion/accueil/").content.decode()
    assert services.CONSENT_WORDING[:40] in form
    response = client.post(
        "/gestion/accueil/",
        {"organisation": town.cio.pk, "public": "jeunes", "age_band": "16-25", "situation": "sans-emploi-ni-formation",
         "themes": [TRAINING], "commune": "41000 Blois", "first_name": "Inès"},
    )  # fmt: skip
    assert "accord explicite" in response.content.decode()  # a name without consent is refused
    response = client.post(
        "/gestion/accueil/",
        {"organisation": town.cio.pk, "public": "jeunes", "age_band": "16-25", "situation": "sans-emploi-ni-formation",
         "themes": [TRAINING], "commune": "41018", "consent": "on", "first_name": "Inès", "last_name": "Martin",
         "email": "ines@example.org"},
    )  # fmt: skip
    interview_url = response["Location"]
    page = client.get(interview_url).content.decode()
    # Blois's services first, Tours after, each with its reasons.
    assert page.index("Mission locale de Blois") < page.index("Mission locale de Tours")
    assert "répond à : Trouver sa formation" in page
    send_url = f"{interview_url}orienter/{town.offer.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send_url, {"message": "Rendez-vous souhaité le matin.", "share": ["name", "email"]})
    referral = Referral.objects.get()
    assert response["Location"] == f"/gestion/orientations/{referral.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "/orientation/suivi/" in detail  # the person's link, shown once
    assert "/orientation/suivi/" not in client.get(response["Location"]).content.decode()
    receiver_mail = next(m for m in mailoutbox if m.to == ["accueil@ml-blois.example.org"])
    person_mail = next(m for m in mailoutbox if m.to == ["ines@example.org"])

    # The service opens its secure link, without an account, and accepts.
    receiver = Client()
    token = link_token(receiver_mail.body, "recevoir")
    page = receiver.get(f"/orientation/recevoir/{token}/")
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert "Inès Martin" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = receiver.post(f"/orientation/recevoir/{token}/", {"decision": "accept", "message": "RDV mardi 10 h"})
    assert "Réponse envoyée" in done.content.decode()
    # Accepted, the link still shows the request and the person's contact, with no form.
    again = receiver.get(f"/orientation/recevoir/{token}/")
    assert again.status_code == 200
    assert "Inès Martin" in again.content.decode()
    assert "Vous avez accepté cette orientation" in again.content.decode()
    assert "Envoyer la réponse" not in again.content.decode()
    assert receiver.post(f"/orientation/recevoir/{token}/", {"decision": "refuse"}).status_code == 200
    assert Referral.objects.get(pk=referral.pk).state == "accepted"  # a second answer changes nothing
    # The e-mail says one thing of time: when to answer by; the link's own life is explained.
    assert "valable 8 jours" not in receiver_mail.body
    assert "Merci de répondre avant le" in receiver_mail.body
    # The person's link shows it accepted, with the consent given.
    person = Client()
    follow = person.get(f"/orientation/suivi/{link_token(person_mail.body, 'suivi')}/").content.decode()
    assert "Votre demande : acceptée" in follow
    assert "RDV mardi 10 h" in follow
    assert services.CONSENT_WORDING[:40] in follow
    # The adviser sees the answer; every step is in the history.
    history = client.get(f"/gestion/orientations/{referral.pk}/").content.decode()
    for action in ("orientation envoyée", "vue par le service", "acceptée"):
        assert f"<td>{action}</td>" in history


def test_the_person_withdraws_and_exports_from_their_link(town, django_capture_on_commit_callbacks):
    interview = young_person(town)
    with django_capture_on_commit_callbacks(execute=True):
        referral, links = services.referral_send(interview=interview, offer=town.offer, by_user=town.adviser,
                                                 share=["name", "phone"])  # fmt: skip
    person = Client()
    path = links.person.split("127.0.0.1:8000", 1)[-1]
    exported = json.loads(person.get(path + "mes-donnees.json").content)
    assert exported["donnees_personnelles"]["telephone"] == "06 12 34 56 78"
    # Withdrawing asks first, and says what cannot be undone.
    asked = person.post(path, {"withdraw": "1"})
    assert "Cela ne peut pas être annulé" in asked.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == "sent"
    with django_capture_on_commit_callbacks(execute=True):
        response = person.post(path, {"withdraw": "1", "confirm": "1"}, follow=True)
    assert "vos données personnelles ont été effacées" in response.content.decode()
    # Sent again after going back: nothing more happens, and the person is told.
    again = person.post(path, {"withdraw": "1", "confirm": "1"}, follow=True)
    assert "plus en cours" in again.content.decode()
    referral.refresh_from_db()
    assert referral.state == "withdrawn"
    assert referral.phone == ""
    assert PersonalDataAccess.objects.filter(action="erase").exists()
    # Nothing left of the number or of the way to the page: not in an SMS still to send either.
    assert not TextMessage.objects.exists()
    assert not any("06 12 34 56 78" in str(value) for value in Referral.objects.values().get().values())


def test_no_organisation_reads_a_referral_it_neither_sent_nor_received(town):
    from django.core.files.uploadedfile import SimpleUploadedFile

    referral, _links = services.referral_send(
        interview=young_person(town), offer=town.offer, by_user=town.adviser, share=["name", "email", "phone"],
        attachments=[SimpleUploadedFile("cv-ines.pdf", b"%PDF-1.4 cv")],
    )  # fmt: skip
    attachment_url = f"/gestion/orientations/{referral.pk}/pieces/{referral.attachments.get().pk}/"
    urls = [f"/gestion/orientations/{referral.pk}/", attachment_url, f"/api/v1/referrals/{referral.pk}"]
    outsider = login_verified(Client(), town.outsider)
    for url in urls:
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert "Inès" not in response.content.decode()
    assert outsider.post(f"/gestion/orientations/{referral.pk}/repondre/", {"decision": "accept"}).status_code == 404
    assert (
        f"/gestion/orientations/{referral.pk}/"
        not in outsider.get("/gestion/orientations/?sens=recues").content.decode()
    )
    assert f"/gestion/orientations/{referral.pk}/" not in outsider.get("/gestion/orientations/").content.decode()
    assert outsider.get("/api/v1/referrals").json() == []
    assert outsider.get(f"/gestion/accueil/{referral.interview_id}/").status_code == 404
    # The sender cannot answer in the receiver's place; the receiver does not read the interview.
    sender = login_verified(Client(), town.adviser)
    assert sender.get(urls[0]).status_code == 200
    assert sender.get(attachment_url).status_code == 200
    assert sender.post(f"/gestion/orientations/{referral.pk}/repondre/", {"decision": "accept"}).status_code == 404
    receiver = login_verified(Client(), town.mission_locale_admin)
    assert receiver.get(urls[0]).status_code == 200
    assert receiver.get(f"/gestion/accueil/{referral.interview_id}/").status_code == 404
    assert [row["id"] for row in receiver.get("/api/v1/referrals").json()] == [referral.pk]
    # Anonymous: to the sign-in page, or 401.
    assert Client().get(urls[0])["Location"].startswith("/gestion/connexion/")
    assert Client().get(urls[2]).status_code == 401
    referral.refresh_from_db()
    assert referral.state == "seen"  # opened by the receiver only
    assert PersonalDataAccess.objects.filter(user=town.mission_locale_admin, action="read").exists()


def test_an_expired_or_used_token_gives_nothing(town):
    referral, links = services.referral_send(interview=young_person(town), offer=town.offer, by_user=town.adviser,
                                             share=["name"])  # fmt: skip
    path = links.receiver.split("127.0.0.1:8000", 1)[-1]
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        page = Client().get(path)
        assert page.status_code == 410
        assert "Inès" not in page.content.decode()
        assert "Recevoir un nouveau lien" in page.content.decode()
        assert Client().post(path, {"decision": "accept"}).status_code == 410
    referral.refresh_from_db()
    assert referral.state == "sent"
    for guess in ("x" * 43, "", "../../admin"):
        assert Client().get(f"/orientation/recevoir/{guess}/").status_code in (404, 410)
        assert Client().get(f"/orientation/suivi/{guess}/").status_code in (404, 410)
    services.referral_accept(referral=referral, actor=services.SECURE_LINK)
    assert Client().get(path).status_code == 200  # accepted: readable, to contact the person
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        assert Client().get(path).status_code == 404  # … for 8 days after the answer


def test_a_refused_referral_link_opens_nothing(town):
    referral, links = services.referral_send(interview=young_person(town), offer=town.offer, by_user=town.adviser,
                                             share=["name"])  # fmt: skip
    path = links.receiver.split("127.0.0.1:8000", 1)[-1]
    services.referral_refuse(referral=referral, actor=services.SECURE_LINK, reason="autre", shown_to_person=False)
    page = Client().get(path)
    assert page.status_code == 404
    assert "Inès" not in page.content.decode()


def test_offers_are_kept_up_to_date_by_their_organisation(town):
    admin = login_verified(Client(), town.mission_locale_admin)
    page = admin.get("/gestion/services/").content.decode()
    assert town.offer.name in page
    assert town.tours_offer.name not in page
    response = admin.post(
        f"/gestion/services/{town.offer.pk}/",
        {"name": "Accompagnement formation", "type": "accompagnement", "level": "second", "themes": [TRAINING],
         "publics": ["jeunes"], "fees": "gratuit", "hours": "Mo-Fr 09:00-12:00", "weekly_capacity": "12",
         "accepts_referrals": "on", "documents_needed": "Pièce d’identité"},
    )  # fmt: skip
    assert response.status_code == 302
    offer = ServiceOffer.objects.get(pk=town.offer.pk)
    assert (offer.name, offer.weekly_capacity, offer.documents_needed) == (
        "Accompagnement formation",
        12,
        "Pièce d’identité",
    )
    assert offer.hours.is_known
    assert offer.last_checked_at is not None
    bad = admin.post(f"/gestion/services/{town.offer.pk}/", {"name": "x", "type": "accompagnement", "level": "second",
                                                            "themes": [TRAINING], "publics": ["jeunes"],
                                                            "fees": "gratuit", "hours": "le matin"})  # fmt: skip
    assert "Horaires illisibles" in bad.content.decode()
    assert admin.get(f"/gestion/services/{town.tours_offer.pk}/").status_code == 404
    assert admin.post(f"/gestion/services/{town.tours_offer.pk}/confirmer/").status_code == 404
    # The portal and the API list the services that take referrals.
    public = Client()
    assert "Accompagnement formation" in public.get("/services/?ou=Blois").content.decode()
    items = public.get(f"/api/v1/offers?theme={TRAINING}&commune=41018").json()["results"]
    assert {item["name"] for item in items} == {"Accompagnement formation", town.pij_offer.name}
    assert public.get("/api/v1/offers?theme=cuisine").status_code == 400


def test_the_right_password_without_the_code_reads_no_referral(town):
    """The receiver's admin typed the password but not the code: the back-office sends them to
    the code page and the API answers 401, with nothing of the person."""
    referral, _links = services.referral_send(
        interview=young_person(town), offer=town.offer, by_user=town.adviser, share=["name", "email", "phone"]
    )
    town.mission_locale_admin.set_password("mot-de-passe-1")
    town.mission_locale_admin.save()
    client = Client()
    client.post("/gestion/connexion/", {"username": "admin-ml", "password": "mot-de-passe-1"})
    assert "/gestion/double-authentification/" in client.get(f"/gestion/orientations/{referral.pk}/")["Location"]
    for url in ("/api/v1/referrals", f"/api/v1/referrals/{referral.pk}"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert "Inès" not in response.content.decode()
    assert not PersonalDataAccess.objects.filter(user=town.mission_locale_admin).exists()


def test_a_download_of_personal_data_asks_again_for_a_stale_second_factor(town):
    from django.core.files.uploadedfile import SimpleUploadedFile

    referral, _links = services.referral_send(
        interview=young_person(town), offer=town.offer, by_user=town.adviser, share=["name"],
        attachments=[SimpleUploadedFile("cv-ines.pdf", b"%PDF-1.4 cv")],
    )  # fmt: skip
    url = f"/gestion/orientations/{referral.pk}/pieces/{referral.attachments.get().pk}/"
    receiver = login_verified(Client(), town.mission_locale_admin)
    assert receiver.get(url).status_code == 200
    session = receiver.session
    session["second_factor_at"] -= 16 * 60
    session.save()
    response = receiver.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/gestion/double-authentification/?confirmer=1&next=/gestion/")
    assert receiver.get(f"/gestion/orientations/{referral.pk}/").status_code == 200  # reading the page is not


def test_the_interview_form_starts_with_the_advisers_organisation_and_groups_the_themes(client, town):
    import re

    login_verified(client, town.adviser)  # a member of one organisation: the CIO
    page = client.get("/gestion/accueil/").content.decode()
    select = page[page.index('id="id_organisation"') : page.index("</select>", page.index('id="id_organisation"'))]
    assert re.findall(r"<option[^>]*>", select) == [f'<option value="{town.cio.pk}" selected>']
    # 69 themes under their 16 families, guidance's first.
    legends = re.findall(r'-group-\d+-legend">([^<]+)</legend>', page)
    assert legends[:2] == ["Choisir un métier", "Se former"]
    assert len(legends) == 16
    assert page.count('name="themes"') == 69
    first_group = page.split('id="id_themes-group-1"')[1].split("</fieldset>")[0]
    assert "Confirmer son choix de métier" in first_group
    assert "Trouver sa formation" not in first_group


def test_the_services_directory_near_a_town_lists_the_nearest_first_with_its_distance(town):
    from orientation.directory.models import Place

    # The PIJ 6 km out of Blois; Tours's mission locale is 55 km away, beyond the 30 km.
    Place.objects.filter(pk=town.pij_offer.place_id).update(latitude=town.blois.latitude + 0.054)
    page = Client().get("/services/?ou=Blois").content.decode()
    assert "2 services à moins de 30 km de Blois" in page
    assert page.index("Mission locale de Blois") < page.index("PIJ de Blois")
    assert "PIJ de Blois</a> — PIJ de Blois, Blois · 6,0 km" in page  # French decimals
    assert "Mission locale de Tours" not in page
    listing = Client().get("/services/").content.decode()
    assert "Mission locale de Tours" in listing  # without a town: all of them, by town
    assert " km" not in listing.split("services</p>")[1]


def test_an_acceptance_rate_is_shown_only_past_a_few_answers(town):
    from orientation.referrals.selectors import MIN_ANSWERS_FOR_RATE

    def answered(count):
        for _ in range(count):
            referral, _links = services.referral_send(interview=young_person(town), offer=town.offer,
                                                      by_user=town.adviser, share=["name"])  # fmt: skip
            services.referral_accept(referral=referral, actor=services.SECURE_LINK)

    answered(1)
    page = Client().get("/services/?ou=Blois").content.decode()
    assert "répond en" in page
    assert "d’orientations acceptées" not in page  # 1 of 1 is not « 100 % »
    answered(MIN_ANSWERS_FOR_RATE - 1)
    assert "100 % d’orientations acceptées" in Client().get("/services/?ou=Blois").content.decode()
