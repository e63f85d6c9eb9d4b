"""The adviser's console: today's callbacks (done, no answer three times, cancelled), one-line
and 72-hour answers, a referral opened from a call; statistics as charts and in the API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from orientation.accounts.models import Membership, User
from orientation.contact import services
from orientation.contact.models import Callback, Interaction
from orientation.directory.models import Organisation
from tests.conftest import login_verified


@pytest.fixture
def adviser(db):
    user = User.objects.create_user(username="conseiller-tel", email="tel@example.org")
    user.user_permissions.add(Permission.objects.get(codename="handle_callback"))
    return User.objects.get(pk=user.pk)


def test_a_callback_goes_to_an_adviser_and_is_done(client, platform, adviser):
    _decision, interaction = services.call_route(profile="parent", need="information-jeunesse", caller="+33254000000")
    callback = interaction.callback
    assert callback.assigned_to == adviser
    login_verified(client, adviser)
    page = client.get("/gestion/telephone/").content.decode()
    assert "+33254000000" in page
    assert "Point information jeunesse est fermé" in page
    client.post(f"/gestion/telephone/rappels/{callback.pk}/fait/", {"note": "Renseignée sur le BIJ de Blois"})
    callback.refresh_from_db()
    assert (callback.state, callback.attempts, callback.number) == ("done", 1, "")  # the number is erased once done
    interaction.refresh_from_db()
    assert (interaction.outcome, interaction.answer) == ("answered", "Renseignée sur le BIJ de Blois")
    assert [event.action for event in callback.events.all()] == ["scheduled", "done"]


def test_a_callback_unanswered_three_times_is_closed(platform, adviser):
    _decision, interaction = services.call_route(profile="parent", need="information-jeunesse", caller="+33254000000")
    callback = interaction.callback
    now = timezone.now()
    services.callback_no_answer(callback=callback, by_user=adviser, now=now)
    callback.refresh_from_db()
    assert (callback.state, callback.attempts) == ("scheduled", 1)
    assert callback.scheduled_for >= now + services.RETRY_DELAY - timedelta(seconds=1)  # the first level is always open
    services.callback_no_answer(callback=callback, by_user=adviser)
    services.callback_no_answer(callback=callback, by_user=adviser)
    callback.refresh_from_db()
    assert (callback.state, callback.attempts, callback.number) == ("no_answer", 3, "")
    with pytest.raises(services.ValidationError):
        services.callback_done(callback=callback, by_user=adviser)


def test_only_the_platforms_advisers_use_the_console(client, platform, db):
    someone = User.objects.create_user(username="quelquun", email="q@example.org")
    login_verified(client, someone)
    assert client.get("/gestion/telephone/").status_code == 403
    assert client.get("/gestion/telephone/statistiques/").status_code == 403
    assert client.get("/api/v1/contact/statistics").status_code == 403
    _decision, interaction = services.call_route(profile="parent", need="information-jeunesse", caller="+33254000000")
    assert client.post(f"/gestion/telephone/rappels/{interaction.callback.pk}/annuler/").status_code == 403
    assert Callback.objects.get().state == "scheduled"
    assert Client().get("/gestion/telephone/")["Location"].startswith("/gestion/connexion/")


def test_the_consoles_objects_come_from_scoped_querysets(platform, adviser):
    """Like every back-office page, the console reads through ``visible_to``: the platform's
    advisers see every contact; a partner's staff member, an inactive adviser or a visitor none."""
    _decision, interaction = services.call_route(profile="parent", need="information-jeunesse", caller="+33254000000")
    partner_staff = User.objects.create_user(username="accueil-bij", email="bij@example.org")
    gone = User.objects.create_user(username="parti", email="parti@example.org", is_active=False)
    gone.user_permissions.add(Permission.objects.get(codename="handle_callback"))
    assert list(Interaction.objects.visible_to(adviser)) == [interaction]
    assert list(Callback.objects.visible_to(adviser)) == [interaction.callback]
    for user in (partner_staff, User.objects.get(pk=gone.pk), None):
        assert not Interaction.objects.visible_to(user).exists()
        assert not Callback.objects.visible_to(user).exists()


