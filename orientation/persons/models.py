"""The person's own space: the passport orientation-formation, what they saved, the searches
they follow, and what they chose to share with an adviser.

The passport (Code du travail, art. L6315-2) belongs to the person: one ``Entry`` per line of
it, in the sections the law lists, plus their project and their interests. An adviser may
*propose* an entry; it joins the passport only when the person accepts it. A ``Share`` opens
chosen sections to one organisation for a period, revocable at any moment; every reading is a
``Reading`` the person sees. Nothing here goes into the search index or the logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orientation.directory.models import Organisation
from orientation.occupations.models import RomeFiche, Skill
from orientation.referrals.models import Interview, Referral, organisations_of
from orientation.studies.models import Study
from orientation.trainings.models import Action

if TYPE_CHECKING:
    from orientation.accounts.models import User


class Section(models.TextChoices):
    """The passport's sections: the six of the law (jobs and volunteering apart), then the
    person's project and interests."""

    DIPLOMAS = "diplomes", _("Diplômes et titres de la formation initiale")
    INTERNSHIPS = "stages", _("Stages et périodes de formation en entreprise")
    CERTIFICATIONS = "certifications", _("Certifications de la formation continue ou de la VAE")
    TRAININGS = "formations", _("Formations continues suivies")
    TUTORING = "tutorat", _("Activités de tutorat")
    JOBS = "emplois", _("Emplois occupés")
    VOLUNTEERING = "benevolat", _("Activités bénévoles")
    PROJECT = "projet", _("Mon projet")
    INTERESTS = "interets", _("Mes centres d’intérêt")


#: sections that tell what happened: a date in them cannot be in the future
PAST_SECTIONS = frozenset(
    {
        Section.DIPLOMAS,
        Section.INTERNSHIPS,
        Section.CERTIFICATIONS,
        Section.TRAININGS,
        Section.TUTORING,
        Section.JOBS,
        Section.VOLUNTEERING,
    }
)


class ProjectKind(models.TextChoices):
    OCCUPATION = "metier", _("métier visé")
    TRAINING = "formation", _("formation souhaitée")
    STEP = "etape", _("prochaine étape")


class CertificationRoute(models.TextChoices):
    TRAINING = "formation-continue", _("par la formation continue")
    VAE = "vae", _("par la validation des acquis de l’expérience (VAE)")


class EntryQuerySet(models.QuerySet["Entry"]):
    def of(self, person: User) -> EntryQuerySet:
        """The person's passport: their own entries and the proposals they accepted."""
        return self.filter(person=person, state=Entry.State.ACCEPTED)

    def proposed_to(self, person: User) -> EntryQuerySet:
        return self.filter(person=person, state=Entry.State.PROPOSED)


class Entry(models.Model):
    """One line of the passport."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("dans le passeport")
        PROPOSED = "proposed", _("proposée par un conseiller")
        REFUSED = "refused", _("refusée")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passport_entries", verbose_name=_("personne")
    )
    section = models.CharField(_("rubrique"), max_length=20, choices=Section.choices)
    #: within the project: an occupation, a training, a step; within certifications: the route
    kind = models.CharField(_("nature"), max_length=20, blank=True)
    title = models.CharField(_("intitulé"), max_length=200)
    organisation = models.CharField(_("organisme ou employeur"), max_length=200, blank=True)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    started_on = models.DateField(_("début"), null=True, blank=True)
    ended_on = models.DateField(_("fin ou obtention"), null=True, blank=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    done = models.BooleanField(_("fait"), default=False)
    hours = models.PositiveIntegerField(_("durée (heures)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    rncp_code = models.CharField(_("code RNCP"), max_length=12, blank=True)
    study = models.ForeignKey(
        Study, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("formation Onisep")
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("action de formation"),
    )
    occupation = models.ForeignKey(
        RomeFiche, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("métier (ROME)")
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("compétences du ROME"))
    #: skills in the person's own words, when the ROME has none that fits
    free_skills = models.JSONField(_("autres compétences"), default=list, blank=True)
    #: the interests profile: {"scores": {...}, "code": "SA", "answers": "…"}
    data = models.JSONField(_("données"), default=dict, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.ACCEPTED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposée par"),
    )
    proposed_by_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation qui propose"),
    )
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne du passeport")
        verbose_name_plural = _("lignes du passeport")
        ordering = ["section", "-ended_on", "-started_on", "due_on", "pk"]
        indexes = [models.Index(fields=["person", "state", "section"])]

    def __str__(self) -> str:
        return f"{self.get_section_display()} : {self.title}"

    @property
    def kind_label(self) -> str:
        labels = dict(ProjectKind.choices) | dict(CertificationRoute.choices)
        return str(labels.get(self.kind, ""))


def private_storage() -> Storage:
    """Files served by a view that checks who asks, never by the web server: PRIVATE_MEDIA_ROOT."""
    return storages["private"]


def attachment_path(instance: EntryAttachment, filename: str) -> str:
    """A random name under the person's folder: nothing of the original name is kept on disk."""
    import secrets

    suffix = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(instance.content_type, "")
    return f"passeport/{instance.entry.person_id}/{secrets.token_hex(16)}{suffix}"


