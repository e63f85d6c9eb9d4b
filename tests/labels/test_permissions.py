"""For every role and every back-office page and API endpoint of the label: a user of another
organisation or region gets 404 or 403, never the data; a user in its role gets the page."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from orientation.labels import services
from orientation.labels.models import Application
from tests.conftest import login_verified
from tests.labels.conftest import complete_file, grant_label

SECRET_NEEDS = "Analyse confidentielle des besoins du Loir-et-Cher"


@pytest.fixture
def files(world, grouping):
    """A granted grouping file in Centre-Val de Loire, a draft of a single organisation there,
    and a submitted file in Pays de la Loire."""
    centre, loire = world.centre, world.loire
    granted = grant_label(centre, grouping, date(2027, 3, 1)).application
    with time_machine.travel(date(2027, 3, 1), tick=False):
        draft = services.application_create(
            by_user=centre.admins[3], organisation=centre.organisations[3], region=centre.region
        )
        Application.objects.filter(pk=draft.pk).update(needs_analysis=SECRET_NEEDS)
        loire_file = services.application_create(
            by_user=loire.admins[0], organisation=loire.organisations[0], region=loire.region
        )
        complete_file(loire_file, loire, loire.admins[0], sites=1)
        services.application_submit(application=loire_file, by_user=loire.admins[0])
    return {"granted": granted, "draft": draft, "loire": loire_file}


def who(world) -> dict[str, object]:
    centre, loire = world.centre, world.loire
    return {
        "coordinator": centre.admins[0],  # admin of the grouping's coordinating organisation
        "grouping_member_admin": centre.admins[1],
        "centre_member": centre.member,  # plain member of the coordinating organisation
        "tours_admin": centre.admins[3],  # same region, outside the grouping, owns the draft
        "centre_prefecture": centre.prefecture,
        "centre_ccrefp": centre.ccrefp,
        "loire_admin": loire.admins[0],
        "loire_prefecture": loire.prefecture,
        "loire_ccrefp": loire.ccrefp,
        "national": world.national,
        "anonymous": None,
    }


#: who may read each file: (file, role) pairs; everything else is a 404 (401 on the API)
READS = {
    "granted": {
        "coordinator",
        "grouping_member_admin",
        "centre_member",
        "centre_prefecture",
        "centre_ccrefp",
        "national",
    },
    "draft": {"tours_admin"},  # a draft belongs to its applicant alone
    "loire": {"loire_admin", "loire_prefecture", "loire_ccrefp", "national"},
}


def pages(application: Application) -> list[str]:
    pk = application.pk
    urls = [f"/gestion/labels/{pk}/", f"/api/v1/labels/applications/{pk}"]
    if application.versions.exists():
        urls.append(f"/gestion/labels/{pk}/version/1/")
    return urls


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        login_verified(client, user)
    return client


def test_every_role_reads_only_the_files_of_its_organisation_or_region(world, files):
    checked = 0
    for role, user in who(world).items():
        client = client_for(user)
        listing = client.get("/gestion/labels/")
        api_listing = client.get("/api/v1/labels/applications")
        for name, application in files.items():
            allowed = role in READS[name]
            for url in pages(application):
                response = client.get(url)
                if allowed:
                    assert response.status_code == 200, (role, url)
                elif user is None:
                    assert response.status_code in (302, 401), (role, url)
                else:
                    assert response.status_code == 404, (role, url, response.status_code)
                    assert application.applicant_name not in response.content.decode()
                checked += 1
            if user is not None:
                shown = f"/gestion/labels/{application.pk}/" in listing.content.decode()
                assert shown == allowed, (role, name)
                ids = {row["id"] for row in api_listing.json()}
                assert (application.pk in ids) == allowed, (role, name)
        if user is not None:
            assert SECRET_NEEDS not in listing.content.decode() + api_listing.content.decode() or role == "tours_admin"
    assert checked >= 60


def test_only_the_applicant_edits_a_draft_and_a_step_of_another_draft_is_a_404(world, files):
    draft = files["draft"]
    for role, user in who(world).items():
        if user is None:
            continue
        client = client_for(user)
        response = client.get(f"/gestion/labels/{draft.pk}/dossier/territoire/")
        if role == "tours_admin":
            assert response.status_code == 200
            assert SECRET_NEEDS in response.content.decode()
        else:
            assert response.status_code == 404, role
        post = client.post(f"/gestion/labels/{draft.pk}/dossier/territoire/", {"needs_analysis": "écrasé"})
        assert post.status_code == (302 if role == "tours_admin" else 404), role
    draft.refresh_from_db()
    assert draft.needs_analysis == "écrasé"


def steps_in_order(world) -> list[tuple[str, dict[str, object], str]]:
    """Every step of the label, in the order a file takes them, with a form its role would send
    and the role (on the Pays de la Loire file) that takes it."""
    return [
        ("return", {"return-reasons": "Pièce manquante"}, "loire_prefecture"),
        ("transmit", {}, "loire_prefecture"),
        ("hearing", {"hearing-held_on": "02/03/2027", "hearing-attendees": "La coordinatrice"}, "loire_ccrefp"),
        ("interest", {"interest-member": world.loire.ccrefp.pk}, "loire_ccrefp"),
        ("opinion", {"opinion-opinion": "favourable", "opinion-reasons": ""}, "loire_ccrefp"),
        ("decide", {"decide-decision": "grant", "decide-reasons": ""}, "loire_prefecture"),
        ("withdrawal_open", {"withdrawal_open-grounds": "Site fermé"}, "loire_prefecture"),
        ("withdrawal_answer", {"withdrawal_answer-answer": "Rouvert lundi"}, "loire_admin"),
        (
            "withdrawal_opinion",
            {"withdrawal_opinion-opinion": "unfavourable", "withdrawal_opinion-reasons": "Rouvert"},
            "loire_ccrefp",
        ),
        (
            "withdrawal_decide",
            {"withdrawal_decide-decision": "maintain", "withdrawal_decide-reasons": "Rouvert"},
            "loire_prefecture",
        ),
    ]


def _events(application: Application) -> int:
    return application.events.count()


def test_every_role_is_tried_on_every_step_and_only_the_steps_role_takes_it(world, files):
    """Each of the eleven roles posts each step (rolled back after each try); the step's role
    alone moves the file, a reader gets a 403, anyone else a 404 and the anonymous visitor the
    sign-in page. The file then really takes the step, and the next step is tried."""
    target = files["loire"]
    clients = {role: client_for(user) for role, user in who(world).items()}
    tried = 0
    steps = steps_in_order(world)
    for action, data, allowed in steps:
        for role, client in clients.items():
            before = _events(target)
            with transaction.atomic():
                response = client.post(f"/gestion/labels/{target.pk}/action/{action}/", data)
                moved = _events(target) > before
                transaction.set_rollback(True)
            if role == allowed:
                assert response.status_code == 302, (action, role)
                assert response["Location"] == f"/gestion/labels/{target.pk}/", (action, role)
                assert moved, (action, role)
            elif role == "anonymous":
                assert response.status_code == 302, action
                assert response["Location"].startswith("/gestion/connexion/"), action
            elif role in READS["loire"]:
                assert response.status_code == 403, (action, role)  # may read the file, not take this step
            else:
                assert response.status_code == 404, (action, role, response.status_code)
            assert not moved or role == allowed, (action, role)
            tried += 1
        if action not in ("return", "interest"):  # the file goes on from where this step leads
            # (a member who declared an interest would be excluded from the opinion: not taken)
            assert clients[allowed].post(f"/gestion/labels/{target.pk}/action/{action}/", data).status_code == 302
    assert tried == len(steps) * 11
    target.refresh_from_db()
    assert target.label.state == "active"  # maintained


def test_other_regions_cannot_decide_or_withdraw(world, files):
    granted = files["granted"]
    for role in ("loire_prefecture", "loire_ccrefp", "loire_admin", "tours_admin"):
        client = client_for(who(world)[role])
        for action in ("withdrawal_open", "decide", "opinion"):
            response = client.post(f"/gestion/labels/{granted.pk}/action/{action}/", {})
            assert response.status_code == 404, (role, action)
    client = client_for(world.centre.ccrefp)  # reads the file, but withdrawal is the prefect's
    response = client.post(f"/gestion/labels/{granted.pk}/action/withdrawal_open/", {"withdrawal_open-grounds": "x"})
    assert response.status_code == 403
    assert not granted.label.withdrawals.exists()


def test_groupings_and_dashboards_are_scoped(world, files, grouping):
    for role, user in who(world).items():
        if user is None:
            continue
        client = client_for(user)
        response = client.get(f"/gestion/labels/groupements/{grouping.pk}/")
        sees = role in READS["granted"] or role == "centre_member"
        assert response.status_code == (200 if sees else 404), role
        dashboard = client.get("/gestion/labels/tableau-de-bord/")
        if role in ("centre_prefecture", "centre_ccrefp", "loire_prefecture", "loire_ccrefp", "national"):
            assert dashboard.status_code == 200
            counts = dashboard.context["dashboard"].by_state
            if role.startswith("loire"):
                assert counts["granted"] == 0
                assert counts["submitted"] == 1
            if role.startswith("centre"):
                assert counts["granted"] == 1
                assert counts["submitted"] == 0
        else:
            assert dashboard.status_code == 403, role
    # Uploading a convention is the coordination's alone.
    client = client_for(world.centre.admins[1])
    assert client.post(f"/gestion/labels/groupements/{grouping.pk}/", {"signatories": "x"}).status_code == 403


def test_the_api_needs_a_session_and_answers_404_for_a_file_of_another_region(world, files):
    assert Client().get("/api/v1/labels/applications").status_code == 401
    client = client_for(world.loire.prefecture)
    response = client.get(f"/api/v1/labels/applications/{files['granted'].pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    mine = client.get(f"/api/v1/labels/applications/{files['loire'].pk}").json()
    assert mine["due_on"] == "2027-03-09"
    assert mine["who_must_act"] == "prefecture"
    assert [event["action"] for event in mine["events"]] == ["created", "submitted"]


def test_every_step_action_and_download_of_another_region_is_a_404(world, files, grouping):
    from orientation.www.backoffice.labels import ACTIONS, STEPS

    granted = files["granted"]
    convention = grouping.conventions.get()
    attachment = granted.attachments.create(criterion="accueil", document=convention.document, name="charte.pdf")
    urls = [f"/gestion/labels/{granted.pk}/dossier/{step}/" for step, _title in STEPS]
    urls += [
        f"/gestion/labels/{granted.pk}/pieces/{attachment.pk}/",
        f"/gestion/labels/groupements/{grouping.pk}/convention/{convention.pk}/",
    ]
    for role in ("loire_admin", "loire_prefecture", "loire_ccrefp", "tours_admin"):
        client = client_for(who(world)[role])
        for url in urls:
            assert client.get(url).status_code == 404, (role, url)
        for action in ACTIONS:
            response = client.post(f"/gestion/labels/{granted.pk}/action/{action}/", {})
            assert response.status_code == 404, (role, action)
    # Those who read the file get its pieces; a granted file's steps send back to the file.
    client = client_for(world.centre.ccrefp)
    response = client.get(f"/gestion/labels/groupements/{grouping.pk}/convention/{convention.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(f"/gestion/labels/{granted.pk}/pieces/{attachment.pk}/").status_code == 200
    assert client.get(urls[0])["Location"] == f"/gestion/labels/{granted.pk}/"


def test_only_an_organisation_admin_or_coordinator_starts_a_file(world, files, grouping):
    centre = world.centre
    before = Application.objects.count()
    for user in (centre.member, centre.prefecture, world.loire.admins[0]):
        client = client_for(user)
        client.post("/gestion/labels/nouvelle/", {"applicant": f"g{grouping.pk}"})
        client.post(
            "/gestion/labels/nouvelle/", {"applicant": f"o{centre.organisations[0].pk}", "region": centre.region.pk}
        )
    assert Application.objects.count() == before
    client = client_for(centre.admins[1])  # member admin of the grouping, not its coordinator
    client.post("/gestion/labels/nouvelle/", {"applicant": f"g{grouping.pk}"})
    assert Application.objects.count() == before
    client.post(
        "/gestion/labels/nouvelle/", {"applicant": f"o{centre.organisations[1].pk}", "region": centre.region.pk}
    )
    assert Application.objects.count() == before + 1


def test_a_step_that_is_not_the_users_is_refused_before_its_form_is_read(world, files):
    """An empty form from the wrong role is a 403, not « Formulaire incomplet »."""
    target = files["loire"]
    client = client_for(world.loire.prefecture)  # reads the file; the opinion is the CCREFP's
    response = client.post(f"/gestion/labels/{target.pk}/action/opinion/", {})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.state == "submitted"
