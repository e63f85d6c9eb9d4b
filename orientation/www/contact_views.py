"""The phone platform's interfaces, one decision behind all of them:

- ``POST /contact/sip/route``: asked by the SIP proxy (Kamailio, ``deploy/kamailio/``) for
  every INVITE; JSON in (profile, need, caller, call id, department), JSON out (action,
  target, mode, partner, reason, retry_after);
- ``/contact/voix/…``: a voice webhook answering TwiML (Twilio, Telnyx TeXML): a French
  keypad menu for the profile and the need, then ``Dial`` or a callback confirmation;
- ``/etre-rappele/``: the portal's « Être rappelé » form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import xml.etree.ElementTree as ET
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from dsfr.forms import DsfrBaseForm

from orientation.contact import services
from orientation.contact.codelists import CALLBACK_SLOTS, Action, Channel, Need, Profile
from orientation.contact.models import Callback
from orientation.contact.routing import Decision
from orientation.utils.db import is_busy, lock_wait
from orientation.utils.http import client_address

# The keypad menus: digit → code, in the order the prompt reads them.
PROFILE_KEYS = {
    "1": Profile.PUPIL_OR_STUDENT, "2": Profile.PARENT, "3": Profile.YOUNG, "4": Profile.JOB_SEEKER,
    "5": Profile.EMPLOYEE, "6": Profile.EMPLOYER, "7": Profile.OTHER,
}  # fmt: skip
NEED_KEYS = {
    "1": Need.SCHOOLING, "2": Need.HIGHER_EDUCATION, "3": Need.TRAINING, "4": Need.JOB_SEARCH,
    "5": Need.CAREER_CHANGE, "6": Need.YOUTH, "7": Need.OTHER,
}  # fmt: skip
CALLBACK_KEY = "9"
#: menus heard at most this many times; then the caller goes to the first level
MENU_ATTEMPTS = 2
VOICE = {"language": "fr-FR"}


# SIP proxy ----------------------------------------------------------------------------


def _decision_json(decision: Decision, interaction_id: int) -> dict[str, Any]:
    return {
        "action": decision.action,
        "target": decision.target,
        "mode": decision.mode,
        "partner": decision.queue_name,
        "reason": decision.reason,
        "retry_after": decision.retry_after_seconds(timezone.now()) if decision.action == Action.CALLBACK else 0,
        "callback_at": decision.callback_at.isoformat() if decision.callback_at else None,
        "interaction": interaction_id,
    }


@csrf_exempt
@require_POST
def sip_route(request: HttpRequest) -> JsonResponse:
    """The routing decision for one INVITE, asked by the SIP proxy (loopback or the proxies
    listed in CONTACT_ROUTING_ALLOWED_IPS). The proxy waits 2 s, then sends the call to the first
    level: the decision is made within CONTACT_ROUTING_BUDGET_SECONDS or not at all (503, and
    nothing recorded)."""
    deadline = time.monotonic() + settings.CONTACT_ROUTING_BUDGET_SECONDS
    if client_address(request) not in settings.CONTACT_ROUTING_ALLOWED_IPS:
        return JsonResponse(
            {"code": "forbidden", "detail": "Adresse non autorisée à demander l’aiguillage."}, status=403
        )
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("an object is expected")
    except ValueError as error:
        return JsonResponse({"code": "invalid_input", "detail": f"JSON illisible : {error}."}, status=400)
    try:
        with lock_wait(max(deadline - time.monotonic(), 0.05)):
            decision, interaction = services.call_route(
                profile=str(data.get("profile") or ""),
                need=str(data.get("need") or ""),
                department=str(data.get("department") or ""),
                channel=Channel.SIP,
                call_id=str(data.get("call_id") or ""),
                caller=str(data.get("caller") or ""),
                deadline=deadline,
                refuse_absurd_caller=True,
            )
    except services.AbsurdCallerId as error:
        return JsonResponse({"code": "invalid_input", "detail": f"Champ caller : {error}."}, status=400)
    except (services.RoutingTooLate, OperationalError) as error:
        if isinstance(error, OperationalError) and not is_busy(error):
            raise
        return JsonResponse(
            {"code": "unavailable", "detail": "Aiguillage impossible dans le délai : premier niveau."}, status=503
        )
    return JsonResponse(_decision_json(decision, interaction.pk))


# Voice webhook (TwiML) -----------------------------------------------------------------


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    """What Twilio (and Telnyx TeXML) sign a webhook with: HMAC-SHA1, keyed by the account's
    token, of the full URL followed by the POST parameters sorted by name, in base64."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def voice_webhook(view: Any) -> Any:
    """Only the voice platform may drive the menu: with VOICE_WEBHOOK_TOKEN set, a request
    without the right X-Twilio-Signature is refused (403); without a token, only the addresses
    of VOICE_WEBHOOK_ALLOWED_IPS are answered (a gateway on loopback), as the SIP route does."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = settings.VOICE_WEBHOOK_TOKEN
        if token:
            expected = twilio_signature(token, request.build_absolute_uri(), request.POST.dict())
            if not hmac.compare_digest(expected, request.headers.get("X-Twilio-Signature", "")):
                return HttpResponse("Signature du webhook invalide.", status=403, content_type="text/plain")
        elif client_address(request) not in settings.VOICE_WEBHOOK_ALLOWED_IPS:
            return HttpResponse(
                "Webhook réservé à la plateforme vocale : réglez VOICE_WEBHOOK_TOKEN, ou VOICE_WEBHOOK_ALLOWED_IPS.",
                status=403,
                content_type="text/plain",
            )
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def _twiml(*verbs: ET.Element) -> HttpResponse:
    root = ET.Element("Response")
    root.extend(verbs)
    body = b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _say(text: str) -> ET.Element:
    element = ET.Element("Say", VOICE)
    element.text = text
    return element


def _redirect(url: str) -> ET.Element:
    element = ET.Element("Redirect", {"method": "POST"})
    element.text = url
    return element


def _gather(action: str, prompt: str) -> ET.Element:
    gather = ET.Element(
        "Gather", {"input": "dtmf", "numDigits": "1", "timeout": "6", "action": action, "method": "POST"}
    )
    gather.append(_say(prompt))
    return gather


def _url(name: str, **params: object) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def _attempt(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("essai", "1")))
    except ValueError:
        return 1


def _dial(target: str) -> ET.Element:
    dial = ET.Element("Dial")
    kind = "Sip" if target.startswith("sip:") else "Number"
    ET.SubElement(dial, kind).text = target
    return dial


def _first_level(reason: str) -> HttpResponse:
    """After menus heard twice without a valid key: straight to a first-level adviser."""
    decision, _interaction = services.call_route(profile="", need="", channel=Channel.VOICE)
    if decision.action == Action.ANSWER:
        return _twiml(_say(reason + " Nous vous mettons en relation avec un conseiller."), _dial(decision.target))
    return _callback_answer(None)


def _callback_answer(planned: Callback | None) -> HttpResponse:
    """What the caller hears when nobody can answer now: when they will be called back (the
    callback this call scheduled, or the one their number was already waiting for)."""
    if planned is None:
        # No number to call back (withheld), or this number already has its callbacks for today.
        text = (
            "Nos conseillers ne peuvent pas vous répondre maintenant. Rappelez-nous pendant nos heures d’ouverture, "
            "ou demandez à être rappelé sur notre site internet. Au revoir."
        )
        return _twiml(_say(text), ET.Element("Hangup"))
    if planned.scheduled_for:
        when = timezone.localtime(planned.scheduled_for)
        minutes = f" {when.minute}" if when.minute else ""
        text = (
            "Nos conseillers ne peuvent pas vous répondre maintenant. Nous vous rappellerons le "
            f"{date_format(when, 'l j F')} à {when.hour} heures{minutes}, au numéro qui nous appelle. Au revoir."
        )
    else:
        text = "Nos conseillers ne peuvent pas vous répondre maintenant. Nous vous rappellerons au plus tôt. Au revoir."
    return _twiml(_say(text), ET.Element("Hangup"))


PROFILE_PROMPT = (
    "Bienvenue sur Orientation pour tous, le service public de l’orientation. "
    "Si vous êtes élève ou étudiant, tapez 1. Parent, tapez 2. Jeune de 16 à 25 ans, tapez 3. "
    "Demandeur d’emploi, tapez 4. Salarié, tapez 5. Employeur, tapez 6. Autre situation, tapez 7."
)
NEED_PROMPT = (
    "Votre question porte sur la scolarité : tapez 1. Les études supérieures : 2. La formation et son "
    "financement : 3. La recherche d’emploi : 4. Une reconversion : 5. L’information jeunesse : 6. "
    "Autre chose : 7. Pour être rappelé, tapez 9."
)


@voice_webhook
def voice_start(request: HttpRequest) -> HttpResponse:
    attempt = _attempt(request)
    if attempt > MENU_ATTEMPTS:
        return _first_level("Nous n’avons pas reçu votre choix.")
    return _twiml(
        _gather(_url("contact:voice_profile", essai=attempt), PROFILE_PROMPT),
        _redirect(_url("contact:voice_start", essai=attempt + 1)),
    )


@voice_webhook
def voice_profile(request: HttpRequest) -> HttpResponse:
    attempt = _attempt(request)
    profile = PROFILE_KEYS.get(request.POST.get("Digits", "").strip())
    if profile is None:
        if attempt >= MENU_ATTEMPTS:
            return _first_level("Choix non reconnu.")
        return _twiml(_say("Choix non reconnu."), _redirect(_url("contact:voice_start", essai=attempt + 1)))
    return _twiml(
        _gather(_url("contact:voice_need", profil=profile, essai=1), NEED_PROMPT),
        _redirect(_url("contact:voice_need", profil=profile, essai=2, silence=1)),
    )


@voice_webhook
def voice_need(request: HttpRequest) -> HttpResponse:
    attempt = _attempt(request)
    profile = request.GET.get("profil", "")
    if profile not in Profile.values:
        return voice_start(request)
    digits = request.POST.get("Digits", "").strip()
    need = NEED_KEYS.get(digits)
    wants_callback = digits == CALLBACK_KEY
    if need is None and not wants_callback:
        if attempt > MENU_ATTEMPTS:
            return _first_level("Choix non reconnu.")
        prefix = [] if request.GET.get("silence") else [_say("Choix non reconnu.")]
        return _twiml(
            *prefix,
            _gather(_url("contact:voice_need", profil=profile, essai=attempt + 1), NEED_PROMPT),
            _redirect(_url("contact:voice_need", profil=profile, essai=attempt + 2, silence=1)),
        )
    decision, interaction = services.call_route(
        profile=profile,
        need=need or Need.OTHER,
        channel=Channel.VOICE,
        call_id=request.POST.get("CallSid", ""),
        caller=request.POST.get("From", ""),
        wants_callback=wants_callback,
    )
    if decision.action == Action.CALLBACK:
        return _callback_answer(services.planned_callback(interaction))
    if decision.action == Action.FORWARD:
        return _twiml(_say(f"Nous vous mettons en relation avec {decision.queue_name}."), _dial(decision.target))
    return _twiml(_say("Nous vous mettons en relation avec un conseiller."), _dial(decision.target))


# « Être rappelé » ----------------------------------------------------------------------

SLOTS = [(key, label) for key, (_start, _end, label) in CALLBACK_SLOTS.items()]


class CallbackForm(DsfrBaseForm):
    number = forms.CharField(
        label="Votre numéro de téléphone",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    profile = forms.ChoiceField(label="Vous êtes", choices=Profile.choices)
    need = forms.ChoiceField(label="Votre question porte sur", choices=Need.choices)
    department = forms.CharField(
        label="Votre département (facultatif)", max_length=3, required=False, help_text="Par exemple : 41."
    )
    preferred_slots = forms.MultipleChoiceField(
        label="Quand vous rappeler ?", choices=SLOTS, widget=forms.CheckboxSelectMultiple, required=False
    )
    consent = forms.BooleanField(
        label="J’accepte que mon numéro soit gardé le temps de me rappeler, puis effacé.", required=True
    )


def callback_form(request: HttpRequest) -> HttpResponse:
    # Opened from a page about a training or a place, the question is already chosen.
    need = request.GET.get("besoin", "")
    form = CallbackForm(request.POST or None, initial={"need": need} if need in Need.values else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _interaction, callback = services.callback_request(
                number=data["number"],
                profile=data["profile"],
                need=data["need"],
                department=data["department"],
                preferred_slots=data["preferred_slots"],
                consent=data["consent"],
                address=client_address(request),
            )
        except services.AlreadyRequested as already:
            return render(
                request,
                "www/contact/callback_done.html",
                {"title": "Demande de rappel déjà enregistrée", "callback": already.callback, "already": True},
            )
        except ValidationError as error:
            for name, errors in (
                error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            ):
                form.add_error(name if name in form.fields else None, errors)
        else:
            return render(
                request,
                "www/contact/callback_done.html",
                {"title": "Demande de rappel enregistrée", "callback": callback},
            )
    return render(request, "www/contact/callback_form.html", {"title": "Être rappelé", "form": form})
