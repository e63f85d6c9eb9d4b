"""The routing endpoint for the SIP proxy, the TwiML voice webhook (each menu path, invalid
and missing keys) and the « Être rappelé » form (numbers, limits)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from orientation.contact.models import Callback, Interaction, caller_digest
from orientation.referrals.models import TextMessage


def route(client, **body):
    return client.post("/contact/sip/route", data=json.dumps(body), content_type="application/json")


def test_the_sip_endpoint_answers_each_action(client, platform):
    forward = route(client, profile="jeune-16-25", need="formation-financement", caller="+33254000000", call_id="a1@x")
    assert forward.json() | {"interaction": 0} == {
        "action": "forward", "target": "sip:ml@127.0.0.1:5080", "mode": "relay", "partner": "Mission locale de Blois",
        "reason": "Règle « Jeunes : mission locale » : Mission locale de Blois.", "retry_after": 0, "callback_at": None,
        "interaction": 0,
    }  # fmt: skip
    redirect = route(client, profile="parent", need="scolarite").json()
    assert (redirect["action"], redirect["mode"], redirect["target"]) == (
        "forward",
        "redirect",
        "sip:accueil@cio-blois.example.org",
    )
    callback = route(
        client, profile="parent", need="information-jeunesse", caller="+33254111111", call_id="c3@x"
    ).json()
    assert callback["action"] == "callback"
    assert callback["retry_after"] >= 60
    answer = route(client, profile="employeur", need="autre", department="41").json()
    assert (answer["action"], answer["target"]) == ("answer", "sip:premier-niveau@127.0.0.1:5070")
    logged = Interaction.objects.get(call_id="a1@x")
    assert logged.caller_digest == caller_digest("+33254000000")
    assert logged.caller_number == ""  # kept hashed
    assert logged.queue == platform.relayed
    assert Callback.objects.get(interaction__call_id="c3@x").number == "+33254111111"


def test_the_sip_endpoint_reads_unknown_codes_as_other_and_refuses_bad_json(client, platform):
    decision = route(client, profile='"; drop', need="???").json()
    assert decision["action"] == "answer"
    assert Interaction.objects.get().profile == "autre"
    assert client.post("/contact/sip/route", data="{", content_type="application/json").status_code == 400


def test_the_sip_endpoint_answers_only_the_proxies(client, platform, settings):
    settings.CONTACT_ROUTING_ALLOWED_IPS = ["10.0.0.5"]
    assert route(client, profile="parent").status_code == 403
    assert not Interaction.objects.exists()


def twiml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "Response"
    return root


def test_the_voice_menu_asks_the_profile_then_the_need_then_dials(client, platform):
    root = twiml(client.post("/contact/voix/"))
    gather = root.find("Gather")
    assert gather.get("action") == "/contact/voix/profil/?essai=1"
    assert gather.get("numDigits") == "1"
    assert "Jeune de 16 à 25 ans, tapez 3" in gather.find("Say").text
    assert gather.find("Say").get("language") == "fr-FR"
    assert root.find("Redirect").text == "/contact/voix/?essai=2"  # no key: the menu again
    need = twiml(client.post("/contact/voix/profil/?essai=1", {"Digits": "3"}))
    assert need.find("Gather").get("action") == "/contact/voix/besoin/?profil=jeune-16-25&essai=1"
    dial = twiml(
        client.post(
            "/contact/voix/besoin/?profil=jeune-16-25&essai=1",
            {"Digits": "3", "From": "+33600000001", "CallSid": "CA1"},
        )
    )
    assert dial.find("Say").text == "Nous vous mettons en relation avec Mission locale de Blois."
    assert dial.find("Dial/Sip").text == "sip:ml@127.0.0.1:5080"
    logged = Interaction.objects.get(call_id="CA1")
    assert (logged.channel, logged.profile, logged.need, logged.action) == (
        "voice",
        "jeune-16-25",
        "formation-financement",
        "forward",
    )


def test_a_number_target_is_dialled_as_a_number(client, platform):
    platform.relayed.target = "+33254780000"
    platform.relayed.save()
    from orientation.contact.services import forget_routing_state

    forget_routing_state()
    dial = twiml(client.post("/contact/voix/besoin/?profil=jeune-16-25", {"Digits": "4"}))
    assert dial.find("Dial/Number").text == "+33254780000"


def test_a_closed_partner_or_key_9_confirms_a_callback(client, platform):
    closed = twiml(client.post("/contact/voix/besoin/?profil=parent", {"Digits": "6", "From": "+33254222222"}))
    assert "Nous vous rappellerons le" in closed.find("Say").text
    assert closed.find("Hangup") is not None
    asked = twiml(client.post("/contact/voix/besoin/?profil=salarie", {"Digits": "9", "From": "+33254333333"}))
    assert "Nous vous rappellerons" in asked.find("Say").text
    assert Callback.objects.count() == 2


@pytest.mark.parametrize("digits", ["8", "0", "#", "", "12"])
def test_an_invalid_or_missing_profile_repeats_the_menu_then_goes_to_the_first_level(client, platform, digits):
    again = twiml(client.post("/contact/voix/profil/?essai=1", {"Digits": digits}))
    assert again.find("Say").text == "Choix non reconnu."
    assert again.find("Redirect").text == "/contact/voix/?essai=2"
    repeated = twiml(client.post("/contact/voix/?essai=2"))
    assert repeated.find("Gather").get("action") == "/contact/voix/profil/?essai=2"
    last = twiml(client.post("/contact/voix/profil/?essai=2", {"Digits": digits}))
    assert last.find("Dial/Sip").text == "sip:premier-niveau@127.0.0.1:5070"
    assert "Nous vous mettons en relation avec un conseiller" in last.find("Say").text


def test_silence_on_both_profile_menus_goes_to_the_first_level(client, platform):
    assert twiml(client.post("/contact/voix/?essai=3")).find("Dial/Sip").text == "sip:premier-niveau@127.0.0.1:5070"


@pytest.mark.parametrize("digits", ["8", "0", "*", ""])
def test_an_invalid_or_missing_need_repeats_the_need_menu_then_goes_to_the_first_level(client, platform, digits):
    again = twiml(client.post("/contact/voix/besoin/?profil=parent&essai=1", {"Digits": digits}))
    assert again.find("Say").text == "Choix non reconnu."
    assert again.find("Gather").get("action") == "/contact/voix/besoin/?profil=parent&essai=2"
    last = twiml(client.post("/contact/voix/besoin/?profil=parent&essai=2", {"Digits": digits}))
    assert last.find("Gather") is not None  # heard twice at most: the second time is this one
    final = twiml(client.post("/contact/voix/besoin/?profil=parent&essai=3", {"Digits": digits}))
    assert final.find("Dial/Sip").text == "sip:premier-niveau@127.0.0.1:5070"


def test_silence_on_the_need_menu_asks_again_without_saying_the_key_was_wrong(client, platform):
    silent = twiml(client.post("/contact/voix/besoin/?profil=parent&essai=2&silence=1"))
    assert silent.find("Say") is None
    assert silent.find("Gather") is not None


def test_a_forged_profile_in_the_address_starts_again(client, platform):
    assert (
        twiml(client.post("/contact/voix/besoin/?profil=pirate", {"Digits": "1"}))
        .find("Gather")
        .get("action")
        .startswith("/contact/voix/profil/")
    )


def callback_form(client, HTTP_X_FORWARDED_FOR="", **changes):
    data = {
        "number": "02 54 78 54 87",
        "profile": "parent",
        "need": "scolarite",
        "preferred_slots": ["matin"],
        "consent": "on",
    }
    data.update(changes)
    headers = {"HTTP_X_FORWARDED_FOR": HTTP_X_FORWARDED_FOR} if HTTP_X_FORWARDED_FOR else {}
    return client.post("/etre-rappele/", data, **headers)


def test_the_callback_form_schedules_a_callback_and_prepares_a_text(client, platform):
    response = callback_form(client, preferred_slots=["apres-midi"])
    assert "Demande de rappel enregistrée" in response.content.decode()
    callback = Callback.objects.get()
    assert callback.number == "+33254785487"
    assert callback.preferred_slots == "l’après-midi (14 h – 18 h)"
    # Called back when the person asked: in an afternoon, never announced for a morning.
    scheduled = timezone.localtime(callback.scheduled_for)
    assert 14 <= scheduled.hour < 18, scheduled
    assert f"à {scheduled:%H:%M}." in response.content.decode()
    assert callback.interaction.channel == "web"
    assert callback.interaction.caller_number == "+33254785487"  # given with consent
    assert callback.queue == platform.redirected
    text = TextMessage.objects.get()
    assert text.phone == "+33254785487"
    assert text.body.startswith("Orientation pour tous : nous vous rappelons le")


@pytest.mark.parametrize("number", ["12", "0123", "abcdefghij", "+33 1 23", "06 12 34 56 7"])
def test_the_callback_form_refuses_bad_numbers(client, platform, number):
    response = callback_form(client, number=number)
    assert "numéro de téléphone" in response.content.decode()
    assert not Callback.objects.exists()


def test_the_callback_form_refuses_more_than_3_requests_per_number_per_day(client, platform):
    for _attempt in range(3):
        assert "Demande de rappel enregistrée" in callback_form(client).content.decode()
        Callback.objects.update(state=Callback.State.DONE)  # made: the number may ask again, up to 3 a day
    refused = callback_form(client, number="+33 2 54 78 54 87").content.decode()
    assert "déjà demandé 3 rappels aujourd’hui" in refused
    assert Callback.objects.count() == 3
    assert "Demande de rappel enregistrée" in callback_form(client, number="06 12 34 56 78").content.decode()


def test_the_callback_form_limits_requests_per_address(client, platform):
    for index in range(10):
        assert (
            "Demande de rappel enregistrée"
            in callback_form(client, number=f"06 12 34 56 {10 + index}").content.decode()
        )
    assert "Trop de demandes" in callback_form(client, number="06 99 99 99 99").content.decode()


def test_the_callback_form_needs_consent(client, platform):
    response = client.post("/etre-rappele/", {"number": "0254785487", "profile": "parent", "need": "scolarite"})
    assert response.status_code == 200
    assert not Callback.objects.exists()


def test_with_a_token_only_signed_webhooks_drive_the_menu(client, platform, settings):
    from orientation.www.contact_views import twilio_signature

    settings.VOICE_WEBHOOK_TOKEN = "jeton-du-compte"
    params = {"Digits": "3", "From": "+33600000001", "CallSid": "CA9"}
    assert client.post("/contact/voix/besoin/?profil=jeune-16-25", params).status_code == 403
    forged = client.post("/contact/voix/besoin/?profil=jeune-16-25", params, headers={"X-Twilio-Signature": "AAAA"})
    assert forged.status_code == 403
    assert not Interaction.objects.exists()
    signature = twilio_signature("jeton-du-compte", "http://testserver/contact/voix/besoin/?profil=jeune-16-25", params)
    signed = client.post("/contact/voix/besoin/?profil=jeune-16-25", params, headers={"X-Twilio-Signature": signature})
    assert twiml(signed).find("Dial/Sip").text == "sip:ml@127.0.0.1:5080"


def test_the_signature_is_twilios():
    """The example of Twilio's documentation on webhook security, signed the same way."""
    from orientation.www.contact_views import twilio_signature

    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234", "From": "+12349013030",
              "To": "+18005551212"}  # fmt: skip
    assert (
        twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)
        == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )


