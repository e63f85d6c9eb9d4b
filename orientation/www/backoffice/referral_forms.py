"""Forms of the first level and the referral: they read and check what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from dsfr.forms import DsfrBaseForm

from orientation.directory.codelists import THEME_FAMILIES, THEMES, Fees, Public, ReceptionMode, ServiceType
from orientation.directory.hours import HoursError, format_osm_hours, parse_hours, parse_osm_hours
from orientation.directory.models import Organisation, ServiceOffer
from orientation.referrals.models import PERSONAL_FIELDS, AccessNeed, AgeBand, RefusalReason, Situation
from orientation.referrals.services import CONSENT_WORDING
from orientation.territories.geocoding import Geocoder
from orientation.territories.models import Commune
from orientation.www.backoffice.form_helpers import TEXTAREA, field

#: the themes an adviser of guidance chooses from first (the others follow)
GUIDANCE_FAMILIES = (
    "choisir-un-metier",
    "se-former",
    "preparer-sa-candidature",
    "trouver-un-emploi",
    "creer-une-entreprise",
    "souvrir-a-linternational",
)


def theme_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The themes grouped by family, as the data·inclusion list groups them: guidance's
    families first, then the others in the list's order."""
    families = list(GUIDANCE_FAMILIES) + [family for family in THEME_FAMILIES if family not in GUIDANCE_FAMILIES]
    grouped: dict[str, list[tuple[str, str]]] = {family: [] for family in families}
    for code, label in THEMES.items():
        grouped.setdefault(code.split("--")[0], []).append((code, label))
    return [(THEME_FAMILIES.get(family, family), themes) for family, themes in grouped.items() if themes]


#: the themes' checkboxes in one fieldset per family (the field's own template)
GROUPED_CHECKBOXES = "www/backoffice/_grouped_checkboxes.html"


def grouped_subwidgets(bound: Any) -> list[tuple[str, list[Any]]]:
    """A grouped choice field's checkboxes, by group label (Django renders groups only as a flat list)."""
    groups: dict[str, list[Any]] = {}
    labels = {code: group for group, choices in bound.field.choices for code, _label in choices}
    for subwidget in bound.subwidgets:
        groups.setdefault(labels.get(subwidget.data["value"], ""), []).append(subwidget)
    return list(groups.items())


