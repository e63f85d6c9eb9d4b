"""The label « Orientation pour tous »: groupings, applications, labels and withdrawals.

Each workflow is a state enum with one table of allowed transitions (``TRANSITIONS``);
the services in ``services.py`` check it, write an ``Event`` and send what must be sent
after the commit. Every object is read through a queryset scoped to the user
(``visible_to``), so a file of another organisation or region is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.labels import timeline
from orientation.territories.models import Commune, EmploymentZone, LivingArea, Region
from orientation.utils.workflow import TransitionEvent

if TYPE_CHECKING:
    from orientation.accounts.models import User


def _scope(user: User) -> tuple[set[int], set[int], bool]:
    """(organisations the user belongs to, regions it instructs in, national admin)."""
    from orientation.accounts.models import RegionalRole
    from orientation.accounts.selectors import organisation_ids, region_ids

    if not user.is_authenticated or not user.is_active:
        return set(), set(), False
    regions = region_ids(user, RegionalRole.Role.PREFECTURE) | region_ids(user, RegionalRole.Role.CCREFP)
    return organisation_ids(user), regions, bool(user.is_national_admin)


class GroupingQuerySet(models.QuerySet["Grouping"]):
    def visible_to(self, user: User) -> GroupingQuerySet:
        organisations, regions, national = _scope(user)
        if national:
            return self.all()
        return self.filter(
            Q(organisations__in=organisations) | Q(coordinator_id__in=organisations) | Q(region_id__in=regions)
        ).distinct()

    def coordinated_by(self, user: User) -> GroupingQuerySet:
        """The groupings whose coordinating organisation the user administers."""
        from orientation.accounts.selectors import organisation_ids

        return self.filter(coordinator_id__in=organisation_ids(user, admin=True))


class Grouping(models.Model):
    """Organisations bound by a convention to apply together for one territory."""

    name = models.CharField(_("nom du groupement"), max_length=300)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="groupings", verbose_name=_("région"))
    organisations = models.ManyToManyField(Organisation, related_name="groupings", verbose_name=_("organisations"))
    coordinator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="coordinated_groupings",
        verbose_name=_("organisation coordinatrice"),
    )
    coordinator_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_groupings",
        verbose_name=_("coordinateur ou coordinatrice"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = GroupingQuerySet.as_manager()

    class Meta:
        verbose_name = _("groupement")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Convention(models.Model):
    """The convention that binds a grouping: the signed PDF, who signed, when."""

    grouping = models.ForeignKey(
        Grouping, on_delete=models.CASCADE, related_name="conventions", verbose_name=_("groupement")
    )
    document = models.FileField(_("convention signée (PDF)"), upload_to="labels/conventions/%Y/")
    signatories = models.TextField(
        _("signataires"), help_text=_("une personne par ligne : nom, fonction, organisation")
    )
    signed_on = models.DateField(_("signée le"))
    uploaded_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("convention de groupement")
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.grouping} ({self.signed_on:%d/%m/%Y})"

    @property
    def signatory_list(self) -> list[str]:
        return [line.strip() for line in self.signatories.splitlines() if line.strip()]


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user: User) -> ApplicationQuerySet:
        """The files the user may read: its organisations' own (drafts included), and, for the
        prefecture and the CCREFP of a region, that region's files once submitted."""
        organisations, regions, national = _scope(user)
        submitted = ~Q(state=Application.State.DRAFT)
        own = (
            Q(organisation_id__in=organisations)
            | Q(grouping__organisations__in=organisations)
            | Q(grouping__coordinator_id__in=organisations)
        )
        if national:
            return self.filter(own | submitted).distinct()
        return self.filter(own | (Q(region_id__in=regions) & submitted)).distinct()

    def editable_by(self, user: User) -> ApplicationQuerySet:
        """Drafts the user may fill in and submit: an admin of the applying organisation, or
        of the grouping's coordinating organisation, or the designated coordinator."""
        from orientation.accounts.selectors import organisation_ids

        admin_of = organisation_ids(user, admin=True)
        return self.filter(state=Application.State.DRAFT).filter(
            Q(organisation_id__in=admin_of)
            | Q(grouping__coordinator_id__in=admin_of)
            | Q(grouping__coordinator_contact_id=user.pk if user.is_authenticated else None)
        )


