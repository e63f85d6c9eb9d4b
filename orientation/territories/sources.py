"""Reading the official territory files (COG, INSEE's zoning, La Poste's postcodes, EPCI,
INSEE's unemployment rates) into checked Python records. Nothing here writes: the import
command (``import_territories``) writes what ``read_all`` returns, as the other importers write
what their parsers read (``trainings.lheo``, ``occupations`` readers).

A bad record is reported to the import's context (file, line, record, field, reason) and left
out; a missing required file is an ``InputError``. The derivations the COG needs because it is
more recent than the other files (the zoning and coordinates of a commune created by merger)
are computed here too, from what was read.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from orientation.ingestion.base import ImportContext
from orientation.ingestion.errors import InputError, RecordProblem
from orientation.ingestion.readers import existing_folder, iter_json_array, read_csv
from orientation.territories.geo import is_in_france
from orientation.territories.models import Commune, FormerCommune, Zone

COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
POSTCODE = re.compile(r"^\d{5}$")
ZONES = {zone.value for zone in Zone}
NO_LIVING_AREA = "ZZZZZ"  # INSEE's code for "outside any bassin de vie" (Mayotte)
CURRENT = "commune-actuelle"
DISTRICT = "arrondissement-municipal"
FORMER_KINDS = {"commune-deleguee": FormerCommune.Kind.DELEGATED, "commune-associee": FormerCommune.Kind.ASSOCIATED}


def pad_insee(code: str) -> str:
    """INSEE's CSV lost leading zeros: "1001" is "01001"."""
    code = code.strip()
    return code.zfill(5) if code.isdigit() else code


def pad_employment_zone(code: str) -> str:
    code = code.strip()
    return code.zfill(4) if code.isdigit() else code


@dataclass
class Zoning:
    employment_zone: str
    living_area: str
    department: str


@dataclass(frozen=True)
class Row:
    """A record of a JSON file, checked, with the line it came from."""

    line: int
    item: dict[str, Any]


@dataclass(frozen=True)
class PostalRow:
    line: int
    insee_code: str
    name: str
    postcode: str
    line5: str
    delivery_label: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class PublishedZone:
    """A zone d'emploi as INSEE names it, with its latest unemployment rate."""

    name: str
    region_code: str
    rate: Decimal | None
    period: str


@dataclass
class Territories:
    """Everything read from the folder, checked, before anything is written."""

    regions: list[Row] = field(default_factory=list)
    departments: list[Row] = field(default_factory=list)
    epcis: list[tuple[str, str, str]] = field(default_factory=list)  # SIREN, name, kind
    published_zones: dict[str, PublishedZone] = field(default_factory=dict)
    #: the two large files, read again (streamed) when written: their records are not kept
    communes_path: Path = Path("communes.json")
    postal_path: Path = Path("laposte_hexasmal.csv")
    postal_row_count: int = 0
    # What the communes need, learnt from every file:
    names: dict[str, str] = field(default_factory=dict)  # code of any commune → name
    populations: dict[str, int] = field(default_factory=dict)
    postcodes: dict[str, list[str]] = field(default_factory=dict)
    #: former code → current commune code (deleguee, associee, anciensCodes)
    successor: dict[str, str] = field(default_factory=dict)
    zoning: dict[str, Zoning] = field(default_factory=dict)
    coordinates: dict[str, tuple[float, float]] = field(default_factory=dict)
    epci_of: dict[str, str] = field(default_factory=dict)
    #: Paris, Lyon, Marseille → their municipal districts
    districts_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    formers_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    communes_by_postcode: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def communes_file(self) -> str:
        return self.communes_path.name

    def communes(self, *kinds: str) -> Iterator[Row]:
        """The valid COG records of these kinds, read again from the file (the first reading
        reported the invalid ones)."""
        for line, item in iter_json_array(self.communes_path):
            if isinstance(item, dict) and item.get("type") in kinds and check_commune(item) is None:
                yield Row(line, item)

    def postal_rows(self) -> Iterator[PostalRow]:
        """La Poste's valid rows, read again from the file."""
        return _postal_rows(self.postal_path, reject=None, outside_france=set())

    def zoning_for(self, code: str) -> Zoning | None:
        """INSEE's zoning of a commune; for one created since INSEE's table, the zoning most of
        its former communes had, or else that of the communes sharing its postcodes."""
        if code in self.zoning:
            return self.zoning[code]
        candidates = [self.zoning[f] for f in self.formers_of.get(code, []) if f in self.zoning]
        if not candidates:
            neighbours = {
                other
                for postcode in self.postcodes.get(code, [])
                for other in self.communes_by_postcode.get(postcode, [])
                if other != code and other[:2] == code[:2]
            }
            candidates = [self.zoning[n] for n in neighbours if n in self.zoning]
        if not candidates:
            return None
        counted = Counter((z.employment_zone, z.living_area) for z in candidates)
        (zone, living_area), _count = counted.most_common(1)[0]
        return Zoning(zone, living_area, code[:2])

    def coordinates_for(self, code: str) -> tuple[float | None, float | None, str]:
        """La Poste's mean point of the commune; else that of its former communes, of its
        districts (Paris, Lyon, Marseille have none of their own) or of the communes sharing
        its postcodes; with where it came from."""
        if code in self.coordinates:
            return (*self.coordinates[code], Commune.CoordinatesSource.POSTAL)
        sharing = sorted(
            {
                other
                for postcode in self.postcodes.get(code, [])
                for other in self.communes_by_postcode.get(postcode, [])
                if other != code
            }
        )
        for others, source in (
            (self.formers_of.get(code, []), Commune.CoordinatesSource.FORMER_COMMUNES),
            (self.districts_of.get(code, []), Commune.CoordinatesSource.DISTRICTS),
            (sharing, Commune.CoordinatesSource.SHARED_POSTCODE),
        ):
            points = [self.coordinates[other] for other in others if other in self.coordinates]
            if points:
                return (
                    sum(p[0] for p in points) / len(points),
                    sum(p[1] for p in points) / len(points),
                    source,
                )
        return None, None, ""


