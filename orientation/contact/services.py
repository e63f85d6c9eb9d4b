"""Writes of the phone platform: a call routed and logged, callbacks requested, scheduled,
assigned and followed, first-level answers recorded."""

from __future__ import annotations

import logging
import re
import threading
import time as monotonic_time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from orientation.accounts.models import User
from orientation.contact import routing
from orientation.contact.codelists import CALLBACK_SLOTS, Action, Channel, Need, Profile
from orientation.contact.models import (
    AdviserTeam,
    Callback,
    CallbackEvent,
    Interaction,
    PartnerQueue,
    RoutingRule,
    caller_digest,
)
from orientation.directory.hours import parse_hours
from orientation.referrals.models import TextMessage
from orientation.utils.http import address_digest
from orientation.utils.workflow import Workflow

logger = logging.getLogger(__name__)

#: how long a process keeps the rules and queues before reading them again
STATE_SECONDS = 5
#: callbacks a number may ask for in a day, and an address
CALLBACKS_PER_NUMBER_PER_DAY = 3
CALLBACKS_PER_ADDRESS_PER_DAY = 10
#: a documented written answer is due within 72 hours
WRITTEN_ANSWER_HOURS = 72
#: after an unanswered callback, the next try is this much later at the earliest
RETRY_DELAY = timedelta(hours=2)

_state_lock = threading.Lock()
_state: dict[str, object] = {}


@dataclass(frozen=True)
class RoutingState:
    rules: tuple[routing.Rule, ...]
    queues: dict[int, PartnerQueue]
    team: routing.Team


def _load_state() -> RoutingState:
    rules = tuple(
        routing.Rule(
            priority=rule.priority,
            queue_id=rule.queue_id,
            profiles=frozenset(rule.profiles),
            needs=frozenset(rule.needs),
            departments=frozenset(rule.departments),
            name=rule.name,
        )
        for rule in RoutingRule.objects.filter(active=True).filter(Q(queue__isnull=True) | Q(queue__active=True))
    )
    queues = {queue.pk: queue for queue in PartnerQueue.objects.filter(active=True)}
    team_row = AdviserTeam.objects.filter(is_default=True).order_by("pk").first()
    team = (
        routing.Team(target=team_row.target, hours=team_row.hours)
        if team_row
        else routing.Team(target="", hours=parse_hours({}))
    )
    return RoutingState(rules=rules, queues=queues, team=team)


def routing_state() -> RoutingState:
    """The rules, queues and advisers, read at most every few seconds per process: an edit in
    the back-office applies within ``STATE_SECONDS``."""
    with _state_lock:
        loaded_at = _state.get("at")
        if loaded_at is None or monotonic_time.monotonic() - float(loaded_at) > STATE_SECONDS:  # type: ignore[arg-type]
            _state["value"], _state["at"] = _load_state(), monotonic_time.monotonic()
        return _state["value"]  # type: ignore[return-value]


def forget_routing_state() -> None:
    """Read the rules again at the next call (after an edit, and in tests)."""
    with _state_lock:
        _state.clear()


def _queues_now(state: RoutingState, now: datetime) -> dict[int, routing.Queue]:
    limited = [pk for pk, queue in state.queues.items() if queue.hourly_capacity]
    # The load is counted only for the queues that have a capacity (one query, or none).
    loads = (
        dict(
            Interaction.objects.forwarded_since(now - timedelta(hours=1))
            .filter(queue_id__in=limited)
            .values_list("queue_id")
            .annotate(count=Count("pk"))
            .values_list("queue_id", "count")
        )
        if limited
        else {}
    )
    return {
        pk: routing.Queue(
            id=pk,
            name=queue.name,
            target=queue.target,
            mode=queue.transfer_mode,
            hours=queue.hours,
            hourly_capacity=queue.hourly_capacity,
            load=loads.get(pk, 0),
            department=queue.department,
        )
        for pk, queue in state.queues.items()
    }


def clean_request(profile: str, need: str, department: str = "") -> tuple[str, str, str]:
    """Unknown codes are read as « autre »: a caller is never refused for a wrong key."""
    profile = profile if profile in Profile.values else Profile.OTHER
    need = need if need in Need.values else Need.OTHER
    department = department.strip().upper()[:3]
    if not (len(department) in (2, 3) and department.isalnum()):
        department = ""
    return profile, need, department


def _assign(callback: Callback) -> None:
    """To the phone-platform adviser with the fewest callbacks still to make."""
    permission = Permission.objects.filter(codename="handle_callback", content_type__app_label="contact").first()
    if permission is None:
        return
    advisers = (
        User.objects.filter(is_active=True)
        .filter(Q(user_permissions=permission) | Q(groups__permissions=permission) | Q(is_superuser=True))
        .distinct()
        .annotate(load=Count("callbacks", filter=Q(callbacks__state=Callback.State.SCHEDULED)))
        .order_by("load", "pk")
    )
    adviser = advisers.first()
    if adviser is not None:
        callback.assigned_to = adviser
        callback.save(update_fields=["assigned_to"])