def test_without_a_token_the_voice_webhooks_answer_only_the_allowed_addresses(client, platform, settings):
    settings.VOICE_WEBHOOK_TOKEN = ""
    settings.VOICE_WEBHOOK_ALLOWED_IPS = ["10.0.0.7"]
    for url in ("/contact/voix/", "/contact/voix/profil/?essai=1", "/contact/voix/besoin/?profil=parent"):
        response = client.post(url, {"Digits": "9", "From": "+33254222222"})
        assert response.status_code == 403, url
    assert not Interaction.objects.exists()
    settings.VOICE_WEBHOOK_ALLOWED_IPS = ["127.0.0.1"]  # the test client's address
    assert client.post("/contact/voix/").status_code == 200


def test_a_number_has_one_callback_to_make_whatever_the_channel(client, platform):
    """Asked on the web form, then twice by phone and once through the SIP proxy (the number
    written three ways): one callback to make, the first, and the callers hear its time."""
    assert "Demande de rappel enregistrée" in callback_form(client, number="02 54 44 44 44").content.decode()
    first = Callback.objects.get()
    for caller in ("+33254444444", "02 54 44 44 44"):
        asked = twiml(client.post("/contact/voix/besoin/?profil=salarie", {"Digits": "9", "From": caller}))
        assert "Nous vous rappellerons" in asked.find("Say").text
    route(client, profile="salarie", need="autre", caller="sip:0254444444@10.1.1.1")
    assert list(Callback.objects.all()) == [first]
    assert Interaction.objects.count() == 4  # every contact is logged


