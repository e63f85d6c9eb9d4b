"""The label in the browser's pages and the API: signing in with two factors, the file in
steps, the instruction's forms, the public registry and its open data."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import time_machine
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from orientation.labels import services
from orientation.labels.criteria import CRITERIA
from orientation.labels.models import Application, Label
from tests.conftest import login_verified
from tests.labels.conftest import NEEDS, grant_label, pdf, submit_file


def code_of(device: TOTPDevice) -> str:
    return str(totp(device.bin_key, device.step, device.t0, device.digits, device.drift)).zfill(device.digits)


def test_staff_sign_in_with_a_password_then_enrol_and_use_a_second_factor(
    client, world, django_capture_on_commit_callbacks
):
    admin = world.centre.admins[0]
    admin.set_password("un mot de passe solide")
    admin.save()
    response = client.get("/gestion/labels/")
    assert response.status_code == 302
    assert response["Location"].startswith("/gestion/connexion/")
    response = client.post(
        "/gestion/connexion/?next=/gestion/labels/", {"username": admin.username, "password": "un mot de passe solide"}
    )
    assert response["Location"].startswith("/gestion/double-authentification/")
    # Signed in with the password only: the back-office still asks for the second factor.
    assert client.get("/gestion/labels/")["Location"].startswith("/gestion/double-authentification/")
    # Enrolment opens with the link sent to the account's address, not with the password alone.
    assert "Clé à saisir" not in client.get("/gestion/double-authentification/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/gestion/double-authentification/", {"next": "/gestion/labels/"})
    [link] = re.findall(r"/gestion/double-authentification/activer/\S+/", mail.outbox[-1].body)
    client.get(link)
    page = client.get("/gestion/double-authentification/?next=/gestion/labels/")
    assert "Clé à saisir" in page.content.decode()
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    page = client.post("/gestion/double-authentification/", {"otp_token": wrong, "next": "/gestion/labels/"})
    assert "ne correspond pas" in page.content.decode()
    # django-otp makes one wait after a wrong code (1 s, then doubling): a few seconds later.
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        device.refresh_from_db()
        token = code_of(device)
        response = client.post("/gestion/double-authentification/", {"otp_token": token, "next": "/gestion/labels/"})
    assert response["Location"] == "/gestion/labels/"
    assert client.get("/gestion/labels/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_repeated_failed_logins_are_throttled(client, world, settings):
    admin = world.centre.admins[0]
    admin.set_password("un mot de passe solide")
    admin.save()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/gestion/connexion/", {"username": admin.username, "password": "faux"})
        assert response.status_code == 200
        assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()
    # The last failure allowed locks the pair (user name, address); the right password then fails too.
    assert client.post("/gestion/connexion/", {"username": admin.username, "password": "faux"}).status_code == 429
    response = client.post("/gestion/connexion/", {"username": admin.username, "password": "un mot de passe solide"})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    # Another user from the same address is not locked out.
    other = world.centre.admins[1]
    other.set_password("un autre mot de passe")
    other.save()
    response = client.post("/gestion/connexion/", {"username": other.username, "password": "un autre mot de passe"})
    assert response.status_code == 302


def test_the_coordinator_files_the_application_in_steps_and_the_prefecture_instructs_it(
    client, world, grouping, django_capture_on_commit_callbacks
):
    centre = world.centre
    coordinator = centre.admins[0]
    login_verified(client, coordinator)
    assert "Groupement : Orientation en Loir-et-Cher" in client.get("/gestion/labels/").content.decode()
    response = client.post("/gestion/labels/nouvelle/", {"applicant": f"g{grouping.pk}"})
    application = Application.objects.get()
    assert response["Location"] == f"/gestion/labels/{application.pk}/dossier/sites/"

    sites_page = client.get(response["Location"]).content.decode()
    assert "Accueil de Blois" in sites_page
    assert "Accueil de Nantes" not in sites_page  # another region's organisation is not offered
    response = client.post(
        f"/gestion/labels/{application.pk}/dossier/sites/",
        {"sites": [p.pk for p in centre.places[:3]], "services": [o.pk for o in centre.offers[:3]]},
    )
    assert response["Location"].endswith("/dossier/convention/")
    form = client.get(f"/gestion/labels/{application.pk}/dossier/convention/").content.decode()
    assert 'placeholder="jj/mm/aaaa"' in form  # dates are typed the French way, whatever the browser
    assert 'type="date"' not in form
    american = client.post(
        f"/gestion/labels/{application.pk}/dossier/convention/",
        {"document": pdf(), "signatories": "Mme Martin, directrice", "signed_on": "01/25/2026"},
    )
    assert "Date illisible : écrivez-la jj/mm/aaaa" in american.content.decode()
    response = client.post(
        f"/gestion/labels/{application.pk}/dossier/convention/",
        {"document": pdf(), "signatories": "Mme Martin, directrice", "signed_on": "05/01/2026"},
    )
    assert response.status_code == 302
    assert application.grouping.conventions.get().signed_on == date(2026, 1, 5)
    bad = client.post(
        f"/gestion/labels/{application.pk}/dossier/convention/",
        {"document": pdf("convention.docx"), "signatories": "Mme Martin", "signed_on": "2026-01-05"},
    )
    assert "n’est pas un PDF" in bad.content.decode()
    data = {f"{code}__commitment": f"Engagement : {label}" for code, label in CRITERIA.items()}
    data["accueil__attachment"] = pdf("charte-accueil.pdf")
    response = client.post(f"/gestion/labels/{application.pk}/dossier/engagements/", data)
    assert response["Location"].endswith("/dossier/territoire/")
    response = client.post(
        f"/gestion/labels/{application.pk}/dossier/territoire/",
        {"living_areas": [a.pk for a in centre.living_areas[:2]], "communes": "41194, 99999", "needs_analysis": NEEDS},
    )
    assert "Codes INSEE inconnus : 99999" in response.content.decode()
    client.post(
        f"/gestion/labels/{application.pk}/dossier/territoire/",
        {"living_areas": [a.pk for a in centre.living_areas[:2]], "communes": "41194", "needs_analysis": NEEDS},
    )
    territory = client.get(f"/gestion/labels/{application.pk}/dossier/territoire/").content.decode()
    # Blois 45,710 + Vendôme 15,856 + Romorantin-Lanthenay 17,060 inhabitants, three places.
    assert "3 communes" in territory
    assert re.search(r"78\s626 habitants", territory)  # French thousands separator: a narrow space
    assert "3 lieux d’accueil existants" in territory
    assert 'class="situation-map coverage-map"' in territory

    check = client.get(f"/gestion/labels/{application.pk}/dossier/verification/").content.decode()
    assert "Le dossier est complet" in check
    response = client.post(f"/gestion/labels/{application.pk}/dossier/verification/")
    assert response["Location"] == f"/gestion/labels/{application.pk}/"
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.attachments.get().criterion == "accueil"
    assert application.versions.get().content["communes"] == ["41194"]

    login_verified(client, centre.prefecture)
    detail = client.get(f"/gestion/labels/{application.pk}/").content.decode()
    assert "Transmettre le dossier complet au CCREFP" in detail
    assert "dans les délais" in detail
    client.post(f"/gestion/labels/{application.pk}/action/transmit/")
    login_verified(client, centre.ccrefp)
    response = client.post(
        f"/gestion/labels/{application.pk}/action/opinion/",
        {"opinion-opinion": "unfavourable", "opinion-reasons": ""},
    )
    application.refresh_from_db()
    assert application.state == "transmitted"  # an unfavourable opinion needs its reasons
    client.post(
        f"/gestion/labels/{application.pk}/action/opinion/",
        {"opinion-opinion": "favourable", "opinion-reasons": "Conforme."},
    )
    login_verified(client, centre.prefecture)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/gestion/labels/{application.pk}/action/decide/",
            {"decide-decision": "grant", "decide-reasons": ""},
            follow=True,
        )
    assert "Décision enregistrée et notifiée." in response.content.decode()
    label = Label.objects.get()
    assert label.application == application
    assert {address for message in mail.outbox for address in message.to} >= {
        coordinator.email,
        centre.ccrefp.email,
        world.national.email,
    }
    trail = client.get(f"/gestion/labels/{application.pk}/").content.decode()
    for action in ("dossier déposé", "dossier transmis au CCREFP", "avis du CCREFP", "label attribué"):
        assert f"<td>{action}</td>" in trail

    # The public registry, its page, its open data and the badge on the place.
    client.logout()
    registry = client.get("/label/").content.decode()
    assert "Orientation en Loir-et-Cher" in registry
    assert "Accueil de Vendôme" in registry
    assert "Accueil de Tours" not in registry
    assert client.get(f"/label/{label.pk}/").status_code == 200
    place = client.get(f"/lieux/{centre.places[0].pk}/").content.decode()
    assert "Labellisé Orientation pour tous" in place
    assert "Labellisé" not in client.get(f"/lieux/{centre.places[3].pk}/").content.decode()
    [entry] = client.get("/api/v1/labels").json()
    assert entry["applicant"] == "Orientation en Loir-et-Cher"
    assert [site["name"] for site in entry["sites"]] == [
        "Accueil de Blois",
        "Accueil de Romorantin-Lanthenay",
        "Accueil de Vendôme",
    ]
    assert client.get("/api/v1/labels?region=52").json() == []
    response = client.get("/api/v1/labels?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert [row["site"] for row in rows] == [site["name"] for site in entry["sites"]]
    assert rows[0]["code_insee"] == "41018"
    assert rows[0]["expire_le"] == label.expires_on.isoformat()


def test_the_registry_drops_a_withdrawn_label(client, world, grouping, django_capture_on_commit_callbacks):
    centre = world.centre
    label = grant_label(centre, grouping, date(2027, 3, 1))
    with time_machine.travel(date(2027, 3, 2), tick=False):
        withdrawal = services.withdrawal_open(label=label, by_user=centre.prefecture, grounds="Accueil fermé.")
        services.withdrawal_answer(withdrawal=withdrawal, by_user=centre.admins[0], answer="Nous rouvrons.")
        services.withdrawal_record_opinion(
            withdrawal=withdrawal, by_user=centre.ccrefp, opinion="favourable", reasons="Fermé depuis 3 mois."
        )
        assert client.get("/api/v1/labels").json()
        services.withdrawal_decide(
            withdrawal=withdrawal, by_user=centre.prefecture, withdraw=True, reasons="Accueil fermé."
        )
        assert client.get("/api/v1/labels").json() == []
        assert "Aucun label en vigueur" in client.get("/label/").content.decode()
        assert client.get(f"/label/{label.pk}/").status_code == 404


def test_the_public_figures_are_anonymous(client, world, grouping):
    centre = world.centre
    submit_file(centre, grouping, date(2026, 12, 1))
    page = client.get("/label/chiffres/?region=24").content.decode()
    assert "Orientation en Loir-et-Cher" not in page
    assert re.search(r"déposé, à transmettre au CCREFP</th><td>1</td>", page)
    figures = client.get("/api/v1/labels/statistics").json()
    assert figures["by_state"]["submitted"] == 1
    assert figures["by_region"] == {"24": {"submitted": 1}}


def test_the_prefects_decision_asks_again_for_a_stale_second_factor(client, world, grouping):
    centre = world.centre
    application = submit_file(centre, grouping, date(2026, 3, 2))
    services.application_transmit(application=application, by_user=centre.prefecture)
    services.application_record_opinion(
        application=application, by_user=centre.ccrefp, opinion="favourable", reasons=""
    )
    login_verified(client, centre.prefecture)
    session = client.session
    session["second_factor_at"] -= 16 * 60  # the code was given 16 minutes ago
    session.save()
    decide = f"/gestion/labels/{application.pk}/action/decide/"
    response = client.post(decide, {"decide-decision": "grant", "decide-reasons": ""})
    assert response["Location"].startswith("/gestion/double-authentification/?confirmer=1")
    application.refresh_from_db()
    assert application.state == "opinion_given"
    assert not Label.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Étape sensible" in page
    device = TOTPDevice.objects.get(user=centre.prefecture)
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):  # a code not used before
        confirmed = client.post(
            "/gestion/double-authentification/",
            {
                "otp_device": device.persistent_id,
                "otp_token": code_of(device),
                "confirmer": "1",
                "next": f"/gestion/labels/{application.pk}/",
            },
        )
        assert confirmed["Location"] == f"/gestion/labels/{application.pk}/"
        client.post(decide, {"decide-decision": "grant", "decide-reasons": ""})
    assert Label.objects.get().application == application
