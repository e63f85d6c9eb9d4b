"""What a passport entry may hold, section by section, and the checks of what a person types:
each refusal names the field and says what is expected, in French."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from orientation.persons.models import PAST_SECTIONS, CertificationRoute, ProjectKind, Section

TITLE_MAX = 200
TEXT_MAX = 200
DESCRIPTION_MAX = 2000
FREE_SKILL_MAX = 100
SKILLS_MAX = 30
HOURS_MAX = 10_000
#: a date before this is a typing error (« 0202 » for 2020), not a life
EARLIEST = date(1930, 1, 1)
#: a next step may be planned this far ahead
PLAN_AHEAD_DAYS = 5 * 366
RNCP = re.compile(r"^(?:RNCP)?\s*(\d{1,6})$", re.IGNORECASE)

#: documents a person may attach to an entry (a diploma's scan), and how large
ATTACHMENT_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENTS_PER_ENTRY = 5

#: sections whose entries may carry a document
WITH_DOCUMENTS = frozenset({Section.DIPLOMAS, Section.CERTIFICATIONS, Section.TRAININGS, Section.INTERNSHIPS})

#: the fields a person fills in each section, in the order a form shows them
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    Section.DIPLOMAS: ("title", "study", "rncp_code", "organisation", "place", "ended_on", "skills", "description"),
    Section.INTERNSHIPS: (
        "title", "organisation", "place", "started_on", "ended_on", "hours", "skills", "description",
    ),
    Section.CERTIFICATIONS: (
        "title", "kind", "rncp_code", "organisation", "place", "ended_on", "skills", "description",
    ),
    Section.TRAININGS: (
        "title", "organisation", "place", "started_on", "ended_on", "hours", "rncp_code", "skills", "description",
    ),
    Section.TUTORING: ("title", "organisation", "place", "started_on", "ended_on", "hours", "skills", "description"),
    Section.JOBS: ("title", "occupation", "organisation", "place", "started_on", "ended_on", "skills", "description"),
    Section.VOLUNTEERING: ("title", "organisation", "place", "started_on", "ended_on", "skills", "description"),
    Section.PROJECT: ("kind", "title", "occupation", "due_on", "done", "description"),
    Section.INTERESTS: ("title",),
}  # fmt: skip

#: what each section asks of the person, as its form's title says it
SECTION_HINTS: dict[str, str] = {
    Section.DIPLOMAS: "Vos diplômes et titres de la formation initiale (CAP, bac, BTS, licence…).",
    Section.INTERNSHIPS: "L’expérience acquise en stage ou en période de formation en entreprise.",
    Section.CERTIFICATIONS: "Les certifications obtenues par la formation continue ou la validation des acquis.",
    Section.TRAININGS: "Les formations continues suivies : leur nature et leur durée.",
    Section.TUTORING: "Vos activités de tuteur ou de tutrice (d’un apprenti, d’un stagiaire, d’un nouveau).",
    Section.JOBS: "Les emplois occupés, et les connaissances, compétences et aptitudes mises en œuvre.",
    Section.VOLUNTEERING: "Vos activités bénévoles, et ce que vous y avez mis en œuvre.",
    Section.PROJECT: "Les métiers que vous visez, les formations souhaitées et vos prochaines étapes.",
    Section.INTERESTS: "Le profil de votre questionnaire « Ce qui me correspond ».",
}

KINDS: dict[str, set[str]] = {
    Section.CERTIFICATIONS: set(CertificationRoute.values),
    Section.PROJECT: set(ProjectKind.values),
}


@dataclass
class EntryValues:
    """What a form or a document gives for one entry, before it is checked."""

    title: str = ""
    kind: str = ""
    organisation: str = ""
    place: str = ""
    started_on: date | None = None
    ended_on: date | None = None
    due_on: date | None = None
    done: bool = False
    hours: int | None = None
    description: str = ""
    rncp_code: str = ""
    study: str = ""
    occupation: str = ""
    action: int | None = None
    skills: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def normalise_rncp(value: str) -> str | None:
    """« rncp 34567 », « 34567 » → « RNCP34567 »; None when it is not an RNCP code."""
    value = value.strip()
    if not value:
        return ""
    found = RNCP.match(value.replace(" ", ""))
    return f"RNCP{int(found.group(1))}" if found else None


def _text(errors: dict[str, str], values: EntryValues, name: str, label: str, limit: int) -> None:
    value = getattr(values, name)
    setattr(values, name, value.strip())
    if len(value.strip()) > limit:
        errors[name] = f"{label} : {limit} caractères au plus ({len(value.strip())} saisis)."
    elif any(ord(character) < 32 and character not in "\n\r\t" for character in value):
        errors[name] = f"{label} : caractères de contrôle non acceptés."


def check_entry(section: str, values: EntryValues, today: date) -> dict[str, str]:
    """The refusals for ``values`` in ``section``, by field (empty when all is well). Text fields
    are stripped in place, the RNCP code is normalised; fields the section does not hold are
    emptied."""
    if section not in Section.values:
        return {"section": f"Rubrique inconnue : {section!r}."}
    errors: dict[str, str] = {}
    allowed = set(SECTION_FIELDS[section])
    blank = EntryValues()
    for name in ("organisation", "place", "started_on", "ended_on", "due_on", "hours", "rncp_code", "study"):
        if name not in allowed:
            setattr(values, name, getattr(blank, name))
    _text(errors, values, "title", "Intitulé", TITLE_MAX)
    _text(errors, values, "organisation", "Organisme", TEXT_MAX)
    _text(errors, values, "place", "Lieu", TEXT_MAX)
    _text(errors, values, "description", "Description", DESCRIPTION_MAX)
    if not values.title and "title" not in errors and not (section == Section.PROJECT and values.occupation):
        errors["title"] = "Intitulé : à renseigner (par exemple « BTS électrotechnique » ou « Vendeuse »)."
    if section in KINDS:
        if values.kind not in KINDS[section]:
            choices = ", ".join(sorted(KINDS[section]))
            errors["kind"] = f"Nature : à choisir parmi {choices}."
    else:
        values.kind = ""
    if values.rncp_code:
        code = normalise_rncp(values.rncp_code)
        if code is None:
            errors["rncp_code"] = "Code RNCP : « RNCP » suivi de 1 à 6 chiffres, par exemple RNCP34567."
        else:
            values.rncp_code = code
    if values.hours is not None and not 1 <= values.hours <= HOURS_MAX:
        errors["hours"] = f"Durée : un nombre d’heures entre 1 et {HOURS_MAX}."
    _check_dates(errors, section, values, today)
    if len(values.skills) > SKILLS_MAX:
        errors["skills"] = f"Compétences : {SKILLS_MAX} au plus ({len(values.skills)} saisies)."
    else:
        too_long = [skill for skill in values.skills if len(skill) > FREE_SKILL_MAX]
        if too_long:
            errors["skills"] = f"Compétences : {FREE_SKILL_MAX} caractères au plus chacune (« {too_long[0][:30]}… »)."
    return errors


def _check_dates(errors: dict[str, str], section: str, values: EntryValues, today: date) -> None:
    labels = {"started_on": "Début", "ended_on": "Fin ou obtention", "due_on": "Échéance"}
    for name, label in labels.items():
        value = getattr(values, name)
        if value is None:
            continue
        if value < EARLIEST:
            errors[name] = f"{label} : une date après le {EARLIEST:%d/%m/%Y}."
        elif section in PAST_SECTIONS and value > today:
            errors[name] = f"{label} : une date passée (le {value:%d/%m/%Y} est à venir)."
        elif value > today + timedelta(days=PLAN_AHEAD_DAYS):
            errors[name] = f"{label} : une date dans les cinq ans."
    if values.started_on and values.ended_on and values.started_on > values.ended_on and not errors.keys() & labels:
        errors["ended_on"] = "Fin ou obtention : une date après le début."
