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

from collections import defaultdict

from orientation.ingestion.base import ImportCommand, ImportContext, Upserter
from orientation.ingestion.errors import RecordProblem
from orientation.ingestion.models import Source
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
from orientation.territories.sources import CURRENT, DISTRICT, FORMER_KINDS, NO_LIVING_AREA, Row, Territories, read_all
from orientation.utils.text import place_name_key


def _coordinate(value: float | None) -> float | None:
    return round(value, 6) if value is not None else None


class Command(ImportCommand):
    help = __doc__
    source_name = "insee-cog"
    source_kind = Source.Kind.TERRITORIES
    source_label = "Territoires (COG INSEE, zonages, codes postaux La Poste)"
    path_help = "dossier des fichiers territoires (voir ../shared/data/territoires)"

    def run_import(self, context: ImportContext, path: str) -> None:
        """Read and check every file first (``territories.sources``), then write."""
        self.context = context
        read = read_all(path, context)
        regions = self._write_regions(read)
        departments = self._write_departments(read, regions)
        epcis = self._write_epcis(read)
        zones = self._write_employment_zones(read, regions)
        living_areas = self._write_living_areas(read)
        context.check_rejects()
        self._write_communes(read, departments, regions, zones, living_areas, epcis)
        self._write_former_communes(read)
        self._write_postal_codes(read)

    def _reject(self, file: str, line: int | None, record: str, field_name: str, reason: str) -> None:
        self.context.reject(RecordProblem(file=file, line=line, record=record, field=field_name, reason=reason))

    def _write_regions(self, read: Territories) -> dict[str, int]:
        upserter = Upserter(self.context, Region, "code", label="régions")
        for row in read.regions:
            upserter.add(row.item["code"], {"name": row.item["nom"], "zone": row.item.get("zone", Zone.METRO)})
        return upserter.finish().pk_by_key

    def _write_departments(self, read: Territories, regions: dict[str, int]) -> dict[str, int]:
        upserter = Upserter(self.context, Department, "code", label="départements")
        for row in read.departments:
            item = row.item
            region = regions.get(str(item.get("region")))
            if region is None:
                self._reject(
                    "departements.json", row.line, item["code"], "region", f"région inconnue : {item.get('region')!r}"
                )
                continue
            upserter.add(item["code"], {"name": item["nom"], "region_id": region, "zone": item.get("zone", Zone.METRO)})
        return upserter.finish().pk_by_key

    def _write_epcis(self, read: Territories) -> dict[str, int]:
        upserter = Upserter(self.context, Epci, "code", label="EPCI")
        for code, name, kind in read.epcis:
            upserter.add(code, {"name": name, "kind": kind})
        return upserter.finish().pk_by_key

    def _write_employment_zones(self, read: Territories, regions: dict[str, int]) -> dict[str, int]:
        members: dict[str, list[str]] = defaultdict(list)
        for code, zoning in read.zoning.items():
            members[zoning.employment_zone].append(code)
        upserter = Upserter(self.context, EmploymentZone, "code", label="zones d’emploi")
        for zone_code in sorted(members):
            published = read.published_zones.get(zone_code)
            if published is not None:
                name, region_pk = published.name, regions.get(published.region_code.zfill(2))
                rate, period, derived = published.rate, published.period, False
            else:
                # Unnamed by INSEE's file: a zone is named after its most populous commune.
                main = max(members[zone_code], key=lambda code: read.populations.get(code, 0))
                name, region_pk, rate, period, derived = read.names.get(main, zone_code), None, None, "", True
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

    def _write_living_areas(self, read: Territories) -> dict[str, int]:
        codes = sorted({z.living_area for z in read.zoning.values() if z.living_area != NO_LIVING_AREA})
        upserter = Upserter(self.context, LivingArea, "code", label="bassins de vie")
        for code in codes:
            # A bassin de vie bears the code of its central commune, and its name.
            name = read.names.get(code) or read.names.get(read.successor.get(code, ""), "")
            upserter.add(code, {"name": name or code, "name_is_derived": not name})
        return upserter.finish().pk_by_key

    def _write_communes(
        self,
        read: Territories,
        departments: dict[str, int],
        regions: dict[str, int],
        zones: dict[str, int],
        living_areas: dict[str, int],
        epcis: dict[str, int],
    ) -> None:
        upserter = Upserter(self.context, Commune, "code", label="communes", version=1)
        progress = self.context.progress("communes (écriture)", total=len(read.names))
        lookups = (departments, regions, zones, living_areas, epcis)
        districts = []
        for row in read.communes(CURRENT, DISTRICT):
            progress.advance()
            if row.item["type"] == DISTRICT:
                districts.append(row)  # they name their commune: written once it is
                continue
            self._add_commune(upserter, read, row, *lookups)
        upserter.flush()
        for row in districts:
            progress.advance()
            self._add_commune(upserter, read, row, *lookups, parent=row.item["commune"])
        upserter.finish()
        progress.finish()

    def _add_commune(
        self,
        upserter: Upserter[Commune],
        read: Territories,
        row: Row,
        departments: dict[str, int],
        regions: dict[str, int],
        zones: dict[str, int],
        living_areas: dict[str, int],
        epcis: dict[str, int],
        parent: str | None = None,
    ) -> None:
        item, code = row.item, row.item["code"]
        department = departments.get(item["departement"])
        region = regions.get(str(item.get("region")))
        if department is None or region is None:
            self._reject(
                read.communes_file,
                row.line,
                code,
                "departement",
                f"département ou région inconnus : {item['departement']}",
            )
            return
        zoning = read.zoning_for(parent or code)
        latitude, longitude, coordinates_source = read.coordinates_for(code)
        living_area = zoning.living_area if zoning else ""
        upserter.add(
            code,
            {
                "name": item["nom"],
                "name_key": place_name_key(item["nom"]),
                "kind": Commune.Kind.MUNICIPAL_DISTRICT if parent else Commune.Kind.COMMUNE,
                "parent_id": upserter.pk_of(parent) if parent else None,
                "department_id": department,
                "region_id": region,
                "zone": item["zone"],
                "postcodes": sorted(item.get("codesPostaux") or []),
                "population": item.get("population"),
                "latitude": _coordinate(latitude),
                "longitude": _coordinate(longitude),
                "coordinates_source": coordinates_source,
                "employment_zone_id": zones.get(zoning.employment_zone) if zoning else None,
                "living_area_id": living_areas.get(living_area),
                "epci_id": epcis.get(read.epci_of.get(parent or code, "")),
            },
        )

    def _write_former_communes(self, read: Territories) -> None:
        commune_pks = dict(Commune.objects.values_list("code", "pk"))
        upserter = Upserter(self.context, FormerCommune, "key", label="communes déléguées ou anciennes")
        seen_codes: set[str] = set()
        for row in read.communes(*FORMER_KINDS):
            item = row.item
            commune = commune_pks.get(item["chefLieu"])
            if commune is None:
                self._reject(
                    read.communes_file,
                    row.line,
                    item["code"],
                    "chefLieu",
                    f"commune de rattachement inconnue : {item['chefLieu']}",
                )
                continue
            seen_codes.add(item["code"])
            self._add_former(upserter, FORMER_KINDS[item["type"]], item["code"], item["nom"], commune, read)
        # Communes of INSEE's zoning table that have merged since and that the COG no
        # longer lists as delegated: their codes still appear in older addresses.
        for code in sorted(set(read.zoning) - set(commune_pks) - seen_codes):
            commune = commune_pks.get(read.successor.get(code) or "")
            if commune is not None and code in read.names:
                self._add_former(upserter, FormerCommune.Kind.MERGED, code, read.names[code], commune, read)
        upserter.finish()

    def _add_former(
        self, upserter: Upserter[FormerCommune], kind: str, code: str, name: str, commune: int, read: Territories
    ) -> None:
        latitude, longitude = read.coordinates.get(code, (None, None))
        upserter.add(
            f"{kind}-{code}",
            {
                "code": code,
                "name": name,
                "name_key": place_name_key(name),
                "kind": kind,
                "commune_id": commune,
                "latitude": _coordinate(latitude),
                "longitude": _coordinate(longitude),
            },
        )

    def _write_postal_codes(self, read: Territories) -> None:
        commune_pks = dict(Commune.objects.values_list("code", "pk"))
        upserter = Upserter(self.context, PostalCode, "key", label="codes postaux")
        unresolved: list[str] = []
        progress = self.context.progress("codes postaux", total=read.postal_row_count)
        for row in read.postal_rows():
            progress.advance()
            commune = commune_pks.get(row.insee_code) or commune_pks.get(read.successor.get(row.insee_code, ""))
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
                    "latitude": _coordinate(row.latitude),
                    "longitude": _coordinate(row.longitude),
                },
            )
        progress.finish()
        upserter.finish()
        if unresolved:
            self.context.note(
                f"{len(unresolved)} ligne(s) de la base postale désignent une commune absente du COG "
                f"et ont été ignorées (codes : {', '.join(sorted(set(unresolved))[:10])})"
            )