def _schedule_callback(
    interaction: Interaction, *, number: str, when: datetime | None, queue_id: int | None, slots: str = ""
) -> Callback:
    callback = Callback.objects.create(
        interaction=interaction, number=number, preferred_slots=slots, queue_id=queue_id, scheduled_for=when
    )
    CallbackEvent.objects.create(
        callback=callback, at=interaction.at, action="scheduled", to_state=callback.state, note=interaction.reason
    )
    _assign(callback)
    return callback


#: what a caller id may be made of (a number, a SIP user part, « anonymous »), and its length
_CALLER_ID = re.compile(
    r"(?:(?:sips?|tel):)?"  # scheme
    r"([+0-9A-Za-z().\- ]{1,40})"  # the user part: a number, or « anonymous »
    r"(?:@[A-Za-z0-9.:\[\]_-]{1,255})?"  # host
    r"(?:;[^<>\"\\\s]*)?"  # parameters
)


class RoutingTooLate(Exception):
    """The decision came after the caller's deadline: nothing of it is recorded."""


class AbsurdCallerId(ValueError):
    """A caller id no telephone network sends (markup, control characters, pages of text)."""


def caller_number(caller_id: str) -> str:
    """The caller's number in E.164 from what a network sends (``+33254…``, ``0254…``,
    ``sip:0254…@host``, ``tel:+33…``), or "" when it is withheld or not a phone number
    (« anonymous »); ``AbsurdCallerId`` when it could not come from a network at all."""
    text = caller_id.strip()
    if not text:
        return ""
    match = _CALLER_ID.fullmatch(text)
    if match is None:
        raise AbsurdCallerId(f"identifiant d’appelant illisible ({len(text)} caractères)")
    try:
        parsed = phonenumbers.parse(match.group(1), "FR")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def pending_callback(digest: str) -> Callback | None:
    """The callback still to make to the number of this digest, locked, if there is one: a
    number has one at a time, whether it asked by the web form, by phone or through the SIP
    proxy (the rule of ``callback_request`` and ``call_route`` alike)."""
    if not digest:
        return None
    return (
        Callback.objects.select_for_update()
        .filter(interaction__caller_digest=digest, state=Callback.State.SCHEDULED)
        .order_by("pk")
        .first()
    )


def planned_callback(interaction: Interaction) -> Callback | None:
    """The callback the caller of this contact will get: the one it scheduled, or the one their
    number was already waiting for (what the voice menu tells them); None without a number."""
    # A read, after the step committed: no lock (select_for_update outside a transaction is an error).
    scheduled = Callback.objects.filter(interaction=interaction).first()
    if scheduled is not None or not interaction.caller_digest:
        return scheduled
    waiting = Callback.objects.filter(
        interaction__caller_digest=interaction.caller_digest, state=Callback.State.SCHEDULED
    )
    return waiting.order_by("pk").first()


def callbacks_today(number: str, now: datetime) -> int:
    """Callbacks asked for this number in the last 24 hours, whatever the channel."""
    return Callback.objects.filter(
        interaction__caller_digest=caller_digest(number), interaction__at__gte=now - timedelta(days=1)
    ).count()