def check_commune(item: Any) -> tuple[str, str] | None:
    """The (field, reason) that makes a COG record unusable, or None."""
    if not isinstance(item, dict):
        return "", "un objet JSON est attendu"
    code = item.get("code")
    if not isinstance(code, str) or not COMMUNE_CODE.match(code):
        return "code", f"code INSEE invalide : {code!r}"
    kind = item.get("type")
    if kind not in (CURRENT, DISTRICT, *FORMER_KINDS):
        return "type", f"type de commune inconnu : {kind!r}"
    if not isinstance(item.get("nom"), str) or not item["nom"].strip():
        return "nom", "nom absent"
    if item.get("zone") not in ZONES:
        return "zone", f"zone inconnue : {item.get('zone')!r}"
    if not isinstance(item.get("departement"), str):
        return "departement", "code de département absent"
    if kind in FORMER_KINDS and not isinstance(item.get("chefLieu"), str):
        return "chefLieu", "commune de rattachement absente"
    if kind == DISTRICT and not isinstance(item.get("commune"), str):
        return "commune", "commune de l’arrondissement absente"
    population = item.get("population")
    if population is not None and (not isinstance(population, int) or population < 0):
        return "population", f"population invalide : {population!r}"
    postcodes = item.get("codesPostaux") or []
    if not isinstance(postcodes, list) or not all(isinstance(p, str) and POSTCODE.match(p) for p in postcodes):
        return "codesPostaux", f"codes postaux invalides : {postcodes!r}"
    return None


class _Folder:
    def __init__(self, path: str, context: ImportContext):
        self.folder = existing_folder(path)
        self.context = context

    def file(self, pattern: str, *, required: bool) -> Path | None:
        matches = sorted(self.folder.glob(pattern))
        if not matches:
            if required:
                raise InputError(pattern, f"fichier obligatoire absent du dossier {self.folder}")
            self.context.note(f"fichier facultatif absent : {pattern}")
            return None
        return matches[-1]

    def required(self, pattern: str) -> Path:
        path = self.file(pattern, required=True)
        assert path is not None
        return path

    def reject(self, file: str, line: int | None, record: str, field_name: str, reason: str) -> None:
        self.context.reject(RecordProblem(file=file, line=line, record=record, field=field_name, reason=reason))