@pytest.mark.django_db(transaction=True)
def test_a_second_call_outside_any_test_transaction_hears_the_planned_callback(client, platform):
    """As in production, with no transaction around the request: telling the caller the time of
    the callback already planned reads it without a lock (a lock there would be an error)."""
    for _ in range(2):
        asked = twiml(client.post("/contact/voix/besoin/?profil=salarie", {"Digits": "9", "From": "+33254555555"}))
        assert "Nous vous rappellerons" in asked.find("Say").text
    assert Callback.objects.count() == 1


def test_the_per_number_limit_holds_on_every_channel(client, platform):
    for _ in range(3):  # three callbacks asked by phone and made: the most a number gets in a day
        client.post("/contact/voix/besoin/?profil=salarie", {"Digits": "9", "From": "+33254333333"})
        Callback.objects.update(state=Callback.State.DONE)
    assert Callback.objects.count() == 3
    # The fourth caller hears no promise of a callback that will not come.
    fourth = twiml(client.post("/contact/voix/besoin/?profil=salarie", {"Digits": "9", "From": "02 54 33 33 33"}))
    assert "Nous vous rappellerons" not in fourth.find("Say").text
    assert "Rappelez-nous" in fourth.find("Say").text
    assert Callback.objects.count() == 3
    # Nor by the web form, nor through the SIP proxy, with the number written another way.
    refused = client.post("/etre-rappele/", {"number": "0254333333", "profile": "salarie", "need": "autre",
                                              "consent": "on"})  # fmt: skip
    assert "déjà demandé 3 rappels aujourd’hui" in refused.content.decode()
    route(client, profile="salarie", need="autre", caller="sip:0254333333@10.1.1.1")
    assert Callback.objects.count() == 3


