"""The passport as a portable document (``schema/passport-v1.json``): written from a person's
entries, read back into entries of another account or platform. Documents (scans) stay out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone

from orientation.accounts.models import User
from orientation.persons.models import Entry, Section
from orientation.persons.rules import EntryValues
from orientation.utils.documents import Problem, load_schema
from orientation.utils.documents import problems as schema_problems

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "passport-v1.json"
FORMAT = "passeport-orientation-formation"
PLATFORM_NAME = "Orientation pour tous"

#: the document's name of each section (the schema is written in English, like referral-v1)
SECTION_KEYS = {
    Section.DIPLOMAS: "diplomas",
    Section.INTERNSHIPS: "internships",
    Section.CERTIFICATIONS: "certifications",
    Section.TRAININGS: "trainings",
    Section.TUTORING: "tutoring",
    Section.JOBS: "jobs",
    Section.VOLUNTEERING: "volunteering",
    Section.PROJECT: "project",
    Section.INTERESTS: "interests",
}
SECTIONS_BY_KEY = {key: section for section, key in SECTION_KEYS.items()}


def schema() -> dict[str, Any]:
    return load_schema(SCHEMA_PATH)


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def entry_document(entry: Entry) -> dict[str, Any]:
    """One entry as the schema writes it (its skills and linked rows read beforehand)."""
    document: dict[str, Any] = {"title": entry.title}
    optional = {
        "kind": entry.kind,
        "organisation": entry.organisation,
        "place": entry.place,
        "started_on": _date(entry.started_on),
        "ended_on": _date(entry.ended_on),
        "due_on": _date(entry.due_on),
        "hours": entry.hours,
        "description": entry.description,
        "rncp_code": entry.rncp_code,
        "onisep_formation": entry.study.identifier if entry.study else "",
        "rome_code": entry.occupation.code if entry.occupation else "",
    }
    document.update({name: value for name, value in optional.items() if value not in ("", None)})
    if entry.section == Section.PROJECT:
        document["done"] = entry.done
    skills = [{"label": skill.label, "rome_ogr_code": skill.code} for skill in entry.skills.all()]
    skills += [{"label": label} for label in entry.free_skills]
    if skills:
        document["skills"] = skills
    if entry.section == Section.INTERESTS and entry.data.get("scores"):
        document["profile"] = {"code": entry.data.get("code", ""), "scores": entry.data["scores"]}
    if entry.proposed_by_organisation is not None:
        document["proposed_by"] = entry.proposed_by_organisation.name
    return document


def passport_entries(person: User, sections: list[str] | None = None) -> list[Entry]:
    """The person's passport (accepted entries), in the sections asked, with what they point to."""
    rows = Entry.objects.of(person)
    if sections is not None:
        rows = rows.filter(section__in=sections)
    return list(
        rows.select_related("study", "occupation", "proposed_by_organisation", "action").prefetch_related(
            "skills", "attachments"
        )
    )


def passport_document(person: User, sections: list[str] | None = None) -> dict[str, Any]:
    """The whole passport (or the sections of a share) as ``passport-v1.json`` describes it."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for entry in passport_entries(person, sections):
        grouped.setdefault(SECTION_KEYS[Section(entry.section)], []).append(entry_document(entry))
    person_part = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email or ""}
    return {
        "format": FORMAT,
        "version": "1",
        "exported_at": timezone.now().isoformat(),
        "platform": PLATFORM_NAME,
        "person": {name: value for name, value in person_part.items() if value},
        "sections": {key: grouped[key] for key in SECTION_KEYS.values() if key in grouped},
    }


def _parse_date(value: str | None, path: str, found: list[Problem]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        found.append(Problem(path, f"date inexistante : {value!r}"))
        return None


def parse(document: Any) -> tuple[list[tuple[str, str, EntryValues]], list[Problem]]:
    """The entries of a document, each with its section and its path in the document
    (« sections/diplomas/0 »), and every way the document breaks the schema."""
    found = schema_problems(schema(), document)
    if found:
        return [], found
    entries: list[tuple[str, str, EntryValues]] = []
    for key, items in document["sections"].items():
        for index, item in enumerate(items):
            path = f"sections/{key}/{index}"
            skills = [skill["label"] for skill in item.get("skills", [])]
            profile = item.get("profile")
            values = EntryValues(
                title=item["title"],
                kind=item.get("kind", ""),
                organisation=item.get("organisation", ""),
                place=item.get("place", ""),
                started_on=_parse_date(item.get("started_on"), f"{path}/started_on", found),
                ended_on=_parse_date(item.get("ended_on"), f"{path}/ended_on", found),
                due_on=_parse_date(item.get("due_on"), f"{path}/due_on", found),
                done=bool(item.get("done", False)),
                hours=item.get("hours"),
                description=item.get("description", ""),
                rncp_code=item.get("rncp_code", ""),
                study=item.get("onisep_formation", ""),
                occupation=item.get("rome_code", ""),
                skills=skills,
                data={"code": profile["code"], "scores": profile["scores"]} if profile else {},
            )
            entries.append((SECTIONS_BY_KEY[key], path, values))
    return entries, found