def read_all(path: str, context: ImportContext) -> Territories:
    """Read and check every file of the folder (see ``import_territories``'s help)."""
    folder = _Folder(path, context)
    read = Territories()
    _read_communes(folder, read)
    _read_zoning(folder, read)
    _read_postal(folder, read)
    _read_regions(folder, read)
    _read_departments(folder, read)
    _read_epcis(folder, read)
    _read_published_zones(folder, read)
    for former, current in read.successor.items():
        read.formers_of[current].append(former)
    for code, postcodes in read.postcodes.items():
        for postcode in postcodes:
            read.communes_by_postcode[postcode].append(code)
    return read


def _read_communes(folder: _Folder, read: Territories) -> None:
    path = folder.required("communes.json")
    read.communes_path = path
    progress = folder.context.progress("communes (lecture)")
    for line, item in iter_json_array(path):
        progress.advance()
        folder.context.record_count += 1
        problem = check_commune(item)
        if problem:
            record = str(item.get("code", "")) if isinstance(item, dict) else ""
            folder.reject(path.name, line, record, *problem)
            continue
        code, kind = item["code"], item["type"]
        if kind in (CURRENT, DISTRICT):
            read.names[code] = item["nom"]
            read.populations[code] = item.get("population") or 0
            read.postcodes[code] = list(item.get("codesPostaux") or [])
            for former in item.get("anciensCodes") or []:
                read.successor.setdefault(former, code)
            if kind == DISTRICT:
                read.districts_of[item["commune"]].append(code)
        elif kind in FORMER_KINDS:
            read.names.setdefault(code, item["nom"])
            if item["chefLieu"] != code:
                read.successor.setdefault(code, item["chefLieu"])
    progress.finish()


def _read_zoning(folder: _Folder, read: Territories) -> None:
    path = folder.required("table-appartenance-geo-communes-*.csv")
    rows = read_csv(path, delimiter=";", required_columns=["CODGEO", "DEP", "ZE2020", "BV2012", "EPCI"])
    for row in rows:
        folder.context.record_count += 1
        code = pad_insee(row["CODGEO"])
        if not COMMUNE_CODE.match(code):
            folder.reject(path.name, row.line, row["CODGEO"], "CODGEO", f"code INSEE invalide : {row['CODGEO']!r}")
            continue
        zone = pad_employment_zone(row["ZE2020"])
        if not re.match(r"^\d{4}$", zone):
            folder.reject(path.name, row.line, code, "ZE2020", f"code de zone d’emploi invalide : {row['ZE2020']!r}")
            continue
        living_area = row["BV2012"].strip()
        if living_area != NO_LIVING_AREA:
            living_area = pad_insee(living_area)
            if not COMMUNE_CODE.match(living_area):
                folder.reject(path.name, row.line, code, "BV2012", f"code de bassin de vie invalide : {living_area!r}")
                continue
        read.zoning[code] = Zoning(zone, living_area, row["DEP"].strip())


def _read_postal(folder: _Folder, read: Territories) -> None:
    """La Poste's rows, each checked; a commune's point is the mean of its rows' points."""
    path = folder.required("laposte_hexasmal.csv")
    read.postal_path = path
    outside_france: set[str] = set()
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])

    def reject(line: int, record: str, field_name: str, reason: str) -> None:
        folder.reject(path.name, line, record, field_name, reason)

    for row in _postal_rows(path, reject=reject, outside_france=outside_france):
        read.postal_row_count += 1
        if row.latitude is not None and row.longitude is not None:
            total = sums[row.insee_code]
            total[0] += row.latitude
            total[1] += row.longitude
            total[2] += 1
    folder.context.record_count += read.postal_row_count
    read.coordinates = {code: (lat / n, lon / n) for code, (lat, lon, n) in sums.items()}
    if outside_france:
        folder.context.note(
            f"coordonnées hors du territoire ignorées pour {len(outside_france)} commune(s) de la base "
            f"postale : {', '.join(sorted(outside_france)[:12])}"
        )


