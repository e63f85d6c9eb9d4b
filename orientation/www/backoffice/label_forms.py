"""Forms of the label's back-office: they read and check what was typed; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from dsfr.forms import DsfrBaseForm

from orientation.accounts.models import User
from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.labels.criteria import CRITERIA
from orientation.labels.models import Application, Convention, Grouping
from orientation.territories.models import Commune, EmploymentZone, LivingArea, Region
from orientation.www.backoffice.form_helpers import TEXTAREA, FrenchDateField, field


class ApplicationCreateForm(DsfrBaseForm):
    applicant = forms.ChoiceField(label="Candidat")
    region = forms.ModelChoiceField(
        Region.objects.all(), label="Région d’instruction (pour une organisation seule)", required=False
    )

    def __init__(self, *args: Any, organisations: list[Organisation], groupings: list[Grouping], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field(self, "applicant").choices = [(f"g{g.pk}", f"Groupement : {g}") for g in groupings] + [
            (f"o{o.pk}", f"Organisation seule : {o}") for o in organisations
        ]
        self._organisations = {f"o{o.pk}": o for o in organisations}
        self._groupings = {f"g{g.pk}": g for g in groupings}

    def applicant_kwargs(self) -> dict[str, Any]:
        key = self.cleaned_data["applicant"]
        if key in self._groupings:
            return {"grouping": self._groupings[key]}
        return {"organisation": self._organisations[key], "region": self.cleaned_data["region"]}


class GroupingForm(DsfrBaseForm):
    name = forms.CharField(label="Nom du groupement", max_length=300)
    region = forms.ModelChoiceField(Region.objects.all(), label="Région")
    coordinator = forms.ModelChoiceField(Organisation.objects.none(), label="Organisation coordinatrice")
    organisations = forms.ModelMultipleChoiceField(
        Organisation.objects.all(),
        label="Autres organisations membres",
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )

    def __init__(self, *args: Any, coordinators: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field(self, "coordinator").queryset = Organisation.objects.filter(pk__in=[o.pk for o in coordinators])


class ConventionForm(DsfrBaseForm):
    document = forms.FileField(label="Convention signée (PDF)")
    signatories = forms.CharField(
        label="Signataires", widget=TEXTAREA, help_text="Une personne par ligne : nom, fonction, organisation."
    )
    signed_on = FrenchDateField(label="Date de signature")


class SitesForm(DsfrBaseForm):
    sites = forms.ModelMultipleChoiceField(
        Place.objects.none(), label="Sites d’accueil", widget=forms.CheckboxSelectMultiple, required=False
    )
    services = forms.ModelMultipleChoiceField(
        ServiceOffer.objects.none(), label="Services offerts", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any):
        super().__init__(*args, **kwargs)
        organisations = application.applicant_organisation_ids()
        field(self, "sites").queryset = Place.objects.filter(organisation_id__in=organisations).select_related(
            "organisation"
        )
        field(self, "services").queryset = ServiceOffer.objects.filter(organisation_id__in=organisations)
        field(self, "sites").label_from_instance = lambda place: f"{place.name} — {place.address} {place.city}"


class ConventionChoiceForm(DsfrBaseForm):
    convention = forms.ModelChoiceField(Convention.objects.none(), label="Convention du groupement", required=False)

    def __init__(self, *args: Any, application: Application, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field(self, "convention").queryset = Convention.objects.filter(grouping=application.grouping)


class CommitmentsForm(DsfrBaseForm):
    """One commitment and its evidence per criterion of the cahier des charges."""

    def __init__(self, *args: Any, application: Application, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for code, label in CRITERIA.items():
            current = application.commitments.get(code) or {}
            self.fields[f"{code}__commitment"] = forms.CharField(
                label=f"{label} : votre engagement", widget=TEXTAREA, required=False, initial=current.get("commitment")
            )
            self.fields[f"{code}__evidence"] = forms.CharField(
                label="Preuves (texte)", widget=TEXTAREA, required=False, initial=current.get("evidence")
            )
            self.fields[f"{code}__attachment"] = forms.FileField(label="Pièce justificative", required=False)

    def criteria(self) -> list[tuple[str, object, list[forms.BoundField]]]:
        return [
            (code, label, [self[f"{code}__commitment"], self[f"{code}__evidence"], self[f"{code}__attachment"]])
            for code, label in CRITERIA.items()
        ]

    def commitments(self) -> dict[str, dict[str, str]]:
        return {
            code: {
                "commitment": self.cleaned_data[f"{code}__commitment"],
                "evidence": self.cleaned_data[f"{code}__evidence"],
            }
            for code in CRITERIA
        }

    def attachments(self) -> list[tuple[str, Any]]:
        return [
            (code, self.cleaned_data[f"{code}__attachment"])
            for code in CRITERIA
            if self.cleaned_data.get(f"{code}__attachment")
        ]


class TerritoryForm(DsfrBaseForm):
    living_areas = forms.ModelMultipleChoiceField(
        LivingArea.objects.none(), label="Bassins de vie", widget=forms.CheckboxSelectMultiple, required=False
    )
    employment_zones = forms.ModelMultipleChoiceField(
        EmploymentZone.objects.none(), label="Zones d’emploi", widget=forms.CheckboxSelectMultiple, required=False
    )
    communes = forms.CharField(
        label="Communes (codes INSEE)",
        required=False,
        help_text="Séparés par des virgules ou des espaces, par exemple : 41018, 41269.",
    )
    needs_analysis = forms.CharField(
        label="Analyse des besoins de la population en information et en conseil",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any):
        super().__init__(*args, **kwargs)
        region = application.region
        field(self, "living_areas").queryset = LivingArea.objects.filter(communes__region=region).distinct()
        field(self, "employment_zones").queryset = EmploymentZone.objects.filter(communes__region=region).distinct()

    def clean_communes(self) -> list[Commune]:
        codes = [code for code in self.cleaned_data["communes"].replace(",", " ").split() if code]
        found = {commune.code: commune for commune in Commune.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(f"Codes INSEE inconnus : {', '.join(unknown)}.")
        return [found[code] for code in codes]


class ReasonsForm(DsfrBaseForm):
    reasons = forms.CharField(label="Motifs", widget=TEXTAREA, required=False)


class OpinionForm(ReasonsForm):
    field_order = ["opinion", "reasons"]
    opinion = forms.ChoiceField(
        label="Avis",
        choices=[(Application.Opinion.FAVOURABLE, "favorable"), (Application.Opinion.UNFAVOURABLE, "défavorable")],
        widget=forms.RadioSelect,
    )


class DecisionForm(ReasonsForm):
    field_order = ["decision", "reasons"]
    decision = forms.ChoiceField(
        label="Décision", choices=[("grant", "attribuer le label"), ("refuse", "refuser")], widget=forms.RadioSelect
    )


class WithdrawalDecisionForm(ReasonsForm):
    field_order = ["decision", "reasons"]
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("withdraw", "retirer le label"), ("maintain", "maintenir")],
        widget=forms.RadioSelect,
    )


class HearingForm(DsfrBaseForm):
    held_on = FrenchDateField(label="Date de l’audition")
    attendees = forms.CharField(label="Personnes entendues", widget=TEXTAREA)
    notes = forms.CharField(label="Compte rendu", widget=TEXTAREA, required=False)


class InterestForm(DsfrBaseForm):
    member = forms.ModelChoiceField(User.objects.none(), label="Membre du CCREFP ayant un intérêt personnel")

    def __init__(self, *args: Any, application: Application, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field(self, "member").queryset = User.objects.filter(
            regional_roles__region=application.region, regional_roles__role="ccrefp"
        )


class GroundsForm(DsfrBaseForm):
    grounds = forms.CharField(label="Condition ou clause qui n’est plus remplie", widget=TEXTAREA)


class AnswerForm(DsfrBaseForm):
    answer = forms.CharField(label="Votre réponse écrite", widget=forms.Textarea(attrs={"rows": 6}))