class EntryAttachment(models.Model):
    """A document of an entry (a diploma's scan), kept outside the web root (PRIVATE_STORAGE)
    and served only to its owner and to an adviser the passport is shared with."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ligne"))
    document = models.FileField(_("document"), upload_to=attachment_path, storage=private_storage, max_length=200)
    name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce du passeport")
        verbose_name_plural = _("pièces du passeport")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ShareQuerySet(models.QuerySet["Share"]):
    def active(self) -> ShareQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def readable_by(self, user: User) -> ShareQuerySet:
        """The shares an adviser may read: active, and given to one of their organisations, or
        attached by the person's consent to a referral their organisation received."""
        if not (user.is_authenticated and user.is_active) or getattr(user, "is_person", False):
            return self.none()
        organisations = organisations_of(user)
        return self.active().filter(
            Q(organisation_id__in=organisations) | Q(referral__receiver_organisation_id__in=organisations)
        )


class Share(models.Model):
    """The person opens chosen sections of their passport to one organisation, for a period."""

    DEFAULT_MONTHS = 3

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passport_shares", verbose_name=_("personne")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="passport_shares", verbose_name=_("organisation")
    )
    sections = models.JSONField(_("rubriques partagées"), default=list)
    created_at = models.DateTimeField(_("partagé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("jusqu’au"))
    revoked_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    #: the first-level interview, or the referral, the adviser attached it to
    interview = models.ForeignKey(
        Interview, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entretien")
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("orientation")
    )

    objects = ShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("partage du passeport")
        verbose_name_plural = _("partages du passeport")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Partage n° {self.pk} avec {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def section_labels(self) -> list[str]:
        labels = dict(Section.choices)
        return [str(labels[name]) for name in self.sections if name in labels]


class Reading(models.Model):
    """An adviser read a shared passport (or one of its documents): shown to the person."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="readings", verbose_name=_("partage"))
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("lecteur")
    )
    #: as the person reads it (« Camille Martin, Mission locale de Blois »), kept if the account goes
    reader_name = models.CharField(_("qui"), max_length=300)
    organisation_name = models.CharField(_("organisation"), max_length=300)
    what = models.CharField(_("quoi"), max_length=200)
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("lecture d’un passeport partagé")
        verbose_name_plural = _("lectures des passeports partagés")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.reader_name} : {self.what}"


class SavedKind(models.TextChoices):
    OCCUPATION = "metier", _("métier")
    TRAINING = "formation", _("formation")
    STUDY = "etude", _("étude")
    PLACE = "lieu", _("lieu")
    OFFER = "service", _("service")


class SavedItem(models.Model):
    """An occupation, a training, a study, a place or a service the person kept."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_items", verbose_name=_("personne")
    )
    kind = models.CharField(_("nature"), max_length=10, choices=SavedKind.choices)
    key = models.CharField(_("référence"), max_length=20)
    title = models.CharField(_("intitulé"), max_length=500)
    saved_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("élément enregistré")
        verbose_name_plural = _("éléments enregistrés")
        ordering = ["-saved_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person", "kind", "key"], name="saved_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.title}"


class SavedSearch(models.Model):
    """A search of trainings the person follows: the worker e-mails them when a training that
    matches opens near them."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches", verbose_name=_("personne")
    )
    text = models.CharField(_("recherche"), max_length=200, blank=True)
    where = models.CharField(_("où"), max_length=100)
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius_km = models.PositiveSmallIntegerField(_("rayon (km)"))
    filters = models.JSONField(_("filtres"), default=dict, blank=True)
    #: the training actions already known to the person: only new ones are mailed
    known = models.JSONField(default=list, blank=True, editable=False)
    alerts = models.BooleanField(_("alertes par courriel"), default=True)
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    checked_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    last_alert_at = models.DateTimeField(_("dernière alerte le"), null=True, blank=True)

    class Meta:
        verbose_name = _("recherche suivie")
        verbose_name_plural = _("recherches suivies")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"« {self.text or 'toutes les formations'} » à {self.radius_km} km de {self.where}"


class Identity(models.Model):
    """An OpenID Connect identity (FranceConnect) the person signs in with."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities", verbose_name=_("personne")
    )
    issuer = models.CharField(_("fournisseur"), max_length=300)
    subject = models.CharField(_("identifiant chez le fournisseur"), max_length=300)
    created_at = models.DateTimeField(_("reliée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("identité OpenID Connect")
        verbose_name_plural = _("identités OpenID Connect")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_identity")]

    def __str__(self) -> str:
        return f"{self.issuer} : {self.subject}"