@transaction.atomic
def call_route(
    *,
    profile: str,
    need: str,
    department: str = "",
    channel: str = Channel.SIP,
    call_id: str = "",
    caller: str = "",
    wants_callback: bool = False,
    preferred_slots: Sequence[str] = (),
    now: datetime | None = None,
    deadline: float | None = None,
    refuse_absurd_caller: bool = False,
) -> tuple[routing.Decision, Interaction]:
    """Decide where a call goes, log it, and schedule the callback if that is the decision.

    ``caller`` is read as a phone number (``caller_number``, once); a withheld or unreadable one
    is logged as no number, and no callback is scheduled without a number. With
    ``refuse_absurd_caller`` (the SIP route), one no network could send raises
    ``AbsurdCallerId`` before anything is written. A number that already
    asked for ``CALLBACKS_PER_NUMBER_PER_DAY`` callbacks today gets no further one, on any
    channel: the one scheduled stands.

    ``deadline`` (``time.monotonic()``): past it, ``RoutingTooLate`` is raised before the commit,
    so that a SIP proxy that stopped waiting and sent the call to the first level finds no
    callback or contact recorded for a decision it never heard."""
    now = now or timezone.now()
    profile, need, department = clean_request(profile, need, department)
    try:
        caller = caller_number(caller)
    except AbsurdCallerId:
        if refuse_absurd_caller:
            raise
        caller = ""
    state = routing_state()
    decision = routing.decide(
        routing.CallRequest(
            profile=profile,
            need=need,
            department=department,
            wants_callback=wants_callback,
            preferred_windows=tuple(CALLBACK_SLOTS[slot][:2] for slot in preferred_slots),
        ),
        rules=state.rules,
        queues=_queues_now(state, now),
        team=state.team,
        now=now,
    )
    interaction = Interaction.objects.create(
        at=now, channel=channel, call_id=call_id[:200], profile=profile, need=need, department=department,
        action=decision.action, queue_id=decision.queue_id, reason=decision.reason[:300],
        caller_digest=caller_digest(caller) if caller else "",
        outcome=Interaction.Outcome.FORWARDED if decision.action == Action.FORWARD else
        Interaction.Outcome.CALLBACK if decision.action == Action.CALLBACK else Interaction.Outcome.PENDING,
    )  # fmt: skip
    if (
        decision.action == Action.CALLBACK
        and caller
        # one callback to make per number, whatever the channel: the one planned stands
        and pending_callback(caller_digest(caller)) is None
        and callbacks_today(caller, now) < CALLBACKS_PER_NUMBER_PER_DAY
    ):
        _schedule_callback(
            interaction,
            number=caller,
            when=decision.callback_at,
            queue_id=decision.queue_id,
            slots=", ".join(CALLBACK_SLOTS[slot][2] for slot in preferred_slots),
        )
    if deadline is not None and monotonic_time.monotonic() > deadline:
        raise RoutingTooLate("décision prise après le délai de l’appelant : rien n’est enregistré")
    return decision, interaction


# The web form « Être rappelé » -----------------------------------------------------------


def normalise_number(text: str) -> str:
    """A French (or international) phone number in E.164, or a ValidationError saying why."""
    try:
        parsed = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException as error:
        raise ValidationError({"number": "Ce numéro de téléphone est illisible."}) from error
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError({"number": f"« {text} » n’est pas un numéro de téléphone valide."})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class AlreadyRequested(Exception):
    """This number already has a callback to be made: a second request (a form sent twice, or
    again after going back) adds none, and the person is shown the first."""

    def __init__(self, callback: Callback):
        super().__init__(f"rappel n° {callback.pk} déjà programmé")
        self.callback = callback


@transaction.atomic
def callback_request(
    *,
    number: str,
    profile: str,
    need: str,
    department: str = "",
    preferred_slots: Sequence[str] = (),
    consent: bool,
    address: str = "",
    now: datetime | None = None,
) -> tuple[Interaction, Callback]:
    """A person asks to be called back: the number is checked, at most 3 requests per number
    and 10 per address a day; the callback goes in the next open slot of the line that
    would have taken the call. A number with a callback still to be made gets ``AlreadyRequested``."""
    if not consent:
        raise ValidationError(
            {"consent": "Nous ne pouvons vous rappeler qu’avec votre accord pour garder votre numéro."}
        )
    unknown = [slot for slot in preferred_slots if slot not in CALLBACK_SLOTS]
    if unknown:
        raise ValidationError({"preferred_slots": f"Créneau inconnu : {', '.join(unknown)}."})
    e164 = normalise_number(number)
    now = now or timezone.now()
    pending = pending_callback(caller_digest(e164))
    if pending is not None:
        raise AlreadyRequested(pending)
    since = now - timedelta(days=1)
    if callbacks_today(e164, now) >= CALLBACKS_PER_NUMBER_PER_DAY:
        raise ValidationError(
            {
                "number": f"Ce numéro a déjà demandé {CALLBACKS_PER_NUMBER_PER_DAY} rappels aujourd’hui : "
                "nous vous rappelons bientôt."
            }
        )
    origin = address_digest(address) if address else ""
    if (
        origin
        and Interaction.objects.filter(channel=Channel.WEB, origin_digest=origin, at__gte=since).count()
        >= CALLBACKS_PER_ADDRESS_PER_DAY
    ):
        raise ValidationError("Trop de demandes de rappel depuis cette connexion aujourd’hui.")
    decision, interaction = call_route(
        profile=profile, need=need, department=department, channel=Channel.WEB, caller=e164,
        wants_callback=True, preferred_slots=preferred_slots, now=now,
    )  # fmt: skip
    interaction.caller_number = e164  # the caller agreed to give it
    interaction.origin_digest = origin
    interaction.save(update_fields=["caller_number", "origin_digest"])
    callback = interaction.callback
    _confirm_by_text(callback, decision)
    return interaction, callback


def _confirm_by_text(callback: Callback, decision: routing.Decision) -> None:
    when = (
        timezone.localtime(decision.callback_at).strftime("%d/%m à %H h %M")
        if decision.callback_at
        else "dès que possible"
    )
    TextMessage.objects.create(
        phone=callback.number,
        body=f"Orientation pour tous : nous vous rappelons le {when}. Pour annuler, répondez STOP.",
    )