class InterviewForm(DsfrBaseForm):
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label="Votre organisation")
    public = forms.ChoiceField(label="Public", choices=Public.choices)
    age_band = forms.ChoiceField(label="Âge", choices=AgeBand.choices)
    situation = forms.ChoiceField(label="Situation", choices=Situation.choices)
    themes = forms.MultipleChoiceField(
        label="Sa demande porte sur",
        widget=forms.CheckboxSelectMultiple,
    )
    request = forms.CharField(label="La demande, en quelques mots", widget=TEXTAREA, required=False)
    commune = forms.CharField(
        label="Commune de la personne", required=False, help_text="Nom ou code postal, par exemple : 41000 Blois."
    )
    access_needs = forms.MultipleChoiceField(
        label="Besoins d’accessibilité", choices=AccessNeed.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    consent = forms.BooleanField(
        label="La personne accepte, après lecture du texte ci-dessous, que ses coordonnées soient enregistrées "
        "et transmises au service vers lequel elle est orientée",
        help_text=CONSENT_WORDING,
        required=False,
    )
    first_name = forms.CharField(label="Prénom", max_length=100, required=False)
    last_name = forms.CharField(label="Nom", max_length=100, required=False)
    email = forms.EmailField(label="Courriel", required=False)
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    identifier = forms.CharField(label="Identifiant France Travail (facultatif)", max_length=30, required=False)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field(self, "organisation").queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            self.initial.setdefault("organisation", organisations[0].pk)
            field(self, "organisation").empty_label = None  # one choice: already made
        field(self, "themes").choices = theme_choices()
        field(self, "themes").template_name = GROUPED_CHECKBOXES

    def theme_groups(self) -> list[tuple[str, list[Any]]]:
        """The themes' checkboxes by family, for the grouped fieldsets of the form."""
        return grouped_subwidgets(self["themes"])

    def clean_commune(self) -> Commune | None:
        text = self.cleaned_data["commune"].strip()
        if not text:
            return None
        found = Geocoder().geocode(text)
        if found is None:
            raise forms.ValidationError(f"Commune introuvable : « {text} ».")
        return found.commune


class SendForm(DsfrBaseForm):
    message = forms.CharField(label="Message au service", widget=TEXTAREA, required=False)
    share = forms.MultipleChoiceField(
        label="Données que la personne accepte de partager avec ce service",
        choices=list(PERSONAL_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    attachment = forms.FileField(label="Pièce jointe (CV, attestation…)", required=False)

    def __init__(self, *args: Any, consent: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not consent:
            del self.fields["share"]
            del self.fields["attachment"]


class AnswerForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label="Réponse", choices=[("accept", "accepter"), ("refuse", "refuser")], widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(label="Motif du refus", choices=[("", "—"), *RefusalReason.choices], required=False)
    shown_to_person = forms.BooleanField(label="Le motif peut être montré à la personne", required=False)
    message = forms.CharField(
        label="Message (rendez-vous proposé, pièces à apporter…)", widget=TEXTAREA, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "refuse" and not data.get("reason"):
            self.add_error("reason", "Un refus dit son motif.")
        return data


class OfferForm(DsfrBaseForm):
    """An organisation's service offer, as its admin keeps it up to date."""

    name = forms.CharField(label="Nom du service", max_length=150)
    description = forms.CharField(label="Description", widget=TEXTAREA, required=False)
    type = forms.ChoiceField(label="Type", choices=ServiceType.choices)
    level = forms.ChoiceField(label="Niveau", choices=ServiceOffer.Level.choices)
    themes = forms.MultipleChoiceField(
        label="Thématiques",
        widget=forms.CheckboxSelectMultiple,
    )
    publics = forms.MultipleChoiceField(label="Publics", choices=Public.choices, widget=forms.CheckboxSelectMultiple)
    access_conditions = forms.CharField(label="Conditions d’accès", widget=TEXTAREA, required=False)
    documents_needed = forms.CharField(label="Documents à apporter", widget=TEXTAREA, required=False)
    fees = forms.ChoiceField(label="Frais", choices=Fees.choices)
    fees_details = forms.CharField(label="Précisions sur les frais", required=False)
    reception_modes = forms.MultipleChoiceField(
        label="Modes d’accueil", choices=ReceptionMode.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    zone_served = forms.CharField(
        label="Zone desservie",
        required=False,
        help_text="Codes INSEE de communes ou de départements, séparés par des espaces.",
    )
    hours = forms.CharField(
        label="Horaires du service",
        required=False,
        help_text="Au format OpenStreetMap, par exemple : Mo-Fr 09:00-12:30,13:30-17:00. Vides : ceux du lieu.",
    )
    weekly_capacity = forms.IntegerField(label="Personnes reçues par semaine", min_value=0, required=False)
    accepts_referrals = forms.BooleanField(
        label="Ce service accepte les orientations d’autres organisations", required=False
    )
    referral_email = forms.EmailField(label="Courriel qui reçoit les orientations", required=False)
    referral_details = forms.CharField(label="Comment nous adresser une personne", widget=TEXTAREA, required=False)

    def theme_groups(self) -> list[tuple[str, list[Any]]]:
        return grouped_subwidgets(self["themes"])

    def __init__(self, *args: Any, offer: ServiceOffer, **kwargs: Any):
        initial = {
            name: getattr(offer, name)
            for name in (
                "name", "description", "type", "level", "themes", "publics", "access_conditions", "documents_needed",
                "fees", "fees_details", "reception_modes", "weekly_capacity", "accepts_referrals", "referral_email",
                "referral_details",
            )
        }  # fmt: skip
        initial["zone_served"] = " ".join(offer.zone_served)
        initial["hours"] = format_osm_hours(parse_hours(offer.opening_hours)) if offer.opening_hours else ""
        super().__init__(*args, initial=initial, **kwargs)
        field(self, "themes").choices = theme_choices()
        field(self, "themes").template_name = GROUPED_CHECKBOXES

    def clean_hours(self) -> dict[str, Any]:
        text = self.cleaned_data["hours"].strip()
        if not text:
            return {}
        try:
            return parse_osm_hours(text).to_json()
        except HoursError as error:
            raise forms.ValidationError(f"Horaires illisibles : {error}") from error

    def clean_zone_served(self) -> list[str]:
        codes = self.cleaned_data["zone_served"].replace(",", " ").split()
        bad = [code for code in codes if not (code.isalnum() and len(code) in (2, 3, 5, 9))]
        if bad:
            raise forms.ValidationError(f"Codes inconnus : {', '.join(bad)}.")
        return codes

    def offer_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["opening_hours"] = data.pop("hours")
        return data
