"""Import the French territories from the official files, as published.

DIR holds (layout of ``../shared/data/territoires``):

- ``regions.json``, ``departements.json``, ``communes.json`` (COG, as packaged by
  @etalab/decoupage-administratif), required;
- ``laposte_hexasmal.csv`` (La Poste's postcode base, with coordinates), required;
- ``table-appartenance-geo-communes-*.csv`` (INSEE: zone d'emploi, bassin de vie),
  required; INSEE's table lost the leading zeros of codes, which are restored;
- ``epci.json`` (intercommunalities), optional;
- ``insee_taux_chomage_zone_emploi_*.csv`` (names and unemployment rates of the
  zones d'emploi), optional: without it a zone is named after its main commune.

The COG is more recent than INSEE's zoning table and La Poste's base: communes
created by merger since then get the zoning and coordinates of the communes they
merged, and merged communes are kept as former communes for the geocoder.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from orientation.ingestion.base import ImportCommand, ImportContext, Upserter
from orientation.ingestion.errors import InputError, RecordProblem
from orientation.ingestion.models import Source
from orientation.ingestion.readers import existing_folder, iter_json_array, read_csv
from orientation.territories.geo import is_in_france
from orientation.territories.models import (
    Commune,
    Department,
    EmploymentZone,
    Epci,
    FormerCommune,
    LivingArea,
    PostalCode,
    Region,
    Zone,
)
from orientation.utils.text import place_name_key

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


@dataclass
class Gathered:
    """What the first pass over the files learns before anything is written."""

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


class Command(ImportCommand):
    help = __doc__
    source_name = "insee-cog"
    source_kind = Source.Kind.TERRITORIES
    source_label = "Territoires (COG INSEE, zonages, codes postaux La Poste)"
    path_help = "dossier des fichiers territoires (voir ../shared/data/territoires)"

    def run_import(self, context: ImportContext, path: str) -> None:
        folder = existing_folder(path)
        self.context = context
        self.folder = folder
        gathered = Gathered()
        self._read_communes(gathered)
        self._read_zoning(gathered)
        self._read_postal_coordinates(gathered)

        regions = self._import_regions()
        departments = self._import_departments(regions)
        epcis = self._import_epcis(gathered)
        zones = self._import_employment_zones(gathered, regions)
        living_areas = self._import_living_areas(gathered)
        context.check_rejects()
        self._import_communes(gathered, departments, regions, zones, living_areas, epcis)
        self._import_former_communes(gathered)
        self._import_postal_codes(gathered)

    # -- first pass: read and validate what the communes need -----------------------

    def _file(self, pattern: str, *, required: bool) -> Path | None:
        matches = sorted(self.folder.glob(pattern))
        if not matches:
            if required:
                raise InputError(pattern, f"fichier obligatoire absent du dossier {self.folder}")
            self.context.note(f"fichier facultatif absent : {pattern}")
            return None
        return matches[-1]

    def _reject(self, file: str, line: int | None, record: str, field_name: str, reason: str) -> None:
        self.context.reject(RecordProblem(file=file, line=line, record=record, field=field_name, reason=reason))

    def _read_communes(self, gathered: Gathered) -> None:
        path = self._file("communes.json", required=True)
        assert path is not None
        progress = self.context.progress("communes (lecture)")
        for line, item in iter_json_array(path):
            progress.advance()
            self.context.record_count += 1
            problem = self._check_commune(item)
            if problem:
                record = str(item.get("code", "")) if isinstance(item, dict) else ""
                self._reject(path.name, line, record, *problem)
                continue
            code, kind = item["code"], item["type"]
            if kind in (CURRENT, DISTRICT):
                gathered.names[code] = item["nom"]
                gathered.populations[code] = item.get("population") or 0
                gathered.postcodes[code] = list(item.get("codesPostaux") or [])
                for former in item.get("anciensCodes") or []:
                    gathered.successor.setdefault(former, code)
                if kind == DISTRICT:
                    gathered.districts_of[item["commune"]].append(code)
            elif kind in FORMER_KINDS:
                gathered.names.setdefault(code, item["nom"])
                if item["chefLieu"] != code:
                    gathered.successor.setdefault(code, item["chefLieu"])
        progress.finish()

    def _check_commune(self, item: Any) -> tuple[str, str] | None:
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

    def _read_zoning(self, gathered: Gathered) -> None:
        path = self._file("table-appartenance-geo-communes-*.csv", required=True)
        assert path is not None
        rows = read_csv(path, delimiter=";", required_columns=["CODGEO", "DEP", "ZE2020", "BV2012", "EPCI"])
        for row in rows:
            self.context.record_count += 1
            code = pad_insee(row["CODGEO"])
            if not COMMUNE_CODE.match(code):
                self._reject(path.name, row.line, row["CODGEO"], "CODGEO", f"code INSEE invalide : {row['CODGEO']!r}")
                continue
            zone = pad_employment_zone(row["ZE2020"])
            if not re.match(r"^\d{4}$", zone):
                self._reject(path.name, row.line, code, "ZE2020", f"code de zone d’emploi invalide : {row['ZE2020']!r}")
                continue
            living_area = row["BV2012"].strip()
            if living_area != NO_LIVING_AREA:
                living_area = pad_insee(living_area)
                if not COMMUNE_CODE.match(living_area):
                    self._reject(
                        path.name, row.line, code, "BV2012", f"code de bassin de vie invalide : {living_area!r}"
                    )
                    continue
            gathered.zoning[code] = Zoning(zone, living_area, row["DEP"].strip())

    def _read_postal_coordinates(self, gathered: Gathered) -> None:
        path = self._file("laposte_hexasmal.csv", required=True)
        assert path is not None
        self._outside_france: set[str] = set()
        sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for row in self._postal_rows(path, report=True):
            if row.latitude is None or row.longitude is None:
                continue
            total = sums[row.insee_code]
            total[0] += row.latitude
            total[1] += row.longitude
            total[2] += 1
        gathered.coordinates = {code: (lat / n, lon / n) for code, (lat, lon, n) in sums.items()}
        if self._outside_france:
            self.context.note(
                f"coordonnées hors du territoire ignorées pour {len(self._outside_france)} commune(s) de la base "
                f"postale : {', '.join(sorted(self._outside_france)[:12])}"
            )

    @dataclass
    class PostalRow:
        line: int
        insee_code: str
        name: str
        postcode: str
        line5: str
        delivery_label: str
        latitude: float | None
        longitude: float | None

    def _postal_rows(self, path: Path, *, report: bool = False) -> Any:
        """Valid rows of La Poste's base; invalid ones are rejected on the first reading."""

        def reject(line: int, record: str, field_name: str, reason: str) -> None:
            if report:
                self._reject(path.name, line, record, field_name, reason)

        columns = ["Code_commune_INSEE", "Nom_commune", "Code_postal", "Ligne_5", "Libellé_d_acheminement"]
        for row in read_csv(path, delimiter=";", required_columns=[*columns, "latitude", "longitude"]):
            code = pad_insee(row["Code_commune_INSEE"])
            postcode = row["Code_postal"].strip().zfill(5)
            if not COMMUNE_CODE.match(code):
                reject(row.line, code, "Code_commune_INSEE", f"code INSEE invalide : {code!r}")
                continue
            if not POSTCODE.match(postcode):
                reject(row.line, code, "Code_postal", f"code postal invalide : {postcode!r}")
                continue
            latitude = longitude = None
            if row["latitude"].strip() or row["longitude"].strip():
                try:
                    latitude = float(row["latitude"].replace(",", "."))
                    longitude = float(row["longitude"].replace(",", "."))
                except ValueError:
                    reject(row.line, code, "latitude", "coordonnées non numériques")
                    continue
                if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                    reject(row.line, code, "latitude", f"coordonnées impossibles : {latitude}, {longitude}")
                    continue
                if not is_in_france(latitude, longitude):
                    # La Poste places some overseas localities on a placeholder point
                    # in the open ocean: the row is kept, its coordinates are not.
                    if report:
                        self._outside_france.add(code)
                    latitude = longitude = None
            yield self.PostalRow(
                row.line,
                code,
                row["Nom_commune"].strip(),
                postcode,
                row["Ligne_5"].strip(),
                row["Libellé_d_acheminement"].strip(),
                latitude,
                longitude,
            )

    # -- second pass: write ------------------------------------------------------------

    def _import_regions(self) -> dict[str, int]:
        path = self._file("regions.json", required=True)
        assert path is not None
        upserter = Upserter(self.context, Region, "code", label="régions")
        for line, item in iter_json_array(path):
            self.context.record_count += 1
            if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item.get("nom"):
                self._reject(path.name, line, str(item)[:40], "code", "région sans code ou sans nom")
                continue
            zone = item.get("zone", Zone.METRO)
            if zone not in ZONES:
                self._reject(path.name, line, item["code"], "zone", f"zone inconnue : {zone!r}")
                continue
            upserter.add(item["code"], {"name": item["nom"], "zone": zone})
        return upserter.finish().pk_by_key

    def _import_departments(self, regions: dict[str, int]) -> dict[str, int]:
        path = self._file("departements.json", required=True)
        assert path is not None
        upserter = Upserter(self.context, Department, "code", label="départements")
        for line, item in iter_json_array(path):
            self.context.record_count += 1
            if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item.get("nom"):
                self._reject(path.name, line, str(item)[:40], "code", "département sans code ou sans nom")
                continue
            region = regions.get(str(item.get("region")))
            if region is None:
                self._reject(path.name, line, item["code"], "region", f"région inconnue : {item.get('region')!r}")
                continue
            upserter.add(item["code"], {"name": item["nom"], "region_id": region, "zone": item.get("zone", Zone.METRO)})
        return upserter.finish().pk_by_key

    def _import_epcis(self, gathered: Gathered) -> dict[str, int]:
        path = self._file("epci.json", required=False)
        upserter = Upserter(self.context, Epci, "code", label="EPCI")
        if path is not None:
            for line, item in iter_json_array(path):
                self.context.record_count += 1
                code = item.get("code") if isinstance(item, dict) else None
                if not isinstance(code, str) or not re.match(r"^\d{9}$", code):
                    self._reject(path.name, line, str(code), "code", f"SIREN d’EPCI invalide : {code!r}")
                    continue
                if not item.get("nom"):
                    self._reject(path.name, line, code, "nom", "nom absent")
                    continue
                upserter.add(code, {"name": item["nom"], "kind": str(item.get("type") or "")[:5]})
                for member in item.get("membres") or []:
                    if isinstance(member, dict) and isinstance(member.get("code"), str):
                        gathered.epci_of[member["code"]] = code
        return upserter.finish().pk_by_key

    def _import_employment_zones(self, gathered: Gathered, regions: dict[str, int]) -> dict[str, int]:
        published: dict[str, tuple[str, str, Decimal | None, str]] = {}
        path = self._file("insee_taux_chomage_zone_emploi_*.csv", required=False)
        if path is not None:
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
                            self._reject(path.name, row.line, row["ZE2020"], quarter, f"taux invalide : {value!r}")
                        break
                published[pad_employment_zone(row["ZE2020"])] = (
                    row["LIBZE2020"].strip(),
                    row["REG"].strip(),
                    rate,
                    period,
                )

        members: dict[str, list[str]] = defaultdict(list)
        for code, zoning in gathered.zoning.items():
            members[zoning.employment_zone].append(code)
        upserter = Upserter(self.context, EmploymentZone, "code", label="zones d’emploi")
        for zone_code in sorted(members):
            if zone_code in published:
                name, region_code, rate, period = published[zone_code]
                region_pk = regions.get(region_code.zfill(2))
                derived = False
            else:
                main = max(members[zone_code], key=lambda code: gathered.populations.get(code, 0))
                name, region_pk, rate, period, derived = gathered.names.get(main, zone_code), None, None, "", True
            upserter.add(
                zone_code,
                {
                    "name": name,
                    "name_is_derived": derived,
                    "region_id": region_pk,
                    "unemployment_rate": str(rate) if rate is not None else None,
                    "unemployment_period": period,
                },
            )
        return upserter.finish().pk_by_key

    def _import_living_areas(self, gathered: Gathered) -> dict[str, int]:
        codes = sorted({z.living_area for z in gathered.zoning.values() if z.living_area != NO_LIVING_AREA})
        upserter = Upserter(self.context, LivingArea, "code", label="bassins de vie")
        for code in codes:
            # A bassin de vie bears the code of its central commune, and its name.
            name = gathered.names.get(code) or gathered.names.get(gathered.successor.get(code, ""), "")
            upserter.add(code, {"name": name or code, "name_is_derived": not name})
        return upserter.finish().pk_by_key

    def _zoning_for(self, code: str, gathered: Gathered, formers_of: dict[str, list[str]]) -> Zoning | None:
        if code in gathered.zoning:
            return gathered.zoning[code]
        # A commune created since INSEE's table: take the zoning most of its former
        # communes had, or else that of the communes sharing its postcodes.
        candidates = [gathered.zoning[f] for f in formers_of.get(code, []) if f in gathered.zoning]
        if not candidates:
            neighbours = {
                other
                for postcode in gathered.postcodes.get(code, [])
                for other in self._communes_by_postcode.get(postcode, [])
                if other != code and other[:2] == code[:2]
            }
            candidates = [gathered.zoning[n] for n in neighbours if n in gathered.zoning]
        if not candidates:
            return None
        counted = Counter((z.employment_zone, z.living_area) for z in candidates)
        (zone, living_area), _count = counted.most_common(1)[0]
        return Zoning(zone, living_area, code[:2])

    def _coordinates_for(
        self, code: str, gathered: Gathered, formers_of: dict[str, list[str]], districts_of: dict[str, list[str]]
    ) -> tuple[float | None, float | None, str]:
        if code in gathered.coordinates:
            return (*gathered.coordinates[code], Commune.CoordinatesSource.POSTAL)
        for others, source in (
            (formers_of.get(code, []), Commune.CoordinatesSource.FORMER_COMMUNES),
            (districts_of.get(code, []), Commune.CoordinatesSource.DISTRICTS),
            (
                sorted(
                    {
                        other
                        for postcode in gathered.postcodes.get(code, [])
                        for other in self._communes_by_postcode.get(postcode, [])
                        if other != code
                    }
                ),
                Commune.CoordinatesSource.SHARED_POSTCODE,
            ),
        ):
            points = [gathered.coordinates[other] for other in others if other in gathered.coordinates]
            if points:
                return (
                    sum(p[0] for p in points) / len(points),
                    sum(p[1] for p in points) / len(points),
                    source,
                )
        return None, None, ""

    def _import_communes(
        self,
        gathered: Gathered,
        departments: dict[str, int],
        regions: dict[str, int],
        zones: dict[str, int],
        living_areas: dict[str, int],
        epcis: dict[str, int],
    ) -> None:
        path = self._file("communes.json", required=True)
        assert path is not None
        formers_of: dict[str, list[str]] = defaultdict(list)
        for former, current in gathered.successor.items():
            formers_of[current].append(former)
        districts_of = gathered.districts_of
        self._communes_by_postcode: dict[str, list[str]] = defaultdict(list)
        for code, postcodes in gathered.postcodes.items():
            for postcode in postcodes:
                self._communes_by_postcode[postcode].append(code)

        upserter = Upserter(self.context, Commune, "code", label="communes", version=1)
        districts: list[tuple[int, dict[str, Any]]] = []
        progress = self.context.progress("communes (écriture)", total=len(gathered.names))
        for line, item in iter_json_array(path):
            if not isinstance(item, dict) or item.get("type") not in (CURRENT, DISTRICT):
                continue
            if self._check_commune(item):
                continue  # already rejected in the first pass
            progress.advance()
            if item["type"] == DISTRICT:
                districts.append((line, item))
                continue
            self._add_commune(
                upserter,
                path,
                line,
                item,
                gathered,
                departments,
                regions,
                zones,
                living_areas,
                epcis,
                formers_of,
                districts_of,
            )
        upserter.flush()
        for line, item in districts:
            self._add_commune(
                upserter,
                path,
                line,
                item,
                gathered,
                departments,
                regions,
                zones,
                living_areas,
                epcis,
                formers_of,
                districts_of,
                parent=item["commune"],
            )
        upserter.finish()
        progress.finish()

    def _add_commune(
        self,
        upserter: Upserter[Commune],
        path: Path,
        line: int,
        item: dict[str, Any],
        gathered: Gathered,
        departments: dict[str, int],
        regions: dict[str, int],
        zones: dict[str, int],
        living_areas: dict[str, int],
        epcis: dict[str, int],
        formers_of: dict[str, list[str]],
        districts_of: dict[str, list[str]],
        parent: str | None = None,
    ) -> None:
        code = item["code"]
        department = departments.get(item["departement"])
        region = regions.get(str(item.get("region")))
        if department is None or region is None:
            self._reject(
                path.name, line, code, "departement", f"département ou région inconnus : {item['departement']}"
            )
            return
        zoning = self._zoning_for(parent or code, gathered, formers_of)
        # Paris, Lyon and Marseille have no coordinates of their own in La Poste's
        # base: they get the mean of their districts.
        latitude, longitude, coordinates_source = self._coordinates_for(code, gathered, formers_of, districts_of)
        parent_pk = upserter.pk_of(parent) if parent else None
        living_area = zoning.living_area if zoning else ""
        upserter.add(
            code,
            {
                "name": item["nom"],
                "name_key": place_name_key(item["nom"]),
                "kind": Commune.Kind.MUNICIPAL_DISTRICT if parent else Commune.Kind.COMMUNE,
                "parent_id": parent_pk,
                "department_id": department,
                "region_id": region,
                "zone": item["zone"],
                "postcodes": sorted(item.get("codesPostaux") or []),
                "population": item.get("population"),
                "latitude": round(latitude, 6) if latitude is not None else None,
                "longitude": round(longitude, 6) if longitude is not None else None,
                "coordinates_source": coordinates_source,
                "employment_zone_id": zones.get(zoning.employment_zone) if zoning else None,
                "living_area_id": living_areas.get(living_area),
                "epci_id": epcis.get(gathered.epci_of.get(parent or code, "")),
            },
        )

    def _import_former_communes(self, gathered: Gathered) -> None:
        path = self._file("communes.json", required=True)
        assert path is not None
        commune_pks = dict(Commune.objects.values_list("code", "pk"))
        upserter = Upserter(self.context, FormerCommune, "key", label="communes déléguées ou anciennes")
        seen_codes: set[str] = set()
        for line, item in iter_json_array(path):
            if not isinstance(item, dict) or item.get("type") not in FORMER_KINDS or self._check_commune(item):
                continue
            kind = FORMER_KINDS[item["type"]]
            commune = commune_pks.get(item["chefLieu"])
            if commune is None:
                self._reject(
                    path.name, line, item["code"], "chefLieu", f"commune de rattachement inconnue : {item['chefLieu']}"
                )
                continue
            seen_codes.add(item["code"])
            self._add_former(upserter, kind, item["code"], item["nom"], commune, gathered)
        # Communes of INSEE's zoning table that have merged since and that the COG no
        # longer lists as delegated: their codes still appear in older addresses.
        for code in sorted(set(gathered.zoning) - set(commune_pks) - seen_codes):
            current = gathered.successor.get(code)
            commune = commune_pks.get(current or "")
            if commune is not None and code in gathered.names:
                self._add_former(upserter, FormerCommune.Kind.MERGED, code, gathered.names[code], commune, gathered)
        upserter.finish()

    def _add_former(
        self, upserter: Upserter[FormerCommune], kind: str, code: str, name: str, commune: int, gathered: Gathered
    ) -> None:
        latitude, longitude = gathered.coordinates.get(code, (None, None))
        upserter.add(
            f"{kind}-{code}",
            {
                "code": code,
                "name": name,
                "name_key": place_name_key(name),
                "kind": kind,
                "commune_id": commune,
                "latitude": round(latitude, 6) if latitude is not None else None,
                "longitude": round(longitude, 6) if longitude is not None else None,
            },
        )

    def _import_postal_codes(self, gathered: Gathered) -> None:
        path = self._file("laposte_hexasmal.csv", required=True)
        assert path is not None
        commune_pks = dict(Commune.objects.values_list("code", "pk"))
        upserter = Upserter(self.context, PostalCode, "key", label="codes postaux")
        unresolved: list[str] = []
        progress = self.context.progress("codes postaux", total=None)
        for row in self._postal_rows(path, report=False):
            self.context.record_count += 1
            progress.advance()
            commune = commune_pks.get(row.insee_code) or commune_pks.get(gathered.successor.get(row.insee_code, ""))
            if commune is None:
                unresolved.append(row.insee_code)
                continue
            key = f"{row.postcode}-{row.insee_code}-{row.line5}"[:220]
            if key in upserter.seen:
                continue  # La Poste lists some localities twice with one spelling
            upserter.add(
                key,
                {
                    "postcode": row.postcode,
                    "commune_id": commune,
                    "insee_code": row.insee_code,
                    "name": row.name,
                    "name_key": place_name_key(row.name),
                    "line5": row.line5,
                    "delivery_label": row.delivery_label,
                    "latitude": round(row.latitude, 6) if row.latitude is not None else None,
                    "longitude": round(row.longitude, 6) if row.longitude is not None else None,
                },
            )
        progress.finish()
        upserter.finish()
        if unresolved:
            self.context.note(
                f"{len(unresolved)} ligne(s) de la base postale désignent une commune absente du COG "
                f"et ont été ignorées (codes : {', '.join(sorted(set(unresolved))[:10])})"
            )