def test_a_written_answer_and_a_72_hour_task(client, platform, adviser):
    _decision, first = services.call_route(profile="employeur", need="autre")
    _decision, second = services.call_route(profile="salarie", need="reconversion")
    login_verified(client, adviser)
    client.post(f"/gestion/telephone/contacts/{first.pk}/reponse/", {"answer": "Renvoyé vers le site de l’Apec"})
    client.post(
        f"/gestion/telephone/contacts/{second.pk}/reponse/",
        {"answer": "Liste des VAE en Centre-Val de Loire", "documented": "on"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, first.task_due_at) == ("written", None)
    assert second.outcome == "task"
    assert second.task_due_at == second.at + timedelta(hours=72)
    assert "Liste des VAE" in client.get("/gestion/telephone/").content.decode()
    client.post(f"/gestion/telephone/contacts/{second.pk}/envoyee/")
    second.refresh_from_db()
    assert second.task_done_at is not None


def test_a_referral_is_opened_from_a_call_with_what_the_caller_said(client, platform, adviser):
    _decision, interaction = services.call_route(profile="jeune-16-25", need="formation-financement", department="41")
    organisation = Organisation.objects.create(name="Plateforme Orientation pour tous", typology="AUTRE")
    Membership.objects.create(user=adviser, organisation=organisation)
    login_verified(client, adviser)
    console = client.get("/gestion/telephone/").content.decode()
    link = (
        "/gestion/accueil/?public=jeunes&amp;age_band=16-25&amp;situation=sans-emploi-ni-formation"
        "&amp;themes=se-former--trouver-sa-formation&amp;themes=se-former--monter-son-dossier-de-formation"
        f"&amp;appel={interaction.pk}"
    )
    assert link in console
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="jeunes" selected' in form
    assert form.count("checked") == 2  # the two themes of « formation et financement »
    data = {"organisation": organisation.pk, "public": "jeunes", "age_band": "16-25", "appel": interaction.pk}
    data.update(situation="sans-emploi-ni-formation", themes=["se-former--trouver-sa-formation"])
    client.post("/gestion/accueil/", data)
    interaction.refresh_from_db()
    assert interaction.outcome == "referral"


def test_statistics_in_charts_and_in_the_api(client, platform, adviser):
    services.call_route(profile="jeune-16-25", need="formation-financement")
    services.call_route(profile="jeune-16-25", need="recherche-emploi")
    services.call_route(profile="employeur", need="autre")
    _decision, interaction = services.call_route(profile="parent", need="information-jeunesse", caller="+33254000000")
    services.callback_done(callback=interaction.callback, by_user=adviser)
    login_verified(client, adviser)
    page = client.get("/gestion/telephone/statistiques/?jours=7").content.decode()
    assert "4 contacts du" in page
    assert 'class="series-chart"' in page
    assert "<td>Mission locale de Blois</td><td>2</td>" in page
    figures = client.get("/api/v1/contact/statistics?days=7").json()
    assert figures["total"] == 4
    assert (figures["first_level_share"], figures["forwarded_share"], figures["callback_share"]) == (0.25, 0.5, 0.25)
    assert figures["by_partner"] == [
        {"code": "Mission locale de Blois", "label": "Mission locale de Blois", "count": 2}
    ]
    assert figures["callbacks_done"] == 1
    assert figures["callback_delay_minutes"] is not None
    assert sum(day["contacts"] for day in figures["per_day"]) == 4
    assert {row["code"]: row["count"] for row in figures["by_profile"]} == {
        "jeune-16-25": 2,
        "employeur": 1,
        "parent": 1,
    }
    assert Interaction.objects.count() == 4
    assert json.dumps(figures)


@pytest.mark.parametrize("close", ["done", "cancel", "no_answer"])
def test_a_closed_callback_leaves_the_number_nowhere(client, platform, adviser, close):
    """The web form keeps the number given with consent, for the callback only: once it is
    made, cancelled or given up, neither the contact, nor the callback, nor its SMS holds it."""
    from orientation.referrals.models import TextMessage

    interaction, callback = services.callback_request(
        number="02 54 78 54 87", profile="parent", need="autre", consent=True, address="203.0.113.9"
    )
    assert Interaction.objects.get(pk=interaction.pk).caller_number == "+33254785487"
    assert TextMessage.objects.filter(phone="+33254785487").exists()
    if close == "done":
        services.callback_done(callback=callback, by_user=adviser)
    elif close == "cancel":
        services.callback_cancel(callback=callback, by_user=adviser)
    else:
        for _ in range(3):
            services.callback_no_answer(callback=callback, by_user=adviser)
    assert Interaction.objects.get(pk=interaction.pk).caller_number == ""
    assert Callback.objects.get(pk=callback.pk).number == ""
    assert not TextMessage.objects.exists()
    assert Interaction.objects.get(pk=interaction.pk).caller_digest  # repeat requests are still counted


def test_the_console_counts_todays_callbacks_and_shows_the_next_days(client, platform, adviser):
    now = timezone.now()
    today, tomorrow, in_ten_days = (
        services.call_route(profile="parent", need="autre", caller=f"+3325400010{index}", wants_callback=True)[1]
        for index in range(3)
    )
    Callback.objects.filter(interaction=today).update(scheduled_for=now - timedelta(minutes=5))
    Callback.objects.filter(interaction=tomorrow).update(scheduled_for=now + timedelta(days=1))
    Callback.objects.filter(interaction=in_ten_days).update(scheduled_for=now + timedelta(days=10))
    soon = services.call_route(profile="parent", need="autre", caller="+33254000109", wants_callback=True)[1]
    Callback.objects.filter(interaction=soon).update(scheduled_for=None)  # « as soon as possible »
    login_verified(client, adviser)
    page = client.get("/gestion/telephone/").content.decode()
    assert "2 rappels à faire aujourd’hui" in page  # the late one and the one with no time
    assert "Au plus tôt — +33254000109" in page
    assert "1 rappel prévu les 7 prochains jours" in page
    ahead = page.split("prévu les 7 prochains jours")[1].split("Journal des contacts")[0]
    assert "+33254000101" in ahead
    assert "+33254000102" not in ahead