@pytest.mark.parametrize(
    ("caller_id", "stored"),
    [
        ("+33254333333", "+33254333333"),
        ("02 54 33 33 33", "+33254333333"),
        ("sip:0254333333@gw.example.org", "+33254333333"),
        ("tel:+33254333333", "+33254333333"),
        ("anonymous", None),
        ("<script>alert(1)</script>", None),
        ("12", None),
    ],
)
def test_numbers_are_validated_and_normalised_on_the_voice_path(client, platform, caller_id, stored):
    client.post("/contact/voix/besoin/?profil=salarie", {"Digits": "9", "From": caller_id})
    interaction = Interaction.objects.get()
    if stored is None:
        assert interaction.caller_digest == ""
        assert not Callback.objects.exists()
    else:
        assert interaction.caller_digest == caller_digest(stored)
        assert Callback.objects.get().number == stored


@pytest.mark.parametrize("caller_id", ["<script>alert(1)</script>", "0" * 500, "+3325\x00433"])
def test_the_sip_route_refuses_absurd_caller_ids(client, platform, caller_id):
    response = route(client, profile="parent", need="autre", caller=caller_id)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert not Interaction.objects.exists()


def test_behind_the_load_balancer_each_caller_has_their_own_address_limit(client, platform, settings):
    settings.TRUSTED_PROXY_IPS = ["127.0.0.1"]  # the test client's address plays the balancer
    for index in range(12):  # twelve people, twelve addresses: nobody is refused
        response = client.post(
            "/etre-rappele/",
            {"number": f"06 12 34 56 {20 + index}", "profile": "parent", "need": "autre", "consent": "on"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{index + 1}",
        )
        assert "Demande de rappel enregistrée" in response.content.decode(), index
    for index in range(10):
        callback_form(client, number=f"06 12 34 57 {10 + index}", HTTP_X_FORWARDED_FOR="203.0.113.5")
    refused = client.post(
        "/etre-rappele/",
        {"number": "06 99 99 99 98", "profile": "parent", "need": "autre", "consent": "on"},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert "Trop de demandes" in refused.content.decode()


def test_sending_the_form_twice_makes_one_callback_and_shows_it(client, platform):
    """Back, then send again (or a double tap): the person sees the callback already planned."""
    first = callback_form(client).content.decode()
    assert "Demande de rappel enregistrée" in first
    again = callback_form(client, number="02.54.78.54.87").content.decode()
    assert "Votre demande de rappel est déjà enregistrée" in again
    assert "Un SMS de confirmation vous est envoyé" not in again
    assert Callback.objects.count() == 1
    assert TextMessage.objects.count() == 1


def test_the_callback_form_opened_from_a_training_has_its_question_chosen(client, platform):
    page = client.get("/etre-rappele/?besoin=formation-financement").content.decode()
    assert '<option value="formation-financement" selected>' in page
    assert (
        "selected"
        not in client.get("/etre-rappele/?besoin=pirate").content.decode().split('name="need"')[1].split("</select>")[0]
    )
