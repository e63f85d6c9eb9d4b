"""Demo content written for this project, so that a fresh install shows a living site.

The content lives in data files, one per domain (``data/territories.json``,
``occupations.json``, ``trainings.json``, ``directory.json``; the accounts in
``accounts.json``), so that someone who is not a developer can change the demo; this module
reads them into the shapes the loader (``load_demo_data``) walks through.

Nothing here is copied from the open-data files: the texts are ours, the communes and
their coordinates are approximate, the organisations, places, providers and trainings
are fictional. The pages say so with a banner whenever demo data is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


def read(name: str) -> dict[str, Any]:
    """One data file; an unreadable one names itself and where it went wrong."""
    path = DATA / f"{name}.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name}, ligne {error.lineno}, colonne {error.colno} : {error.msg}") from error


_territories = read("territories")
_occupations = read("occupations")
_trainings = read("trainings")
_directory = read("directory")
_studies = read("studies")

# (code, name, zone)
REGIONS = [(row["code"], row["name"], row["zone"]) for row in _territories["regions"]]
# (code, name, region)
DEPARTMENTS = [(row["code"], row["name"], row["region"]) for row in _territories["departments"]]
# (INSEE code, name, department, postcode, latitude, longitude, population, zone d'emploi of the demo)
COMMUNES = [
    (
        row["code"], row["name"], row["department"], row["postcode"], row["latitude"], row["longitude"],
        row["population"], row["employment_zone"],
    )
    for row in _territories["communes"]
]  # fmt: skip

GRAND_DOMAINES = [(row["code"], row["label"]) for row in _occupations["grand_domaines"]]
DOMAINES = [(row["code"], row["label"]) for row in _occupations["domaines"]]
# (code, domaine, masculine title, feminine title, definition, access, other job titles as (m, f), mobility)
OCCUPATIONS = [
    (
        row["code"], row["domaine"], row["masculine"], row["feminine"], row["definition"], row["access"],
        [(other["masculine"], other["feminine"]) for other in row["other_titles"]], row["mobility"],
    )
    for row in _occupations["occupations"]
]  # fmt: skip
#: a fiche's (major, minor) RIASEC types, as the ROME gives them
OCCUPATION_RIASEC = {row["code"]: (row["riasec"][:1], row["riasec"][1:2]) for row in _occupations["occupations"]}
#: skills in the ROME's manner: macro-skills with their RIASEC types, the skills they gather, the fiches
SKILLS: list[dict[str, Any]] = list(_occupations["skills"])

# Formations per occupation: (title, exit level code LHEO, certifying, hours, RNCP code or "")
FORMATIONS = {
    code: [(item["title"], item["exit_level"], item["certifying"], item["hours"], item["rncp"]) for item in items]
    for code, items in _trainings["formations"].items()
}
PROVIDERS: list[str] = list(_trainings["providers"])

STREETS: list[str] = list(_directory["streets"])
PLACE_NETWORKS_BIG: list[str] = list(_directory["networks_big"])
PLACE_NETWORKS_SMALL: list[str] = list(_directory["networks_small"])
BIG_TOWNS: set[str] = set(_directory["big_towns"])

#: Onisep métiers and formations of the demo (identifiers as Onisep publishes them, texts ours)
ONISEP_SHEETS: list[dict[str, Any]] = list(_studies["sheets"])
STUDIES: list[dict[str, Any]] = list(_studies["studies"])
