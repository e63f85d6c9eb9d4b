"""The phone and remote platform: first-level advisers, partner queues, routing rules, the
interaction log and callbacks. Routing itself is in ``routing.py`` (pure functions)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from orientation.contact.codelists import Action, Channel, Need, Profile, TransferMode
from orientation.directory.hours import HoursError, OpeningHours, parse_hours
from orientation.directory.models import Organisation
from orientation.utils.workflow import TransitionEvent


def caller_digest(number: str) -> str:
    """The caller's number as the log keeps it: a keyed hash (the same number, the same digest,
    so repeat calls and limits can be counted), not the number."""
    digits = "".join(character for character in number if character.isdigit() or character == "+")
    return hmac.new(settings.CALLER_DIGEST_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()


def validate_hours(value: object) -> None:
    try:
        parse_hours(value)
    except HoursError as error:
        raise ValidationError(str(error)) from error


@deconstructible
class CodesValidator:
    """A list of codes of one code list (``profile`` or ``need``)."""

    LISTS = {"profile": Profile, "need": Need}

    def __init__(self, code_list: str):
        self.code_list = code_list

    def __call__(self, value: object) -> None:
        allowed = self.LISTS[self.code_list].values
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(_("Codes inconnus : %(value)s"), params={"value": value})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodesValidator) and other.code_list == self.code_list

    def __hash__(self) -> int:
        return hash(self.code_list)


def validate_departments(value: object) -> None:
    if not isinstance(value, list) or any(not isinstance(code, str) or len(code) not in (2, 3) for code in value):
        raise ValidationError(_("Départements attendus en codes INSEE : %(value)s"), params={"value": value})


class AdviserTeam(models.Model):
    """The platform's first-level advisers: where their calls ring, when they answer."""

    name = models.CharField(_("nom"), max_length=150)
    target = models.CharField(_("adresse SIP ou numéro"), max_length=200)
    opening_hours = models.JSONField(_("horaires"), default=dict, validators=[validate_hours])
    is_default = models.BooleanField(_("équipe par défaut"), default=True)

    class Meta:
        verbose_name = _("équipe du premier niveau")
        verbose_name_plural = _("équipes du premier niveau")

    def __str__(self) -> str:
        return self.name

    @property
    def hours(self) -> OpeningHours:
        return parse_hours(self.opening_hours)


class PartnerQueue(models.Model):
    """A partner organisation's line the platform forwards calls to."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="phone_queues", verbose_name=_("organisation")
    )
    name = models.CharField(_("nom"), max_length=150)
    target = models.CharField(
        _("adresse SIP ou numéro"), max_length=200, help_text=_("sip:accueil@partenaire.example.org ou +33254…")
    )
    transfer_mode = models.CharField(
        _("mode de transfert"), max_length=10, choices=TransferMode.choices, default=TransferMode.RELAY
    )
    profiles = models.JSONField(
        _("profils"), default=list, blank=True, validators=[CodesValidator("profile")], help_text=_("vide : tous")
    )
    needs = models.JSONField(
        _("besoins"), default=list, blank=True, validators=[CodesValidator("need")], help_text=_("vide : tous")
    )
    departments = models.JSONField(
        _("départements desservis"),
        default=list,
        blank=True,
        validators=[validate_departments],
        help_text=_("vide : toute la France"),
    )
    department = models.CharField(
        _("département du partenaire"), max_length=3, blank=True, help_text=_("pour ses jours fériés")
    )
    opening_hours = models.JSONField(_("horaires"), default=dict, validators=[validate_hours])
    hourly_capacity = models.PositiveIntegerField(_("appels par heure"), default=0, help_text=_("0 : pas de limite"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("file d’un partenaire")
        verbose_name_plural = _("files des partenaires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def hours(self) -> OpeningHours:
        return parse_hours(self.opening_hours)


class RoutingRule(models.Model):
    """By caller profile, need and department (empty: any), where calls go: a partner queue,
    or the first level. Tried by priority, smallest first; the first that matches decides."""

    name = models.CharField(_("nom"), max_length=150)
    priority = models.PositiveIntegerField(
        _("priorité"), default=100, help_text=_("la plus petite est essayée d’abord")
    )
    profiles = models.JSONField(_("profils"), default=list, blank=True, validators=[CodesValidator("profile")])
    needs = models.JSONField(_("besoins"), default=list, blank=True, validators=[CodesValidator("need")])
    departments = models.JSONField(_("départements"), default=list, blank=True, validators=[validate_departments])
    queue = models.ForeignKey(
        PartnerQueue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("file du partenaire"),
        help_text=_("vide : le premier niveau de la plateforme répond"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("règle d’aiguillage")
        verbose_name_plural = _("règles d’aiguillage")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return f"{self.priority} · {self.name}"


def _handles_calls(user: Any) -> bool:
    """The platform's advisers (and the national administrators) see every contact; the
    partners' staff and everyone else none: their calls are forwarded, not logged for them."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.has_perm("contact.handle_callback") or getattr(user, "is_national_admin", False))
    )