class Application(models.Model):
    """A label application (first or renewal): the file, and where its instruction stands."""

    class State(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("déposé, à transmettre au CCREFP")
        TRANSMITTED = "transmitted", _("transmis au CCREFP, avis attendu")
        OPINION_GIVEN = "opinion_given", _("avis rendu, décision attendue")
        GRANTED = "granted", _("label attribué")
        REFUSED = "refused", _("label refusé")

    class Kind(models.TextChoices):
        FIRST = "first", _("première demande")
        RENEWAL = "renewal", _("renouvellement")

    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", _("favorable")
        UNFAVOURABLE = "unfavourable", _("défavorable")
        DEEMED_UNFAVOURABLE = "deemed", _("réputé défavorable (pas d’avis dans les 30 jours)")

    #: (from, to) → the role that may make it; "system" for the daily task
    TRANSITIONS: dict[tuple[str, str], str] = {
        (State.DRAFT, State.SUBMITTED): "applicant",
        (State.SUBMITTED, State.DRAFT): "prefecture",  # returned as incomplete
        (State.SUBMITTED, State.TRANSMITTED): "prefecture",
        (State.TRANSMITTED, State.OPINION_GIVEN): "ccrefp",  # or "system": deemed unfavourable
        (State.OPINION_GIVEN, State.GRANTED): "prefecture",
        (State.OPINION_GIVEN, State.REFUSED): "prefecture",
    }

    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices, default=Kind.FIRST)
    state = models.CharField(_("état"), max_length=14, choices=State.choices, default=State.DRAFT, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="label_applications", verbose_name=_("région")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="label_applications",
        verbose_name=_("organisation candidate"),
        help_text=_("une organisation seule, avec un ou plusieurs sites"),
    )
    grouping = models.ForeignKey(
        Grouping,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("groupement candidat"),
    )
    renewal_of = models.ForeignKey(
        "Label",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("label renouvelé"),
    )
    # The file.
    sites = models.ManyToManyField(Place, blank=True, related_name="label_applications", verbose_name=_("sites"))
    services = models.ManyToManyField(
        ServiceOffer, blank=True, related_name="label_applications", verbose_name=_("services offerts")
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("convention")
    )
    commitments = models.JSONField(
        _("engagements"), default=dict, blank=True, help_text=_("critère → {commitment, evidence}")
    )
    living_areas = models.ManyToManyField(LivingArea, blank=True, verbose_name=_("bassins de vie desservis"))
    employment_zones = models.ManyToManyField(EmploymentZone, blank=True, verbose_name=_("zones d’emploi desservies"))
    communes = models.ManyToManyField(Commune, blank=True, verbose_name=_("communes desservies"))
    needs_analysis = models.TextField(_("analyse des besoins de la population"), blank=True)
    # The instruction.
    submitted_on = models.DateField(_("déposé le"), null=True, blank=True)
    transmitted_on = models.DateField(_("transmis au CCREFP le"), null=True, blank=True)
    opinion = models.CharField(_("avis du CCREFP"), max_length=14, choices=Opinion.choices, blank=True)
    opinion_reasons = models.TextField(_("motifs de l’avis"), blank=True)
    opinion_on = models.DateField(_("avis rendu le"), null=True, blank=True)
    decided_on = models.DateField(_("décision le"), null=True, blank=True)
    decision_reasons = models.TextField(_("motifs de la décision"), blank=True)
    interested_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="declared_interests",
        verbose_name=_("membres du CCREFP ayant un intérêt personnel"),
        help_text=_("exclus de l’avis sur ce dossier"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de label")
        verbose_name_plural = _("demandes de label")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, grouping__isnull=False)
                | Q(organisation__isnull=False, grouping__isnull=True),
                name="application_one_applicant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant_name} — {self.get_kind_display()} ({self.get_state_display()})"

    @property
    def applicant_name(self) -> str:
        return str(self.grouping or self.organisation)

    def applicant_organisation_ids(self) -> set[int]:
        if self.grouping_id is not None:
            assert self.grouping is not None
            return {*self.grouping.organisations.values_list("pk", flat=True), self.grouping.coordinator_id}
        assert self.organisation_id is not None
        return {self.organisation_id}

    def current_deadline(self) -> timeline.Deadline | None:
        """The step now waiting, its due day and who must act (None once decided or in draft)."""
        if self.state == self.State.SUBMITTED and self.submitted_on:
            return timeline.deadline(timeline.Step.TRANSMISSION, self.submitted_on)
        if self.state == self.State.TRANSMITTED and self.transmitted_on:
            return timeline.deadline(timeline.Step.OPINION, self.transmitted_on)
        if self.state == self.State.OPINION_GIVEN and self.opinion_on:
            return timeline.deadline(timeline.Step.DECISION, self.opinion_on)
        return None

    def instruction_days(self) -> int | None:
        if self.submitted_on and self.decided_on:
            return (self.decided_on - self.submitted_on).days
        return None


