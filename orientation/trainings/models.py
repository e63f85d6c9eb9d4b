"""Training offer in the shape of LHEO (Langage harmonisé d'échange d'informations sur
l'offre de formation), the standard the regional Carif-Oref publish in.

A provider (organisme de formation) is responsible for formations; a formation is
delivered through actions (a place, modalities, a price, funders, a public); an
action has sessions (dates, recruitment state). Records that a full feed no longer
contains are closed (``closed_at``), never deleted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.occupations.models import RomeFiche
from orientation.territories.models import Commune
from orientation.trainings.codelists import funder_label


class Provider(models.Model):
    """An organisme de formation (responsible for formations, or delivering actions)."""

    siret = models.CharField(_("SIRET"), max_length=14, blank=True, db_index=True)
    name = models.CharField(_("raison sociale"), max_length=300)
    activity_number = models.CharField(_("numéro de déclaration d’activité"), max_length=20, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("ville"), max_length=200, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("organisme de formation")
        verbose_name_plural = _("organismes de formation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Formation(models.Model):
    number = models.CharField(_("numéro LHEO"), max_length=100, db_index=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="formations", verbose_name=_("organisme responsable")
    )
    title = models.CharField(_("intitulé"), max_length=500)
    objective = models.TextField(_("objectif"), blank=True)
    expected_results = models.TextField(_("résultats attendus"), blank=True)
    content = models.TextField(_("contenu"), blank=True)
    is_certifying = models.BooleanField(_("certifiante"), default=False)
    rncp_codes = models.JSONField(_("codes RNCP"), default=list, blank=True)
    certifinfo_codes = models.JSONField(_("codes CertifInfo"), default=list, blank=True)
    formacode_codes = models.JSONField(_("codes Formacode"), default=list, blank=True)
    nsf_codes = models.JSONField(_("codes NSF"), default=list, blank=True)
    rome_codes = models.JSONField(_("codes ROME publiés"), default=list, blank=True)
    rome_fiches = models.ManyToManyField(
        RomeFiche, blank=True, related_name="formations", verbose_name=_("métiers visés")
    )
    entry_level = models.CharField(_("niveau d’entrée (code LHEO)"), max_length=5, blank=True)
    exit_level = models.CharField(_("niveau de sortie (code LHEO)"), max_length=5, blank=True)
    general_objective = models.CharField(_("objectif général (code LHEO)"), max_length=5, blank=True)
    path_kind = models.CharField(_("parcours de formation (code LHEO)"), max_length=5, blank=True)
    url = models.URLField(_("page de la formation"), max_length=1000, blank=True)
    contact = models.JSONField(_("contact"), default=dict, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    closed_at = models.DateTimeField(_("retirée de l’offre le"), null=True, blank=True)

    class Meta:
        verbose_name = _("formation")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(closed_at__isnull=True, formation__closed_at__isnull=True)


class Action(models.Model):
    """A formation delivered at one place, with its modalities, price and funders."""

    number = models.CharField(_("numéro LHEO"), max_length=100, db_index=True)
    formation = models.ForeignKey(
        Formation, on_delete=models.CASCADE, related_name="actions", verbose_name=_("formation")
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("organisme formateur"),
    )
    place_name = models.CharField(_("lieu de formation"), max_length=300, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("ville"), max_length=200, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    rhythm = models.TextField(_("rythme"), blank=True)
    teaching_mode = models.CharField(_("modalités d’enseignement (code LHEO)"), max_length=5, blank=True)
    entry_exit_mode = models.CharField(_("entrées et sorties (code LHEO)"), max_length=5, blank=True)
    is_work_study = models.BooleanField(_("en alternance"), default=False)
    work_study_details = models.TextField(_("modalités de l’alternance"), blank=True)
    hours_total = models.PositiveIntegerField(_("durée totale (heures)"), null=True, blank=True)
    hours_in_centre = models.PositiveIntegerField(_("heures en centre"), null=True, blank=True)
    hours_in_company = models.PositiveIntegerField(_("heures en entreprise"), null=True, blank=True)
    price = models.DecimalField(_("prix total TTC (€)"), max_digits=10, decimal_places=2, null=True, blank=True)
    price_details = models.TextField(_("détail du prix"), blank=True)
    funders = models.JSONField(_("financeurs (codes LHEO)"), default=list, blank=True)
    publics = models.JSONField(_("publics visés (codes Formacode)"), default=list, blank=True)
    entry_conditions = models.TextField(_("conditions d’accès"), blank=True)
    specific_conditions = models.TextField(_("conditions spécifiques"), blank=True)
    recruitment = models.TextField(_("modalités de recrutement"), blank=True)
    language = models.CharField(_("langues"), max_length=50, blank=True)
    accessibility = models.TextField(_("accès des personnes handicapées"), blank=True)
    url = models.URLField(_("page de l’action"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    closed_at = models.DateTimeField(_("retirée de l’offre le"), null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action de formation")
        verbose_name_plural = _("actions de formation")
        ordering = ["formation", "city"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="action_coordinates"),
            # the open data's pages, in the order of the last change (api.pagination)
            models.Index(fields=["updated_at", "id"], name="action_changes"),
        ]

    def __str__(self) -> str:
        return f"{self.formation.title} — {self.city}"

    @property
    def funder_labels(self) -> list[str]:
        return [funder_label(code) for code in self.funders]


class Session(models.Model):
    class Recruitment(models.TextChoices):
        # Codes of the LHEO dictionary "etat-recrutement".
        OPEN = "1", _("inscriptions ouvertes")
        SUSPENDED = "2", _("inscriptions suspendues")
        CLOSED = "3", _("inscriptions fermées")

    number = models.CharField(_("numéro LHEO"), max_length=100, db_index=True)
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("action"))
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    registration_start = models.DateField(_("début des inscriptions"), null=True, blank=True)
    registration_end = models.DateField(_("fin des inscriptions"), null=True, blank=True)
    recruitment = models.CharField(
        _("état du recrutement"), max_length=1, choices=Recruitment.choices, default=Recruitment.OPEN
    )
    closed_at = models.DateTimeField(_("retirée de l’offre le"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        ordering = ["start_date"]

    def __str__(self) -> str:
        return f"{self.action} ({self.start_date} → {self.end_date})"