class InteractionQuerySet(models.QuerySet["Interaction"]):
    def visible_to(self, user: Any) -> InteractionQuerySet:
        return self if _handles_calls(user) else self.none()

    def forwarded_since(self, since: object) -> InteractionQuerySet:
        return self.filter(action=Action.FORWARD, at__gte=since)


class Interaction(models.Model):
    """One contact with the platform (a call, a callback request): what the caller said, what
    was decided and why, and its outcome. The number is kept hashed unless the caller agreed."""

    class Outcome(models.TextChoices):
        PENDING = "", _("en cours")
        ANSWERED = "answered", _("réponse donnée au premier niveau")
        WRITTEN = "written", _("réponse écrite donnée")
        TASK = "task", _("réponse documentée sous 72 h")
        REFERRAL = "referral", _("orientation vers un service")
        FORWARDED = "forwarded", _("transféré au partenaire")
        CALLBACK = "callback", _("rappel programmé")

    at = models.DateTimeField(_("le"), db_index=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    call_id = models.CharField(_("identifiant d’appel"), max_length=200, blank=True, db_index=True)
    profile = models.CharField(_("profil"), max_length=20, choices=Profile.choices, blank=True)
    need = models.CharField(_("besoin"), max_length=30, choices=Need.choices, blank=True)
    department = models.CharField(_("département"), max_length=3, blank=True)
    action = models.CharField(_("décision"), max_length=10, choices=Action.choices)
    queue = models.ForeignKey(
        PartnerQueue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("file"),
    )
    reason = models.CharField(_("motif de la décision"), max_length=300)
    caller_digest = models.CharField(_("empreinte du numéro"), max_length=64, blank=True, db_index=True)
    origin_digest = models.CharField(
        _("empreinte de l’adresse"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("web : pour limiter les demandes"),
    )
    caller_number = models.CharField(
        _("numéro"), max_length=30, blank=True, help_text=_("seulement si l’appelant l’a accepté")
    )
    outcome = models.CharField(_("suite donnée"), max_length=10, choices=Outcome.choices, blank=True)
    answer = models.CharField(_("réponse en une ligne"), max_length=300, blank=True)
    task_due_at = models.DateTimeField(_("réponse documentée attendue le"), null=True, blank=True)
    task_done_at = models.DateTimeField(_("réponse documentée donnée le"), null=True, blank=True)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("conseiller"),
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("orientation"),
    )

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("journal des contacts")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_channel_display()} : {self.get_action_display()}"


class CallbackQuerySet(models.QuerySet["Callback"]):
    def visible_to(self, user: Any) -> CallbackQuerySet:
        return self if _handles_calls(user) else self.none()


class Callback(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("programmé")
        DONE = "done", _("fait")
        NO_ANSWER = "no_answer", _("sans réponse (3 essais)")
        CANCELLED = "cancelled", _("annulé")

    TRANSITIONS: dict[tuple[str, str], str] = {
        (State.SCHEDULED, State.DONE): "adviser",
        (State.SCHEDULED, State.SCHEDULED): "adviser",  # no answer, tried again at the next slot
        (State.SCHEDULED, State.NO_ANSWER): "adviser",
        (State.SCHEDULED, State.CANCELLED): "adviser",
    }
    MAX_ATTEMPTS = 3

    interaction = models.OneToOneField(
        Interaction, on_delete=models.CASCADE, related_name="callback", verbose_name=_("contact")
    )
    number = models.CharField(
        _("numéro à rappeler"), max_length=30, blank=True, help_text=_("effacé une fois le rappel clos")
    )
    preferred_slots = models.CharField(_("créneaux souhaités"), max_length=200, blank=True)
    queue = models.ForeignKey(
        PartnerQueue, on_delete=models.SET_NULL, null=True, blank=True, related_name="callbacks", verbose_name=_("file")
    )
    scheduled_for = models.DateTimeField(_("prévu le"), null=True, blank=True, db_index=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.SCHEDULED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("conseiller"),
    )
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("rappel")
        ordering = ["scheduled_for", "pk"]
        permissions = [("handle_callback", _("rappelle les appelants (conseiller de la plateforme)"))]

    def __str__(self) -> str:
        return (
            f"Rappel {self.get_state_display()} ({self.scheduled_for:%d/%m %H:%M})" if self.scheduled_for else "Rappel"
        )


class CallbackEvent(TransitionEvent):
    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="events", verbose_name=_("rappel"))

    class Meta(TransitionEvent.Meta):
        verbose_name = _("événement d’un rappel")