class ApplicationVersion(models.Model):
    """The file as it was submitted, frozen: what the CCREFP and the prefect instruct."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="versions", verbose_name=_("demande")
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("contenu du dossier"))
    frozen_at = models.DateTimeField(_("figée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("version déposée d’un dossier")
        ordering = ["application", "-number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.application} v{self.number}"


class Attachment(models.Model):
    """Evidence of a commitment: a document attached to one criterion of the file."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("demande")
    )
    criterion = models.CharField(_("critère"), max_length=30)
    document = models.FileField(_("pièce"), upload_to="labels/pieces/%Y/")
    name = models.CharField(_("intitulé"), max_length=200)
    uploaded_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce justificative")
        ordering = ["criterion", "pk"]

    def __str__(self) -> str:
        return self.name


class Hearing(models.Model):
    """The CCREFP heard the applicants before giving its opinion."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="hearings", verbose_name=_("demande")
    )
    held_on = models.DateField(_("audition le"))
    attendees = models.TextField(_("personnes entendues"))
    notes = models.TextField(_("compte rendu"), blank=True)

    class Meta:
        verbose_name = _("audition")
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"{self.application} ({self.held_on:%d/%m/%Y})"


class LabelQuerySet(models.QuerySet["Label"]):
    def active(self, on: date) -> LabelQuerySet:
        """Labels in force on that day: granted, not yet expired nor withdrawn nor replaced."""
        return self.filter(state=Label.State.ACTIVE, granted_on__lte=on, expires_on__gt=on)

    def with_renewal_state(self) -> LabelQuerySet:
        """Each label says whether a renewal of it is under way (one query for the lot)."""
        renewals = Application.objects.filter(renewal_of=models.OuterRef("pk")).exclude(state=Application.State.REFUSED)
        return self.annotate(renewing=models.Exists(renewals))


class Label(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("en vigueur")
        RENEWED = "renewed", _("renouvelé")
        EXPIRED = "expired", _("expiré")
        WITHDRAWN = "withdrawn", _("retiré")

    TRANSITIONS: dict[tuple[str, str], str] = {
        (State.ACTIVE, State.RENEWED): "prefecture",
        (State.ACTIVE, State.EXPIRED): "system",
        (State.ACTIVE, State.WITHDRAWN): "prefecture",
    }

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="label", verbose_name=_("demande")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="labels", verbose_name=_("région"))
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True)
    granted_on = models.DateField(_("attribué le"))
    expires_on = models.DateField(_("expire le"))
    ended_on = models.DateField(_("fin le"), null=True, blank=True)
    #: when the label last changed (granted, renewed, ended: the open data's updated_since=)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        verbose_name = _("label")
        ordering = ["-granted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.application.applicant_name} ({self.granted_on:%d/%m/%Y})"

    @property
    def renewal_opens_on(self) -> date:
        return timeline.renewal_opens_on(self.granted_on)

    def open_withdrawal(self) -> Withdrawal | None:
        """The withdrawal procedure under way, if any (at most one at a time)."""
        return self.withdrawals.exclude(state__in=Withdrawal.CLOSED).first()

    def renewal_in_progress(self) -> bool:
        """A renewal application exists that was not refused (read from ``with_renewal_state``
        when the label came from it)."""
        if hasattr(self, "renewing"):
            return bool(self.renewing)
        return self.renewals.exclude(state=Application.State.REFUSED).exists()


class Withdrawal(models.Model):
    """The procedure that may end a label: grounds, the organisation's answer, the
    committee's opinion, the prefect's decision (30 days each)."""

    class State(models.TextChoices):
        AWAITING_ANSWER = "awaiting_answer", _("réponse écrite de l’organisation attendue")
        AWAITING_OPINION = "awaiting_opinion", _("avis du comité attendu")
        AWAITING_DECISION = "awaiting_decision", _("décision du préfet attendue")
        WITHDRAWN = "withdrawn", _("label retiré")
        MAINTAINED = "maintained", _("label maintenu")

    TRANSITIONS: dict[tuple[str, str], str] = {
        (State.AWAITING_ANSWER, State.AWAITING_OPINION): "applicant",  # or "system" once 30 days pass
        (State.AWAITING_OPINION, State.AWAITING_DECISION): "ccrefp",
        (State.AWAITING_DECISION, State.WITHDRAWN): "prefecture",
        (State.AWAITING_DECISION, State.MAINTAINED): "prefecture",
    }
    CLOSED = (State.WITHDRAWN, State.MAINTAINED)

    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="withdrawals", verbose_name=_("label"))
    state = models.CharField(
        _("état"), max_length=18, choices=State.choices, default=State.AWAITING_ANSWER, db_index=True
    )
    grounds = models.TextField(_("motifs : condition ou clause qui n’est plus remplie"))
    opened_on = models.DateField(_("ouverte le"))
    answer = models.TextField(_("réponse écrite de l’organisation"), blank=True)
    answered_on = models.DateField(_("réponse le"), null=True, blank=True)
    opinion = models.CharField(_("avis du comité"), max_length=14, choices=Application.Opinion.choices, blank=True)
    opinion_reasons = models.TextField(_("motifs de l’avis"), blank=True)
    opinion_on = models.DateField(_("avis le"), null=True, blank=True)
    decided_on = models.DateField(_("décision le"), null=True, blank=True)
    decision_reasons = models.TextField(_("motifs de la décision"), blank=True)

    class Meta:
        verbose_name = _("procédure de retrait")
        verbose_name_plural = _("procédures de retrait")
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} — {self.get_state_display()}"

    def current_deadline(self) -> timeline.Deadline | None:
        if self.state == self.State.AWAITING_ANSWER:
            return timeline.deadline(timeline.Step.WITHDRAWAL_ANSWER, self.opened_on)
        if self.state == self.State.AWAITING_OPINION and self.answered_on:
            return timeline.deadline(timeline.Step.WITHDRAWAL_OPINION, self.answered_on)
        if self.state == self.State.AWAITING_DECISION and self.opinion_on:
            return timeline.deadline(timeline.Step.WITHDRAWAL_DECISION, self.opinion_on)
        return None


#: what each event's action says, in the history the parties read
ACTION_LABELS = {
    "created": _("dossier créé"),
    "submitted": _("dossier déposé"),
    "returned": _("dossier renvoyé au candidat pour être complété"),
    "transmitted": _("dossier transmis au CCREFP"),
    "hearing": _("audition des candidats"),
    "interest_declared": _("intérêt personnel déclaré"),
    "opinion": _("avis du CCREFP"),
    "opinion_deemed": _("avis réputé défavorable"),
    "granted": _("label attribué"),
    "refused": _("label refusé"),
    "label_granted": _("label en vigueur"),
    "renewed": _("label renouvelé"),
    "label_expired": _("label arrivé à échéance"),
    "withdrawal_opened": _("procédure de retrait engagée"),
    "withdrawal_answered": _("réponse aux motifs du retrait"),
    "withdrawal_opinion": _("avis du comité sur le retrait"),
    "withdrawal_decided": _("décision sur le retrait"),
    "label_withdrawn": _("label retiré"),
}


class Event(TransitionEvent):
    """One transition of a file, its label or a withdrawal: the audit trail the prefecture,
    the CCREFP and the applicant read."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("demande")
    )
    label = models.ForeignKey(Label, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    withdrawal = models.ForeignKey(Withdrawal, on_delete=models.CASCADE, null=True, blank=True, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = _("événement")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def to_state_label(self) -> str:
        """The new state in words: of the withdrawal, else of the label, else of the file."""
        kinds: list[type[models.TextChoices]] = [Application.State, Label.State, Withdrawal.State]
        if self.withdrawal_id:
            kinds.insert(0, Withdrawal.State)
        elif self.label_id:
            kinds.insert(0, Label.State)
        for choices in kinds:
            if self.to_state in choices.values:
                return str(choices(self.to_state).label)
        return self.to_state


class Reminder(models.Model):
    """A reminder sent once: the step of a file that turned amber or red, a renewal to open."""

    #: what was reminded, e.g. « application:12:opinion:soon »
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="reminder_sent_once")]

    def __str__(self) -> str:
        return self.key
