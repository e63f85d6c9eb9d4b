"""First level and informed referral ("aiguillage éclairé").

An adviser records a first-level interview, anonymous unless the person agrees to give
personal details (the consent is kept with its wording, date and adviser). From it the
platform suggests second-level services; the adviser sends the person's request to one of
them: a ``Referral``, whose states move along one table of allowed transitions, every move
an ``Event``. The receiving organisation acts from its back-office or from a secure link;
the person follows the request, and may withdraw it, from a link of their own. Tokens are
random and only their SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orientation.directory.codelists import Public, theme_labels
from orientation.directory.models import Organisation, ServiceOffer
from orientation.territories.models import Commune
from orientation.utils.workflow import TransitionEvent

if TYPE_CHECKING:
    from orientation.accounts.models import User


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgeBand(models.TextChoices):
    UNDER_16 = "moins-16", _("moins de 16 ans")
    FROM_16_TO_25 = "16-25", _("16 à 25 ans")
    FROM_26_TO_44 = "26-44", _("26 à 44 ans")
    FROM_45 = "45-plus", _("45 ans et plus")


class Situation(models.TextChoices):
    PUPIL = "eleve", _("collégien ou lycéen")
    STUDENT = "etudiant", _("étudiant")
    NEITHER = "sans-emploi-ni-formation", _("jeune sans emploi ni formation")
    JOB_SEEKER = "demandeur-emploi", _("demandeur d’emploi")
    EMPLOYEE = "salarie", _("salarié")
    OTHER = "autre", _("autre situation")


class AccessNeed(models.TextChoices):
    WHEELCHAIR = "fauteuil", _("accès en fauteuil roulant")
    HEARING = "audition", _("boucle magnétique ou accueil adapté à une déficience auditive")
    REMOTE = "distance", _("accompagnement à distance")


#: personal fields a person may agree to share with the service they are referred to
PERSONAL_FIELDS = {
    "name": _("nom et prénom"),
    "email": _("adresse électronique"),
    "phone": _("téléphone"),
    "identifiers": _("identifiants (France Travail, INE…)"),
}


def organisations_of(user: User) -> set[int]:
    from orientation.accounts.selectors import organisation_ids

    return organisation_ids(user) if user.is_authenticated and user.is_active else set()


class InterviewQuerySet(models.QuerySet["Interview"]):
    def visible_to(self, user: User) -> InterviewQuerySet:
        """An interview is read by the advisers of the organisation that held it."""
        return self.filter(organisation_id__in=organisations_of(user))


class Interview(models.Model):
    """A first-level interview ("accueil individualisé et premier conseil")."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("organisation")
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("conseiller")
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)
    # Who, what, where: anonymous.
    public = models.CharField(_("public"), max_length=50, choices=Public.choices)
    age_band = models.CharField(_("âge"), max_length=10, choices=AgeBand.choices)
    situation = models.CharField(_("situation"), max_length=30, choices=Situation.choices)
    themes = models.JSONField(_("thématiques"), default=list)
    request = models.TextField(_("demande"), blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    access_needs = models.JSONField(_("besoins d’accessibilité"), default=list, blank=True)
    # Personal details, only with the person's explicit consent.
    consent_given = models.BooleanField(_("accord de la personne"), default=False)
    consent_wording = models.TextField(_("texte de l’accord"), blank=True)
    consent_at = models.DateTimeField(_("accord donné le"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accord recueilli par"),
    )
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    identifiers = models.JSONField(_("identifiants"), default=dict, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    #: the interests questionnaire the person answered with the adviser, attached with their
    #: consent: {"code": "SA", "scores": {...}, "answers": "…", "attached_at": "…"}
    interests = models.JSONField(_("profil d’intérêts"), default=dict, blank=True)
    #: the person's own space, when the address they consented to give is that of their account
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_interviews",
        verbose_name=_("espace personnel de la personne"),
    )

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("entretien de premier niveau")
        verbose_name_plural = _("entretiens de premier niveau")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_public_display()}, {self.get_age_band_display()} ({self.created_at:%d/%m/%Y})"

    @property
    def theme_labels(self) -> list[str]:
        return theme_labels(self.themes)

    @property
    def has_personal_data(self) -> bool:
        return bool(self.first_name or self.last_name or self.email or self.phone or self.identifiers)


class PartnerPlatform(models.Model):
    """Another referral platform we exchange referrals with (``POST /api/v1/referrals``)."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    #: SHA-256 of the token the partner presents to us
    token_digest = models.CharField(_("empreinte du jeton"), max_length=64, unique=True, editable=False)
    endpoint_url = models.URLField(
        _("adresse de son API de réception"), blank=True, help_text=_("où nous envoyons les orientations vers lui")
    )
    outgoing_token = models.CharField(_("jeton à lui présenter"), max_length=200, blank=True)
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partner_platforms",
        verbose_name=_("organisations qui reçoivent par cette plateforme"),
    )
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("plateforme partenaire")
        verbose_name_plural = _("plateformes partenaires")

    def __str__(self) -> str:
        return self.name


class RefusalReason(models.TextChoices):
    FULL = "capacite", _("le service est complet pour le moment")
    NOT_ELIGIBLE = "conditions", _("la personne ne remplit pas les conditions d’accès")
    WRONG_SERVICE = "inadapte", _("le service ne répond pas à cette demande")
    ALREADY = "deja-accompagne", _("la personne est déjà accompagnée ailleurs")
    UNREACHABLE = "injoignable", _("la personne n’a pas pu être jointe")
    OTHER = "autre", _("autre motif")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> ReferralQuerySet:
        """A referral is read only by the organisation that sent it and the one that received it."""
        organisations = organisations_of(user)
        return self.filter(Q(sender_organisation_id__in=organisations) | Q(receiver_organisation_id__in=organisations))

    def received_by(self, user: User) -> ReferralQuerySet:
        return self.filter(receiver_organisation_id__in=organisations_of(user))

    def open(self) -> ReferralQuerySet:
        return self.filter(state__in=[Referral.State.SENT, Referral.State.SEEN])


class Referral(models.Model):
    class State(models.TextChoices):
        SENT = "sent", _("envoyée")
        SEEN = "seen", _("vue")
        ACCEPTED = "accepted", _("acceptée")
        REFUSED = "refused", _("refusée")
        EXPIRED = "expired", _("expirée sans réponse")
        WITHDRAWN = "withdrawn", _("retirée par la personne")

    #: (from, to) → who makes it: the receiving organisation, the person, or the platform's clock
    TRANSITIONS: dict[tuple[str, str], str] = {
        (State.SENT, State.SEEN): "receiver",
        (State.SENT, State.ACCEPTED): "receiver",
        (State.SEEN, State.ACCEPTED): "receiver",
        (State.SENT, State.REFUSED): "receiver",
        (State.SEEN, State.REFUSED): "receiver",
        (State.SENT, State.EXPIRED): "system",
        (State.SEEN, State.EXPIRED): "system",
        (State.SENT, State.WITHDRAWN): "person",
        (State.SEEN, State.WITHDRAWN): "person",
        (State.ACCEPTED, State.WITHDRAWN): "person",
    }
    CLOSED = (State.ACCEPTED, State.REFUSED, State.EXPIRED, State.WITHDRAWN)

    interview = models.ForeignKey(
        Interview,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("entretien"),
    )
    offer = models.ForeignKey(
        ServiceOffer, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    sender_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_sent",
        verbose_name=_("organisation qui oriente"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_sent",
        verbose_name=_("conseiller qui oriente"),
    )
    sender_name = models.CharField(_("expéditeur"), max_length=300, help_text=_("tel que le destinataire le lit"))
    sender_email = models.EmailField(_("courriel de l’expéditeur"), blank=True)
    partner = models.ForeignKey(
        PartnerPlatform,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("plateforme d’origine ou de destination"),
    )
    external_id = models.CharField(_("identifiant sur l’autre plateforme"), max_length=100, blank=True)
    receiver_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("organisation qui reçoit"),
    )
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.SENT, db_index=True)
    message = models.TextField(_("message"), blank=True)
    # What is always shared: the anonymous request.
    public = models.CharField(_("public"), max_length=50, choices=Public.choices)
    age_band = models.CharField(_("âge"), max_length=10, choices=AgeBand.choices)
    situation = models.CharField(_("situation"), max_length=30, choices=Situation.choices)
    themes = models.JSONField(_("thématiques"), default=list)
    request = models.TextField(_("demande"), blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    # What the person agreed to share, and nothing more.
    consent_wording = models.TextField(_("texte de l’accord"), blank=True)
    consent_at = models.DateTimeField(_("accord donné le"), null=True, blank=True)
    shared_fields = models.JSONField(_("données partagées"), default=list, blank=True)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    identifiers = models.JSONField(_("identifiants"), default=dict, blank=True)
    # The life of the referral.
    sent_at = models.DateTimeField(_("envoyée le"))
    seen_at = models.DateTimeField(_("vue le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True, db_index=True)
    answer_message = models.TextField(_("réponse du service"), blank=True)
    refusal_reason = models.CharField(_("motif du refus"), max_length=20, choices=RefusalReason.choices, blank=True)
    refusal_shown_to_person = models.BooleanField(_("motif montré à la personne"), default=False)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    receiver_token_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    receiver_token_expires_at = models.DateTimeField(_("lien sécurisé valable jusqu’au"), null=True, blank=True)
    person_token_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    attachments_purged_at = models.DateTimeField(_("pièces effacées le"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)
    #: the person's own space, where the referral appears beside their link to follow it
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_referrals",
        verbose_name=_("espace personnel de la personne"),
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id"],
                condition=~Q(external_id=""),
                name="one_referral_per_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"Orientation n° {self.pk} vers {self.offer} ({self.get_state_display()})"

    @property
    def theme_labels(self) -> list[str]:
        return theme_labels(self.themes)

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.SENT, self.State.SEEN)

    @property
    def person_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def response_days(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.sent_at).total_seconds() / 86400


class Attachment(models.Model):
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("orientation")
    )
    document = models.FileField(_("pièce"), upload_to="orientations/%Y/%m/")
    name = models.CharField(_("intitulé"), max_length=200)
    uploaded_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe à une orientation")
        verbose_name_plural = _("pièces jointes aux orientations")

    def __str__(self) -> str:
        return self.name


class Event(TransitionEvent):
    """One transition of a referral: who (a user, the secure link, the person, the platform,
    a partner platform), when, from, to, why."""

    class Action(models.TextChoices):
        SENT = "sent", _("orientation envoyée")
        RECEIVED = "received", _("reçue d’une autre plateforme")
        FORWARDED = "forwarded", _("transmise à une autre plateforme")
        FORWARD_FAILED = "forward_failed", _("échec de la transmission à une autre plateforme")
        SEEN = "seen", _("vue par le service")
        ACCEPTED = "accepted", _("acceptée")
        REFUSED = "refused", _("refusée")
        REMINDED = "reminded", _("relance du service")
        LINK_RENEWED = "link_renewed", _("nouveau lien envoyé au service")
        EXPIRED = "expired", _("expirée sans réponse")
        WITHDRAWN = "withdrawn", _("retirée par la personne")

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="events", verbose_name=_("orientation")
    )
    actor = models.CharField(
        _("acteur"), max_length=100, help_text=_("qui agit, avec ou sans compte : lien, personne…")
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("événement d’une orientation")


class PersonalDataAccess(models.Model):
    """A staff action on personal data (read, record, export, erase), for the audit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor = models.CharField(max_length=100)
    interview = models.ForeignKey(Interview, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=30)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("accès à des données personnelles")
        verbose_name_plural = _("accès à des données personnelles")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor} {self.action}"


class TextMessage(models.Model):
    """An SMS prepared for a provider: the platform writes it, a provider's adapter sends it
    (``referrals.services.text_message_text``). A link to a person's page is never stored: the
    body holds ``{lien}`` and the link is derived, when the SMS is sent, from ``link_nonce`` and
    the platform's secret key."""

    LINK_PLACEHOLDER = "{lien}"

    phone = models.CharField(_("numéro"), max_length=30)
    body = models.TextField(_("texte"))
    link_nonce = models.CharField(max_length=43, blank=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("préparé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS à envoyer")
        verbose_name_plural = _("SMS à envoyer")

    def __str__(self) -> str:
        return f"{self.phone} : {self.body[:40]}"
