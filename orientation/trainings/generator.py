"""A realistic LHEO 2.3 training-offer feed of any size, for benchmarks and tests.

Titles, objectives and contents are built from the real ROME (titles, appellations,
definitions, skills) and Formacode (descriptors) vocabularies; places are real
communes with La Poste's coordinates; dates, durations, prices and funders follow
the usual shapes of the regional offers. The output validates against lheo.xsd and is
written as a stream, so memory does not grow with its size.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from lxml import etree

from orientation.occupations.labels import gendered_forms
from orientation.utils.text import fold_accents

NAMESPACE = "http://lheo.gouv.fr/2.3"
CERTIFICATIONS = [
    ("Titre professionnel", "3", True),
    ("CAP", "3", True),
    ("Bac professionnel", "4", True),
    ("BTS", "5", True),
    ("Certificat de qualification professionnelle", "3", True),
    ("Formation qualifiante", "0", False),
    ("Préparation opérationnelle à l’emploi", "0", False),
    ("Perfectionnement", "0", False),
]
RHYTHMS = ["Continu temps plein", "Temps partiel", "Discontinu, en soirée", "Alternance", "Cours du jour, modulaire"]
PUBLICS = ["80056", "80006", "81028", "81059", "82059", "83056", "80031"]  # demandeurs d'emploi, jeunes, salariés, …
FUNDERS = ["2", "5", "10", "13", "16", "4", "9", "17"]
STREETS = ["rue de la Gare", "avenue de la République", "rue Jean-Jaurès", "place du Marché", "rue des Écoles"]


@dataclass(frozen=True)
class Occupation:
    code: str
    title: str
    definition: list[str]
    skills: list[str]
    appellations: list[str]


@dataclass(frozen=True)
class Place:
    insee: str
    name: str
    postcode: str
    latitude: float
    longitude: float


def _rome_file(folder: Path, name: str) -> Path:
    matches = sorted(folder.glob(f"unix_{name}_v*_utf8.csv"))
    if not matches:
        raise FileNotFoundError(f"{folder}: unix_{name}_v*_utf8.csv missing")
    return matches[-1]


def load_vocabulary(open_data: Path) -> tuple[list[Occupation], list[tuple[str, str]], list[Place]]:
    """Occupations (ROME), Formacode descriptors and located communes from the open data."""
    rome = open_data / "rome"
    titles = {
        row["code_rome"]: row["libelle_rome"]
        for row in csv.DictReader(_rome_file(rome, "referentiel_code_rome").open(encoding="utf-8"))
    }
    definitions: dict[str, list[str]] = {code: [] for code in titles}
    for row in csv.DictReader(_rome_file(rome, "texte").open(encoding="utf-8")):
        if row["libelle_type_texte"] == "definition" and row["code_rome"] in definitions:
            definitions[row["code_rome"]].append(row["libelle_texte"].replace("''", "'").strip())
    items = {
        row["code_ogr"]: row["libelle"].replace("''", "'")
        for row in csv.DictReader(_rome_file(rome, "item").open(encoding="utf-8"))
        if row["code_rubrique"] == "1"
    }
    skills: dict[str, list[str]] = {code: [] for code in titles}
    for row in csv.DictReader(_rome_file(rome, "liens_rome_referentiels").open(encoding="utf-8")):
        if row["code_ogr"] in items and row["code_rome"] in skills and len(skills[row["code_rome"]]) < 12:
            skills[row["code_rome"]].append(items[row["code_ogr"]])
    appellations: dict[str, list[str]] = {code: [] for code in titles}
    for row in csv.DictReader(_rome_file(rome, "referentiel_appellation").open(encoding="utf-8")):
        if row["code_rome"] in appellations:
            appellations[row["code_rome"]].append(row["libelle_appellation_long"].replace("''", "'"))
    occupations = [
        Occupation(code, title.replace("''", "'"), definitions[code], skills[code], appellations[code])
        for code, title in sorted(titles.items())
        if definitions[code] and appellations[code]
    ]
    formacodes = []
    with (open_data / "formacode" / "FCod-utf-8.csv").open(encoding="utf-8") as handle:
        for fields in csv.reader(handle, delimiter=";"):
            if len(fields) > 2 and re.match(r"^\d{5}$", fields[0]):
                formacodes.append((fields[0], fields[2]))
    places: dict[str, Place] = {}
    with (open_data / "territoires" / "laposte_hexasmal.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            code = row["Code_commune_INSEE"]
            if row["latitude"] and code not in places and not code.startswith("98"):
                places[code] = Place(
                    code,
                    row["Nom_commune"].title()[:50],
                    row["Code_postal"],
                    float(row["latitude"]),
                    float(row["longitude"]),
                )
    return occupations, formacodes, list(places.values())


def _formacode_matcher(formacodes: list[tuple[str, str]]) -> Callable[[str, random.Random], str]:
    by_word: dict[str, list[str]] = {}
    for code, label in formacodes:
        for word in fold_accents(label).lower().split():
            if len(word) >= 5:
                by_word.setdefault(word[:6], []).append(code)

    def match(title: str, rng: random.Random) -> str:
        for word in fold_accents(title).lower().replace("/", " ").split():
            codes = by_word.get(word[:6]) if len(word) >= 5 else None
            if codes:
                return rng.choice(codes)
        return rng.choice(formacodes)[0]

    return match


def fictional_siret(rng: random.Random) -> str:
    """A 14-digit number with a valid Luhn key, from a range no real company holds."""
    digits = [9, 9, 9] + [rng.randint(0, 9) for _ in range(10)]
    total = 0
    for index, digit in enumerate(reversed([*digits, 0])):
        value = digit * 2 if index % 2 else digit
        total += value - 9 if value > 9 else value
    check = (10 - total % 10) % 10
    return "".join(map(str, digits)) + str(check)


def generate(
    out: Path,
    *,
    actions: int,
    seed: int,
    open_data: Path,
    progress: Callable[[int], None] | None = None,
    start: date = date(2027, 1, 4),
) -> int:
    """Write a feed of about ``actions`` actions; return the number of formations."""
    rng = random.Random(seed)
    occupations, formacodes, places = load_vocabulary(open_data)
    formacode_for = _formacode_matcher(formacodes)
    providers = [
        (
            fictional_siret(rng),
            f"{rng.choice(['Centre de formation', 'Institut', 'Organisme', 'Campus', 'École'])} "
            f"{rng.choice(['des métiers', 'régional', 'Avenir', 'Compétences', 'Horizon', 'Pro'])} "
            f"{rng.choice(places).name}",
            rng.choice(places),
        )
        for _index in range(max(20, actions // 40))
    ]
    written = 0
    formations = 0
    with etree.xmlfile(str(out), encoding="utf-8") as xml:
        xml.write_declaration()
        with xml.element("lheo", nsmap={None: NAMESPACE}), xml.element(_q("offres")):
            while written < actions:
                formations += 1
                count = min(actions - written, rng.choice([1, 1, 2, 2, 3, 4]))
                xml.write(
                    _formation(rng, formations, count, written, occupations, formacode_for, providers, places, start)
                )
                written += count
                if progress:
                    progress(written)
    return formations


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _q(name), attributes)
    if text is not None:
        element.text = text
    return element


def _address(parent: etree._Element, place: Place, rng: random.Random, *, name: str = "address") -> None:
    address = _sub(parent, "adresse")
    _sub(address, "ligne", f"{rng.randint(1, 120)} {rng.choice(STREETS)}")
    _sub(address, "codepostal", place.postcode)
    _sub(address, "ville", place.name)
    _sub(address, "code-INSEE-commune", place.insee)
    _sub(address, "pays", "FR")
    geo = _sub(address, "geolocalisation")
    _sub(geo, "latitude", f"{place.latitude + rng.uniform(-0.01, 0.01):.6f}")
    _sub(geo, "longitude", f"{place.longitude + rng.uniform(-0.01, 0.01):.6f}")


def _formation(
    rng: random.Random,
    number: int,
    action_count: int,
    first_action: int,
    occupations: list[Occupation],
    formacode_for: Callable[[str, random.Random], str],
    providers: list[tuple[str, str, Place]],
    places: list[Place],
    start: date,
) -> etree._Element:
    occupation = rng.choice(occupations)
    kind, level, certifying = rng.choice(CERTIFICATIONS)
    appellation = gendered_forms(rng.choice(occupation.appellations))[rng.randint(0, 1)]
    title = f"{kind} {appellation.lower() if kind != 'Titre professionnel' else appellation}"[:255]
    formation = etree.Element(_q("formation"), {"numero": f"GEN-F{number:07d}"}, nsmap={None: NAMESPACE})
    domain = _sub(formation, "domaine-formation")
    _sub(domain, "code-FORMACODE", formacode_for(occupation.title, rng))
    _sub(domain, "code-ROME", occupation.code)
    _sub(formation, "intitule-formation", title)
    definition = " ".join(occupation.definition[:3])
    _sub(formation, "objectif-formation", f"Acquérir les compétences du métier : {definition}"[:3000])
    _sub(
        formation,
        "resultats-attendus",
        f"{kind} ; attestation de compétences." if certifying else "Attestation de fin de formation.",
    )
    modules = "; ".join(occupation.skills[:8]) or definition
    _sub(formation, "contenu-formation", f"Modules : {modules}. Période en entreprise."[:3000])
    _sub(formation, "certifiante", "1" if certifying else "0")
    siret, provider_name, provider_place = rng.choice(providers)
    contact = _sub(_sub(formation, "contact-formation"), "coordonnees")
    _sub(contact, "courriel", "contact@formation.example.org")
    _sub(formation, "parcours-de-formation", rng.choice(["1", "3"]))
    _sub(formation, "code-niveau-entree", rng.choice(["0", "3", "4"]))
    _sub(formation, "objectif-general-formation", "6" if certifying else rng.choice(["1", "2", "3"]))
    if certifying:
        certification = _sub(formation, "certification")
        _sub(certification, "code-RNCP", str(rng.randint(200, 39000)))
    _sub(formation, "code-niveau-sortie", level)
    for index in range(action_count):
        _action(formation, rng, first_action + index, places, providers, start)
    responsible = _sub(formation, "organisme-formation-responsable")
    _sub(responsible, "numero-activite", f"{rng.randint(10**10, 10**11 - 1)}")
    _sub(_sub(responsible, "SIRET-organisme-formation"), "SIRET", siret)
    _sub(responsible, "nom-organisme", provider_name)
    _sub(responsible, "raison-sociale", provider_name)
    organisation = _sub(_sub(responsible, "coordonnees-organisme"), "coordonnees")
    _address(organisation, provider_place, rng)
    _sub(
        _sub(organisation, "telfixe"),
        "numtel",
        f"0{rng.randint(1, 5)} {rng.randint(10, 99)} 00 00 {rng.randint(10, 99)}",
    )
    _sub(_sub(_sub(responsible, "contact-organisme"), "coordonnees"), "courriel", "accueil@formation.example.org")
    return formation


def _action(
    formation: etree._Element,
    rng: random.Random,
    number: int,
    places: list[Place],
    providers: list[tuple[str, str, Place]],
    start: date,
) -> None:
    place = rng.choice(places)
    action = _sub(formation, "action", numero=f"GEN-A{number:08d}")
    rhythm = rng.choice(RHYTHMS)
    _sub(action, "rythme-formation", rhythm)
    for public in rng.sample(PUBLICS, rng.randint(1, 2)):
        _sub(action, "code-public-vise", public)
    _sub(action, "niveau-entree-obligatoire", rng.choice(["0", "1"]))
    _sub(
        action,
        "modalites-alternance",
        "2 semaines en centre, 2 semaines en entreprise" if rhythm == "Alternance" else "-",
    )
    _sub(action, "modalites-enseignement", rng.choice(["0", "0", "2"]))
    _sub(
        action, "conditions-specifiques", rng.choice(["-", "Entretien et tests de positionnement", "Permis B souhaité"])
    )
    _sub(action, "prise-en-charge-frais-possible", "1")
    lieu = _sub(_sub(action, "lieu-de-formation"), "coordonnees")
    _sub(lieu, "nom", f"Site de {place.name}")
    _address(lieu, place, rng)
    _sub(action, "modalites-entrees-sorties", rng.choice(["0", "0", "1"]))
    hours = rng.choice([35, 70, 140, 280, 400, 600, 800, 1200])
    for index in range(rng.choice([1, 1, 2])):
        begin = start + timedelta(days=rng.randint(0, 330) + index * 120)
        session = _sub(action, "session", numero=f"GEN-S{number:08d}-{index}")
        period = _sub(session, "periode")
        _sub(period, "debut", f"{begin:%Y%m%d}")
        _sub(period, "fin", f"{begin + timedelta(weeks=max(1, hours // 35)):%Y%m%d}")
        _address(_sub(session, "adresse-inscription"), place, rng)
        _sub(session, "etat-recrutement", rng.choice(["1", "1", "1", "2", "3"]))
    _sub(action, "langue-formation", "FR")
    _sub(action, "code-perimetre-recrutement", rng.choice(["2", "3"]))
    _sub(action, "prix-total-TTC", f"{hours * rng.choice([8, 10, 12, 15])}.00")
    _sub(action, "nombre-heures-centre", str(int(hours * 0.8)))
    _sub(action, "nombre-heures-entreprise", str(hours - int(hours * 0.8)))
    _sub(action, "nombre-heures-total", str(hours))
    siret, name, _place = rng.choice(providers)
    trainer = _sub(action, "organisme-formateur")
    _sub(_sub(trainer, "SIRET-formateur"), "SIRET", siret)
    _sub(trainer, "raison-sociale-formateur", name)
    for funder in rng.sample(FUNDERS, rng.randint(1, 2)):
        _sub(_sub(action, "organisme-financeur"), "code-financeur", funder)


def derive(source: Path, out: Path, *, change: float, remove: float, seed: int) -> tuple[int, int, int]:
    """Copy a feed, changing the price of a share of actions and removing a share of them.

    A formation left without actions is removed whole. Returns (actions kept,
    actions changed, actions removed). Streams both files.
    """
    rng = random.Random(seed)
    kept = changed = removed = 0
    with etree.xmlfile(str(out), encoding="utf-8") as xml:
        xml.write_declaration()
        with xml.element("lheo", nsmap={None: NAMESPACE}), xml.element(_q("offres")):
            for _event, formation in etree.iterparse(str(source), tag=_q("formation"), resolve_entities=False):
                for action in formation.findall(_q("action")):
                    draw = rng.random()
                    if draw < remove:
                        formation.remove(action)
                        removed += 1
                        continue
                    kept += 1
                    if draw < remove + change:
                        price = action.find(_q("prix-total-TTC"))
                        if price is not None:
                            price.text = f"{float(price.text or 0) + 10:.2f}"
                            changed += 1
                if formation.find(_q("action")) is not None:
                    xml.write(formation)
                formation.clear()
    return kept, changed, removed
