"""The directory: organisations, their places and the services they offer.

A place is where people are received (a CIO, a mission locale antenna, a France
Travail agency); a service offer is what an organisation does for people, at a place
or remotely, described with the data·inclusion code lists so it can be exchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.directory.codelists import THEMES, Fees, Public, ServiceType, theme_labels
from orientation.directory.hours import HoursError, OpeningHours, parse_hours
from orientation.directory.typologies import Typology
from orientation.territories.models import Commune


def validate_hours(value: object) -> None:
    try:
        parse_hours(value)
    except HoursError as error:
        raise ValidationError(str(error)) from error


def validate_themes(value: object) -> None:
    if not isinstance(value, list) or any(theme not in THEMES for theme in value):
        unknown = [theme for theme in value if theme not in THEMES] if isinstance(value, list) else value
        raise ValidationError(_("Thématiques inconnues : %(unknown)s"), params={"unknown": unknown})


def validate_publics(value: object) -> None:
    allowed = set(Public.values)
    if not isinstance(value, list) or any(public not in allowed for public in value):
        raise ValidationError(_("Publics inconnus : %(value)s"), params={"value": value})


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=300)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, db_index=True)
    typology = models.CharField(_("typologie"), max_length=20, choices=Typology.choices)
    website = models.URLField(_("site web"), max_length=500, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaceQuerySet(models.QuerySet["Place"]):
    def located(self) -> PlaceQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def canonical(self) -> PlaceQuerySet:
        """One place per real place: the copies other providers sent are left out."""
        return self.filter(duplicate_of__isnull=True)


class Place(models.Model):
    class GeocodingPrecision(models.TextChoices):
        PROVIDED = "provided", _("coordonnées fournies par la source")
        LOCALITY = "locality", _("lieu-dit ou commune déléguée")
        COMMUNE = "commune", _("centre de la commune")
        NONE = "", _("non localisé")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="places", verbose_name=_("organisation")
    )
    name = models.CharField(_("nom"), max_length=300)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    address_complement = models.CharField(_("complément d’adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("ville (telle qu’écrite)"), max_length=200, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="places", verbose_name=_("commune")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geocoding_precision = models.CharField(
        _("précision de la localisation"), max_length=10, choices=GeocodingPrecision.choices, blank=True
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), max_length=500, blank=True)
    opening_hours = models.JSONField(_("horaires d’ouverture"), default=dict, blank=True, validators=[validate_hours])
    accessibility = models.JSONField(
        _("accessibilité"),
        default=dict,
        blank=True,
        help_text=_("wheelchair, hearing_loop, public_transport, acceslibre_url"),
    )
    languages = models.JSONField(_("langues parlées"), default=list, blank=True)
    publics = models.JSONField(_("publics accueillis"), default=list, blank=True, validators=[validate_publics])
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("doublon de"),
        help_text=_("le même lieu, reçu d’un autre fournisseur : le portail n’affiche que celui-ci"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("lieu d’accueil")
        verbose_name_plural = _("lieux d’accueil")
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="place_coordinates")]

    def __str__(self) -> str:
        return self.name

    @property
    def hours(self) -> OpeningHours:
        return parse_hours(self.opening_hours)


class ServiceOfferQuerySet(models.QuerySet["ServiceOffer"]):
    def editable_by(self, user: Any) -> ServiceOfferQuerySet:
        """The offers of the organisations the user administers."""
        from orientation.accounts.selectors import organisation_ids

        return self.filter(organisation_id__in=organisation_ids(user, admin=True))

    def referrable(self) -> ServiceOfferQuerySet:
        """Second-level services that take referrals, at a real place (not a provider's copy)."""
        return self.filter(accepts_referrals=True, place__duplicate_of__isnull=True)


class ServiceOffer(models.Model):
    class Level(models.TextChoices):
        FIRST = "first", _("premier niveau : accueil, information, premier conseil")
        SECOND = "second", _("second niveau : accompagnement spécialisé")

    class Origin(models.TextChoices):
        DECLARED = "declared", _("déclarée par l’organisation ou sa source")
        TYPOLOGY = "typology", _("offre de base du réseau, déduite de la typologie")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="service_offers", verbose_name=_("organisation")
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_offers",
        verbose_name=_("lieu"),
        help_text=_("vide pour un service rendu à distance ou dans tous les lieux de l’organisation"),
    )
    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=ServiceType.choices)
    level = models.CharField(_("niveau"), max_length=6, choices=Level.choices, default=Level.FIRST)
    themes = models.JSONField(_("thématiques"), default=list, blank=True, validators=[validate_themes])
    publics = models.JSONField(_("publics"), default=list, blank=True, validators=[validate_publics])
    publics_details = models.TextField(_("précisions sur les publics"), blank=True)
    access_conditions = models.TextField(_("conditions d’accès"), blank=True)
    fees = models.CharField(_("frais"), max_length=10, choices=Fees.choices, default=Fees.GRATUIT)
    fees_details = models.TextField(_("précisions sur les frais"), blank=True)
    reception_modes = models.JSONField(_("modes d’accueil"), default=list, blank=True)
    zone_served = models.JSONField(
        _("zone desservie"),
        default=list,
        blank=True,
        help_text=_("codes INSEE de communes, de départements ou SIREN d’EPCI (format data·inclusion)"),
    )
    mobilisation_modes = models.JSONField(_("modes de mobilisation"), default=list, blank=True)
    mobilisable_by = models.JSONField(_("mobilisable par"), default=list, blank=True)
    mobilisation_details = models.TextField(_("comment mobiliser ce service"), blank=True)
    mobilisation_link = models.URLField(_("lien de mobilisation"), max_length=500, blank=True)
    origin = models.CharField(_("origine"), max_length=10, choices=Origin.choices, default=Origin.DECLARED)
    documents_needed = models.TextField(_("documents à apporter"), blank=True)
    opening_hours = models.JSONField(
        _("horaires du service"),
        default=dict,
        blank=True,
        validators=[validate_hours],
        help_text=_("vides : ceux du lieu"),
    )
    weekly_capacity = models.PositiveIntegerField(
        _("personnes reçues par semaine"),
        null=True,
        blank=True,
        help_text=_("capacité d’accueil : au-delà, le service est signalé chargé aux conseillers qui orientent"),
    )
    accepts_referrals = models.BooleanField(
        _("accepte les orientations"),
        default=False,
        help_text=_("les conseillers d’autres organisations peuvent y adresser une personne, avec son accord"),
    )
    referral_email = models.EmailField(
        _("courriel qui reçoit les orientations"),
        blank=True,
        help_text=_("vide : celui du lieu, à défaut celui de l’organisation"),
    )
    referral_details = models.TextField(_("comment nous adresser une personne"), blank=True)
    last_checked_at = models.DateTimeField(_("dernière vérification"), null=True, blank=True)
    check_reminded_at = models.DateTimeField(_("rappel de vérification envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ServiceOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre de service")
        verbose_name_plural = _("offres de service")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def theme_labels(self) -> list[str]:
        return theme_labels(self.themes)

    @property
    def hours(self) -> OpeningHours:
        """The service's own hours, else those of its place."""
        if self.opening_hours:
            return parse_hours(self.opening_hours)
        return self.place.hours if self.place else parse_hours({})

    @property
    def referral_address(self) -> str:
        """Where referrals to this service are sent."""
        return self.referral_email or (self.place.email if self.place else "") or self.organisation.email
