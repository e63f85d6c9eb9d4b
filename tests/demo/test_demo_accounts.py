"""Every role can be tried on the demo (issue 14, part 5): one account per role, signed in with
one click on /demo/, only while the demo data is loaded; never a way around the second factor."""

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from orientation.accounts.models import RegionalRole, User
from orientation.demo.accounts import demo_account_list
from orientation.ingestion.models import Source
from orientation.labels.models import Application, Event
from orientation.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(module_data):
    module_data("load_demo_data")


def _sign_in(client, username, next_url=""):
    return client.post("/demo/connexion/", {"username": username, "next": next_url})


def test_the_demo_page_lists_one_account_per_role_and_each_reaches_its_journey(client):
    page = client.get("/demo/")
    assert page.status_code == 200
    text = page.content.decode()
    accounts = demo_account_list()
    assert len(accounts) >= 8
    for account in accounts:
        assert account.role in text
    # The roles the issue names, each with the rows that give it its rights.
    assert User.objects.get(username="demo-conseillere-ml-blois").memberships.get().role == "member"
    assert User.objects.get(username="demo-responsable-ml-blois").memberships.get().role == "admin"
    assert User.objects.get(username="demo-conseillere-cio-blois").memberships.get().organisation.name.endswith("Blois")
    assert set(RegionalRole.objects.filter(user__is_demo=True, region__code="24").values_list("role", flat=True)) == {
        "ccrefp",
        "prefecture",
    }
    assert User.objects.get(username="demo-administratrice-nationale").is_national_admin
    assert User.objects.get(username="demo-conseiller-plateforme").has_perm("contact.handle_callback")
    for account in accounts:
        client.post("/gestion/deconnexion/")
        response = _sign_in(client, account.username, account.tries[0][1])
        assert response.status_code == 302, account.username
        assert response.url == account.tries[0][1]
        for _label, url in account.tries:
            assert client.get(url).status_code == 200, (account.username, url)


def test_each_role_finds_something_to_act_on(client):
    _sign_in(client, "demo-conseillere-cio-blois")
    referral = Referral.objects.get(offer__organisation__name__endswith="CIO) de Blois")
    listing = client.get("/gestion/orientations/").content.decode()
    assert f"/gestion/orientations/{referral.pk}/" in listing
    assert "Inès" in client.get(f"/gestion/orientations/{referral.pk}/").content.decode()

    _sign_in(client, "demo-ccrefp-centre")
    orleans = Application.objects.get(organisation__name__endswith="d’Orléans")
    assert orleans.state == Application.State.TRANSMITTED
    assert f"/gestion/labels/{orleans.pk}/" in client.get("/gestion/labels/").content.decode()

    _sign_in(client, "demo-prefecture-centre")
    tours = Application.objects.get(organisation__name__endswith="de Tours")
    assert tours.state == Application.State.SUBMITTED
    assert f"/gestion/labels/{tours.pk}/" in client.get("/gestion/labels/").content.decode()

    # The phone adviser has calls in the log, a documented answer to send and people to call back.
    _sign_in(client, "demo-conseiller-plateforme")
    console = client.get("/gestion/telephone/")
    assert len(console.context["log"]) == 5  # three calls, two callback requests
    assert [task.answer for task in console.context["tasks"]] == [
        "Employeur : liste des aides à l’embauche d’un apprenti à envoyer"
    ]
    waiting = [*console.context["callbacks"], *console.context["callbacks_ahead"]]
    # (the calls too, when the demo was loaded after the first level closed)
    assert {"+33254550201", "+33612550202"} <= {callback.number for callback in waiting}


def test_the_demo_history_credits_each_step_to_the_role_that_took_it():
    assert not Event.objects.filter(by__isnull=True).exists()
    blois = Event.objects.filter(application__grouping__name="Réseau orientation du Blésois")
    assert blois.get(action="opinion").by.username == "demo-ccrefp-centre"
    assert blois.get(action="granted").by.username == "demo-prefecture-centre"
    assert blois.get(action="submitted").by.username == "demo-coordinateur-blesois"


def test_the_one_click_sign_in_takes_demo_accounts_only(client, django_user_model):
    real = django_user_model.objects.create_user("real-adviser", password="a-real-password-1")
    TOTPDevice.objects.create(user=real, name="phone", confirmed=True)
    assert _sign_in(client, "real-adviser").status_code == 404
    assert "_auth_user_id" not in client.session
    assert client.get("/gestion/").status_code == 302
    assert client.get("/demo/connexion/").status_code == 405


def _demo_mode_off(settings, how):
    if how == "setting":
        settings.DEMO_SIGN_IN = False
    else:  # a database that holds no demo data: its only source is a real feed's
        Source.objects.filter(kind=Source.Kind.DEMO).update(kind=Source.Kind.LHEO)
    cache.clear()


@pytest.mark.parametrize("how", ["setting", "no demo data"])
def test_outside_demo_mode_there_is_no_demo_page_and_demo_accounts_need_their_code(client, settings, how):
    _demo_mode_off(settings, how)
    assert client.get("/demo/").status_code == 404
    assert _sign_in(client, "demo-prefecture-centre").status_code == 404
    assert "_auth_user_id" not in client.session
    assert "compte de démonstration" not in client.get("/gestion/connexion/").content.decode()

    # Whoever learnt a demo account's password is stopped at the second factor like everyone.
    user = User.objects.get(username="demo-prefecture-centre")
    user.set_password("leaked-password-1")
    user.save()
    signed_in = client.post("/gestion/connexion/", {"username": user.username, "password": "leaked-password-1"})
    assert signed_in.status_code == 302
    assert "/gestion/double-authentification/" in signed_in.url
    assert client.get("/gestion/labels/").url.startswith("/gestion/double-authentification/")
    wrong = client.post("/gestion/double-authentification/", {"otp_token": "000000", "next": "/gestion/labels/"})
    assert wrong.status_code == 200
    assert client.get("/gestion/labels/").status_code == 302
    device = TOTPDevice.objects.get(user=user)
    device.throttle_reset()  # django-otp makes a failed code wait; the right one comes later
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    assert (
        client.post("/gestion/double-authentification/", {"otp_token": code, "next": "/gestion/labels/"}).status_code
        == 302
    )
    assert client.get("/gestion/labels/").status_code == 200


def test_whoever_gives_the_opinion_reads_the_file_in_full(client):
    _sign_in(client, "demo-ccrefp-centre")
    orleans = Application.objects.get(organisation__name__endswith="d’Orléans")
    page = client.get(f"/gestion/labels/{orleans.pk}/").content.decode()
    assert "Rendre l’avis du CCREFP" in page
    assert "Le dossier déposé (version 1" in page
    for site in orleans.sites.all():
        assert site.name in page
    assert "Gratuité du service rendu" in page  # each criterion by its name, with the commitment
    assert "s’engage" in page
    assert "Orléans (45234)" in page  # the territory by names
    version = client.get(f"/gestion/labels/{orleans.pk}/version/1/")
    assert version.status_code == 200
    assert "Gratuité du service rendu" in version.content.decode()
    # Every demo file that was submitted has its frozen version.
    for application in Application.objects.exclude(state=Application.State.DRAFT):
        assert application.versions.filter(number=1).exists(), application


def test_the_demo_files_versions_are_frozen_on_the_day_they_were_submitted():
    from django.utils import timezone

    for application in Application.objects.exclude(state=Application.State.DRAFT):
        assert timezone.localdate(application.versions.get(number=1).frozen_at) == application.submitted_on
