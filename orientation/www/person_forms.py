"""Forms of the person's space: the e-mail that asks for a sign-in link, an entry of the passport
(its fields read from ``persons.rules.SECTION_FIELDS``), a share, an import, the erasure."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.urls import reverse_lazy
from dsfr.forms import DsfrBaseForm

from orientation.persons.models import CertificationRoute, ProjectKind, Section
from orientation.persons.rules import (
    DESCRIPTION_MAX,
    HOURS_MAX,
    SECTION_FIELDS,
    SKILLS_MAX,
    TEXT_MAX,
    TITLE_MAX,
    EntryValues,
)
from orientation.persons.services import SHARE_MONTHS

ROME_CODE = re.compile(r"^\s*([A-Na-n]\d{4})\b")


class SignInForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        help_text="Nous vous y envoyons un lien pour ouvrir votre espace : pas de mot de passe à retenir.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


LABELS = {
    "title": "Intitulé",
    "kind": "Nature",
    "organisation": "Organisme, établissement ou employeur",
    "place": "Lieu (commune)",
    "started_on": "Début",
    "ended_on": "Fin (ou date d’obtention)",
    "due_on": "Échéance",
    "done": "Fait",
    "hours": "Durée en heures",
    "description": "Description",
    "rncp_code": "Code RNCP de la certification",
    "study": "Formation de l’Onisep correspondante",
    "occupation": "Métier (fiche ROME)",
    "skills": "Compétences mises en œuvre",
}
HELP = {
    "title": "Par exemple : « BTS électrotechnique », « Vendeuse en boulangerie ».",
    "rncp_code": "Facultatif. Par exemple RNCP35190 : il figure sur le diplôme ou sur francecompetences.fr.",
    "study": "Facultatif : commencez à taper l’intitulé et choisissez dans la liste.",
    "occupation": "Commencez à taper un métier et choisissez dans la liste, ou son code ROME (F1602).",
    "skills": "Une par ligne. Les compétences du ROME vous sont proposées pendant la saisie ; vos propres mots "
    "sont acceptés aussi.",
    "ended_on": "Laissez vide si c’est en cours.",
}
KIND_CHOICES: dict[str, list[tuple[str, Any]]] = {
    Section.CERTIFICATIONS: CertificationRoute.choices,
    Section.PROJECT: ProjectKind.choices,
}


class EntryForm(DsfrBaseForm):
    """The fields of one section, as the rules say; checked again by the service."""

    def __init__(self, section: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.section = section
        for name in SECTION_FIELDS[section]:
            self.fields[name] = self._field(name)
            self.fields[name].label = LABELS[name]
            if name in HELP:
                self.fields[name].help_text = HELP[name]

    def _field(self, name: str) -> forms.Field:
        if name == "title":
            required = self.section != Section.PROJECT
            return forms.CharField(max_length=TITLE_MAX, required=required)
        if name == "kind":
            return forms.ChoiceField(choices=KIND_CHOICES[self.section])
        if name in ("organisation", "place"):
            return forms.CharField(max_length=TEXT_MAX, required=False)
        if name in ("started_on", "ended_on", "due_on"):
            return forms.DateField(required=False, widget=DateInput())
        if name == "done":
            return forms.BooleanField(required=False)
        if name == "hours":
            return forms.IntegerField(required=False, min_value=1, max_value=HOURS_MAX)
        if name == "description":
            return forms.CharField(max_length=DESCRIPTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}))
        if name == "rncp_code":
            return forms.CharField(max_length=12, required=False)
        if name == "study":
            return forms.CharField(
                max_length=500,
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "list": "studies-suggestions",
                        "data-suggest": reverse_lazy("www:person_suggestions", args=["etudes"]),
                    }
                ),
            )
        if name == "occupation":
            return forms.CharField(
                max_length=300,
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "list": "occupations-suggestions",
                        "data-suggest": reverse_lazy("www:person_suggestions", args=["metiers"]),
                    }
                ),
            )
        if name == "skills":
            return forms.CharField(
                required=False,
                max_length=SKILLS_MAX * 410,
                widget=forms.Textarea(
                    attrs={"rows": 4, "data-skills": reverse_lazy("www:person_suggestions", args=["competences"])}
                ),
            )
        raise KeyError(name)

    def values(self) -> EntryValues:
        data = self.cleaned_data
        occupation = data.get("occupation", "") or ""
        found = ROME_CODE.match(occupation)
        return EntryValues(
            title=data.get("title", "") or "",
            kind=data.get("kind", "") or "",
            organisation=data.get("organisation", "") or "",
            place=data.get("place", "") or "",
            started_on=data.get("started_on"),
            ended_on=data.get("ended_on"),
            due_on=data.get("due_on"),
            done=bool(data.get("done")),
            hours=data.get("hours"),
            description=data.get("description", "") or "",
            rncp_code=data.get("rncp_code", "") or "",
            study=data.get("study", "") or "",
            occupation=found.group(1).upper() if found else occupation,
            skills=[line for line in (data.get("skills", "") or "").splitlines() if line.strip()],
        )


def entry_initial(entry: Any) -> dict[str, Any]:
    """An entry as its form shows it again."""
    return {
        "title": entry.title,
        "kind": entry.kind,
        "organisation": entry.organisation,
        "place": entry.place,
        "started_on": entry.started_on,
        "ended_on": entry.ended_on,
        "due_on": entry.due_on,
        "done": entry.done,
        "hours": entry.hours,
        "description": entry.description,
        "rncp_code": entry.rncp_code,
        "study": entry.study.title if entry.study else "",
        "occupation": f"{entry.occupation.code} — {entry.occupation.title}" if entry.occupation else "",
        "skills": "\n".join([skill.label for skill in entry.skills.all()] + list(entry.free_skills)),
    }


class DocumentForm(DsfrBaseForm):
    document = forms.FileField(
        label="Ajouter un document (PDF, JPEG ou PNG, 5 Mo au plus)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class ShareForm(DsfrBaseForm):
    organisation = forms.CharField(
        label="Avec quelle organisation ?",
        max_length=300,
        help_text="Commencez à taper son nom (par exemple « Mission locale de Blois ») et choisissez dans la liste.",
        widget=forms.TextInput(
            attrs={
                "list": "organisations-suggestions",
                "data-suggest": reverse_lazy("www:person_suggestions", args=["organisations"]),
            }
        ),
    )
    sections = forms.MultipleChoiceField(
        label="Les rubriques que vous partagez",
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[section.value for section in Section],
    )
    months = forms.TypedChoiceField(
        label="Pendant",
        coerce=int,
        choices=[(months, f"{months} mois") for months in SHARE_MONTHS],
        initial=3,
    )


class ImportForm(DsfrBaseForm):
    document = forms.FileField(
        label="Fichier JSON du passeport (exporté d’Orientation pour tous ou d’une autre plateforme)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )
    replace = forms.BooleanField(
        label="Remplacer tout mon passeport par ce fichier (sinon, ses lignes s’ajoutent aux miennes)",
        required=False,
    )


class EraseForm(DsfrBaseForm):
    confirm = forms.BooleanField(
        label="Je comprends que mon espace, mon passeport et ses documents seront effacés définitivement.",
        required=True,
    )
