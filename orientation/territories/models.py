"""French territories: the INSEE geographic code (COG) and the statistical zonings.

Regions, departments and communes follow the COG; zones d'emploi (ZE2020) and bassins
de vie (BV2012) are the zonings INSEE draws around employment and everyday services,
which is how a guidance service describes the territory it serves.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Zone(models.TextChoices):
    METRO = "metro", _("France métropolitaine")
    DROM = "drom", _("Département ou région d’outre-mer")
    COM = "com", _("Collectivité d’outre-mer")


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices, default=Zone.METRO)

    class Meta:
        verbose_name = _("région")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("région"))
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices, default=Zone.METRO)

    class Meta:
        verbose_name = _("département")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EmploymentZone(models.Model):
    """Zone d'emploi 2020: an area where most residents work and employers recruit."""

    code = models.CharField(_("code ZE2020"), max_length=4, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    # INSEE names a zone after its main town; when the published label is missing we
    # do the same from the communes and say so.
    name_is_derived = models.BooleanField(_("nom déduit de la commune principale"), default=False)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employment_zones",
        verbose_name=_("région"),
    )
    unemployment_rate = models.DecimalField(
        _("taux de chômage (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    unemployment_period = models.CharField(_("période du taux de chômage"), max_length=7, blank=True)

    class Meta:
        verbose_name = _("zone d’emploi")
        verbose_name_plural = _("zones d’emploi")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class LivingArea(models.Model):
    """Bassin de vie 2012: the smallest area where residents find everyday services."""

    code = models.CharField(_("code BV2012"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    name_is_derived = models.BooleanField(_("nom déduit de la commune principale"), default=False)

    class Meta:
        verbose_name = _("bassin de vie")
        verbose_name_plural = _("bassins de vie")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    """Établissement public de coopération intercommunale (communauté de communes, …)."""

    code = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet["Commune"]):
    def located(self) -> CommuneQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune")
        MUNICIPAL_DISTRICT = "arrondissement", _("arrondissement municipal")

    class CoordinatesSource(models.TextChoices):
        POSTAL = "postal", _("base officielle des codes postaux")
        FORMER_COMMUNES = "former_communes", _("moyenne des communes déléguées ou anciennes")
        DISTRICTS = "districts", _("moyenne des arrondissements municipaux")
        SHARED_POSTCODE = "shared_postcode", _("moyenne des communes du même code postal")
        PROVIDED = "provided", _("fournies par la source")

    code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    name_key = models.CharField(_("clé de nom"), max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=14, choices=Kind.choices, default=Kind.COMMUNE)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="districts", verbose_name=_("commune")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="communes", verbose_name=_("département")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes", verbose_name=_("région"))
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices, default=Zone.METRO)
    postcodes = models.JSONField(_("codes postaux"), default=list, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    coordinates_source = models.CharField(
        _("origine des coordonnées"), max_length=16, choices=CoordinatesSource.choices, blank=True
    )
    employment_zone = models.ForeignKey(
        EmploymentZone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("zone d’emploi"),
    )
    living_area = models.ForeignKey(
        LivingArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("bassin de vie"),
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes", verbose_name=_("EPCI")
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def main_postcode(self) -> str:
        return self.postcodes[0] if self.postcodes else ""


class FormerCommune(models.Model):
    """A commune that merged into another and still names a place people live in.

    Addresses, postcode files and older directories use these codes and names; the
    geocoder resolves them to the current commune, keeping their own coordinates.
    """

    class Kind(models.TextChoices):
        DELEGATED = "deleguee", _("commune déléguée")
        ASSOCIATED = "associee", _("commune associée")
        MERGED = "fusionnee", _("ancienne commune fusionnée")

    key = models.CharField(_("clé"), max_length=20, unique=True, editable=False, help_text=_("type-code"))
    code = models.CharField(_("code INSEE"), max_length=5, db_index=True)
    name = models.CharField(_("nom"), max_length=200)
    name_key = models.CharField(_("clé de nom"), max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=9, choices=Kind.choices)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="former_communes", verbose_name=_("commune actuelle")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("commune déléguée ou ancienne")
        verbose_name_plural = _("communes déléguées ou anciennes")

    def __str__(self) -> str:
        return f"{self.name} ({self.code}) → {self.commune.name}"


class PostalCode(models.Model):
    """One row of La Poste's official postcode base: a postcode serving a commune."""

    key = models.CharField(_("clé"), max_length=220, unique=True, editable=False)
    postcode = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="postal_codes", verbose_name=_("commune")
    )
    insee_code = models.CharField(_("code INSEE publié"), max_length=5)
    name = models.CharField(_("nom de commune (La Poste)"), max_length=200)
    name_key = models.CharField(_("clé de nom"), max_length=200, db_index=True, editable=False)
    line5 = models.CharField(_("ligne 5 (lieu-dit)"), max_length=200, blank=True)
    delivery_label = models.CharField(_("libellé d’acheminement"), max_length=200)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")

    def __str__(self) -> str:
        return f"{self.postcode} {self.delivery_label}"