def _postal_rows(
    path: Path, *, reject: Callable[[int, str, str, str], None] | None, outside_france: set[str]
) -> Iterator[PostalRow]:
    """Valid rows of La Poste's base; an invalid one is told to ``reject`` (on the first reading)."""

    def refuse(line: int, record: str, field_name: str, reason: str) -> None:
        if reject is not None:
            reject(line, record, field_name, reason)

    columns = ["Code_commune_INSEE", "Nom_commune", "Code_postal", "Ligne_5", "Libellé_d_acheminement"]
    for row in read_csv(path, delimiter=";", required_columns=[*columns, "latitude", "longitude"]):
        code = pad_insee(row["Code_commune_INSEE"])
        postcode = row["Code_postal"].strip().zfill(5)
        if not COMMUNE_CODE.match(code):
            refuse(row.line, code, "Code_commune_INSEE", f"code INSEE invalide : {code!r}")
            continue
        if not POSTCODE.match(postcode):
            refuse(row.line, code, "Code_postal", f"code postal invalide : {postcode!r}")
            continue
        latitude = longitude = None
        if row["latitude"].strip() or row["longitude"].strip():
            try:
                latitude = float(row["latitude"].replace(",", "."))
                longitude = float(row["longitude"].replace(",", "."))
            except ValueError:
                refuse(row.line, code, "latitude", "coordonnées non numériques")
                continue
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                refuse(row.line, code, "latitude", f"coordonnées impossibles : {latitude}, {longitude}")
                continue
            if not is_in_france(latitude, longitude):
                # La Poste places some overseas localities on a placeholder point in the
                # open ocean: the row is kept, its coordinates are not.
                outside_france.add(code)
                latitude = longitude = None
        yield PostalRow(
            row.line,
            code,
            row["Nom_commune"].strip(),
            postcode,
            row["Ligne_5"].strip(),
            row["Libellé_d_acheminement"].strip(),
            latitude,
            longitude,
        )


def _read_regions(folder: _Folder, read: Territories) -> None:
    path = folder.required("regions.json")
    for line, item in iter_json_array(path):
        folder.context.record_count += 1
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item.get("nom"):
            folder.reject(path.name, line, str(item)[:40], "code", "région sans code ou sans nom")
            continue
        if item.get("zone", Zone.METRO) not in ZONES:
            folder.reject(path.name, line, item["code"], "zone", f"zone inconnue : {item.get('zone')!r}")
            continue
        read.regions.append(Row(line, item))


def _read_departments(folder: _Folder, read: Territories) -> None:
    path = folder.required("departements.json")
    for line, item in iter_json_array(path):
        folder.context.record_count += 1
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item.get("nom"):
            folder.reject(path.name, line, str(item)[:40], "code", "département sans code ou sans nom")
            continue
        read.departments.append(Row(line, item))


def _read_epcis(folder: _Folder, read: Territories) -> None:
    path = folder.file("epci.json", required=False)
    if path is None:
        return
    for line, item in iter_json_array(path):
        folder.context.record_count += 1
        code = item.get("code") if isinstance(item, dict) else None
        if not isinstance(code, str) or not re.match(r"^\d{9}$", code):
            folder.reject(path.name, line, str(code), "code", f"SIREN d’EPCI invalide : {code!r}")
            continue
        if not item.get("nom"):
            folder.reject(path.name, line, code, "nom", "nom absent")
            continue
        read.epcis.append((code, item["nom"], str(item.get("type") or "")[:5]))
        for member in item.get("membres") or []:
            if isinstance(member, dict) and isinstance(member.get("code"), str):
                read.epci_of[member["code"]] = code


def _read_published_zones(folder: _Folder, read: Territories) -> None:
    path = folder.file("insee_taux_chomage_zone_emploi_*.csv", required=False)
    if path is None:
        return
    # INSEE's file has a header of labels above the header of codes.
    for row in read_csv(path, delimiter=";", required_columns=["ZE2020", "LIBZE2020", "REG"], skip_rows=1):
        if not row["ZE2020"].strip():
            continue
        quarters = [column for column in row.values if re.match(r"^\d{4}-T\d$", column)]
        rate, period = None, ""
        for quarter in reversed(quarters):
            value = row[quarter].strip().replace(",", ".")
            if value:
                try:
                    rate, period = Decimal(value), quarter
                except InvalidOperation:
                    folder.reject(path.name, row.line, row["ZE2020"], quarter, f"taux invalide : {value!r}")
                break
        read.published_zones[pad_employment_zone(row["ZE2020"])] = PublishedZone(
            row["LIBZE2020"].strip(), row["REG"].strip(), rate, period
        )
