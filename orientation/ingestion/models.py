"""Where every imported record comes from, and what each import run did."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.ingestion.schedule import WEEKDAYS, Frequency


class Source(models.Model):
    class Kind(models.TextChoices):
        TERRITORIES = "territories", _("Territoires (COG, zonages, codes postaux)")
        ROME = "rome", _("ROME (France Travail)")
        ONISEP = "onisep", _("Onisep Idéo")
        ONISEP_FORMATIONS = "onisep_formations", _("Onisep Idéo — formations")
        PLACES = "places", _("Lieux d’accueil")
        LHEO = "lheo", _("Offre de formation LHEO")
        DATA_INCLUSION = "data_inclusion", _("data·inclusion")
        DEMO = "demo", _("Données de démonstration")

    name = models.SlugField(_("nom"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    location = models.CharField(_("emplacement"), max_length=500, blank=True, help_text=_("Chemin ou URL HTTPS"))
    contact_email = models.EmailField(
        _("courriel du contact"), blank=True, help_text=_("Prévenu quand un import de la source échoue")
    )
    enabled = models.BooleanField(_("active"), default=True, help_text=_("Une source inactive n’est plus importée"))
    frequency = models.CharField(_("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.MANUAL)
    run_at = models.TimeField(
        _("heure"),
        default=time(4, 0),
        help_text=_("Heure de Paris ; pour un import horaire, seules les minutes comptent"),
    )
    weekday = models.PositiveSmallIntegerField(
        _("jour"), choices=WEEKDAYS, default=0, help_text=_("Pour un import hebdomadaire")
    )
    reject_threshold_percent = models.DecimalField(
        _("seuil de rejets (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_(
            "Part d’enregistrements invalides au-delà de laquelle l’import est refusé et l’offre précédente "
            "conservée ; vide : la règle du format (0 % pour les référentiels, 5 % pour LHEO)"
        ),
    )
    next_run_at = models.DateTimeField(_("prochain import"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label or self.name

    @property
    def max_reject_share(self) -> float | None:
        """The reject threshold as a share (0.05), or None to keep the format's rule."""
        if self.reject_threshold_percent is None:
            return None
        return float(self.reject_threshold_percent) / 100


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("en cours")
        SUCCEEDED = "succeeded", _("réussi")
        FAILED = "failed", _("échoué")
        DRY_RUN = "dry_run", _("essai à blanc (rien n’a été enregistré)")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="runs", verbose_name=_("source"))
    command = models.CharField(_("commande"), max_length=100)
    location = models.CharField(_("fichier ou dossier lu"), max_length=500)
    started_at = models.DateTimeField(_("début"))
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    created = models.PositiveIntegerField(_("créés"), default=0)
    updated = models.PositiveIntegerField(_("mis à jour"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangés"), default=0)
    rejected = models.PositiveIntegerField(_("rejetés"), default=0)
    absent = models.PositiveIntegerField(_("absents du fichier"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("exécution d’import")
        verbose_name_plural = _("exécutions d’import")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def duration(self) -> timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None


class RecordProvenance(models.Model):
    """One record of one source: the object it became and the hash of its content."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="records", verbose_name=_("source"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("type d’objet"))
    object_id = models.PositiveBigIntegerField(_("identifiant de l’objet"))
    external_id = models.CharField(_("identifiant dans la source"), max_length=255)
    content_hash = models.CharField(_("empreinte du contenu"), max_length=64)
    first_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("premier import")
    )
    last_changed_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("dernière modification")
    )

    class Meta:
        verbose_name = _("provenance d’un enregistrement")
        verbose_name_plural = _("provenances des enregistrements")
        constraints = [
            models.UniqueConstraint(fields=["source", "content_type", "external_id"], name="provenance_unique"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="provenance_object")]

    def __str__(self) -> str:
        return f"{self.source.name}:{self.external_id}"

    @classmethod
    def for_object(cls, obj: models.Model) -> models.QuerySet[RecordProvenance]:
        return cls.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Reject(models.Model):
    """A record that an import refused, with where it is and why."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejects", verbose_name=_("import"))
    file = models.CharField(_("fichier"), max_length=300)
    line = models.PositiveIntegerField(_("ligne"), null=True, blank=True)
    record = models.CharField(_("enregistrement"), max_length=255, blank=True)
    field = models.CharField(_("champ"), max_length=200, blank=True)
    reason = models.TextField(_("motif"))

    class Meta:
        verbose_name = _("rejet")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return describe_location(self.file, self.line, self.record, self.field) + f": {self.reason}"


def describe_location(file: str, line: int | None, record: str, field: str) -> str:
    parts = [file]
    if line:
        parts.append(f"ligne {line}")
    if record:
        parts.append(f"enregistrement {record}")
    if field:
        parts.append(f"champ « {field} »")
    return ", ".join(parts)