# The adviser's console -----------------------------------------------------------------


def _is_adviser(user: User | None, role: str, _callback: Callback) -> bool:
    return role == "adviser" and user is not None and user.has_perm("contact.handle_callback")


#: the callback's workflow, on the one engine (orientation.utils.workflow)
FLOW = Workflow(Callback.TRANSITIONS, _is_adviser, refusal="Réservé aux conseillers de la plateforme téléphonique.")


def _move(callback: Callback, to_state: str, *, by: User, action: str, note: str = "") -> None:
    def closing(_from_state: str) -> None:
        if to_state != Callback.State.SCHEDULED:
            callback.closed_at = timezone.now()
            # The number is kept only as long as the callback is to be made: gone from the callback,
            # the contact it came from and the confirmation SMS; the log keeps its keyed digest.
            TextMessage.objects.filter(phone=callback.number, referral__isnull=True).delete()
            Interaction.objects.filter(pk=callback.interaction_id).update(caller_number="")
            callback.number = ""

    def event(from_state: str, to_state: str) -> CallbackEvent:
        return CallbackEvent.objects.create(
            callback=callback, at=timezone.now(), by=by, action=action, from_state=from_state, to_state=to_state,
            note=note,
        )  # fmt: skip

    FLOW.move(callback, to_state, actor=by, event=event, before_save=closing)


def _may_handle(user: User) -> None:
    if not user.has_perm("contact.handle_callback"):
        raise PermissionDenied("Réservé aux conseillers de la plateforme téléphonique.")


@transaction.atomic
def callback_done(*, callback: Callback, by_user: User, note: str = "") -> None:
    _may_handle(by_user)
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    callback.attempts += 1
    _move(callback, Callback.State.DONE, by=by_user, action="done", note=note)
    Interaction.objects.filter(pk=callback.interaction_id).update(
        outcome=Interaction.Outcome.ANSWERED, answer=note[:300], adviser=by_user
    )


@transaction.atomic
def callback_no_answer(*, callback: Callback, by_user: User, now: datetime | None = None) -> None:
    """Nobody answered: tried again at the next open slot, up to 3 tries."""
    _may_handle(by_user)
    now = now or timezone.now()
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    callback.attempts += 1
    if callback.attempts >= Callback.MAX_ATTEMPTS:
        _move(callback, Callback.State.NO_ANSWER, by=by_user, action="no_answer", note=f"{callback.attempts} essais")
        return
    state = routing_state()
    queue = state.queues.get(callback.queue_id) if callback.queue_id else None
    hours, department = (queue.hours, queue.department) if queue else (state.team.hours, "")
    callback.scheduled_for = routing.next_opening(hours, now + RETRY_DELAY, department)
    _move(
        callback,
        Callback.State.SCHEDULED,
        by=by_user,
        action="no_answer",
        note=f"essai {callback.attempts}, nouvel essai",
    )


@transaction.atomic
def callback_cancel(*, callback: Callback, by_user: User, note: str = "") -> None:
    _may_handle(by_user)
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    _move(callback, Callback.State.CANCELLED, by=by_user, action="cancelled", note=note)


@transaction.atomic
def interaction_answer(*, interaction: Interaction, by_user: User, answer: str, documented: bool) -> None:
    """A one-line written answer, or a documented answer to give within 72 hours."""
    _may_handle(by_user)
    if not answer.strip():
        raise ValidationError({"answer": "Écrivez la réponse donnée, ou ce qu’il faut documenter."})
    fields = {"answer": answer.strip()[:300], "adviser": by_user}
    if documented:
        fields.update(
            outcome=Interaction.Outcome.TASK, task_due_at=interaction.at + timedelta(hours=WRITTEN_ANSWER_HOURS)
        )
    else:
        fields.update(outcome=Interaction.Outcome.WRITTEN)
    Interaction.objects.filter(pk=interaction.pk).update(**fields)


@transaction.atomic
def interaction_task_done(*, interaction: Interaction, by_user: User) -> None:
    _may_handle(by_user)
    Interaction.objects.filter(pk=interaction.pk, outcome=Interaction.Outcome.TASK).update(task_done_at=timezone.now())


@transaction.atomic
def interaction_led_to_referral(*, interaction_id: int, by_user: User) -> bool:
    """A call whose caller the adviser went on to orient (first-level interview opened from
    the console): its outcome says so. Only the platform's advisers mark calls."""
    if not by_user.has_perm("contact.handle_callback"):
        return False
    return bool(
        Interaction.objects.filter(pk=interaction_id).update(outcome=Interaction.Outcome.REFERRAL, adviser=by_user)
    )
