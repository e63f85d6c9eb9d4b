"""Import the guidance and employment reception places, as published.

DIR holds (layout of ``../shared/data/lieux``):

- ``pole_emploi_agencies.csv``: France Travail (ex-Pôle emploi) sites with their
  coordinates (decimal commas). Regional and departmental head offices (DRA, DDA)
  receive no public and are not imported as places; the agencies are attached to
  the regional organisation.
- ``annuaire_sp_2019_orientation_subset.csv``: the service-public.fr directory of
  CIO, information jeunesse, missions locales, SUIO, GRETA, CROUS, Apec… with the
  address and phone in ``notes`` and no coordinates: each place is geocoded from its
  postcode and commune, or else from the INSEE code in its identifier.

Places that share a network and a contact e-mail belong to one organisation (the
antennas of one mission locale, the sites of one GRETA). Each place gets the base
service offers of its network, marked as deduced from the typology.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.directory.networks import NETWORKS
from orientation.ingestion.base import ImportCommand, ImportContext, Upserter, rejecting
from orientation.ingestion.errors import InputError, RecordRejected
from orientation.ingestion.models import Source
from orientation.ingestion.readers import CsvRow, existing_folder, read_csv
from orientation.territories.geo import is_in_france
from orientation.territories.geocoding import Geocoder, GeocodeResult, Precision
from orientation.territories.models import Region
from orientation.utils.text import normalise_spaces, place_name_key, repair_cp1252

FRANCE_TRAVAIL_FILE = "pole_emploi_agencies.csv"
DIRECTORY_FILE = "annuaire_sp_2019_orientation_subset.csv"
HEAD_OFFICES = {"DRA", "DDA"}
NOTES = re.compile(r"^Adresse\s*:\s*(?P<address>.*?)\s*\|\s*Tél\s*:\s*(?P<phone>.*?)\s*\|\s*Fax\s*:\s*(?P<fax>.*)$")
ADDRESS_TAIL = re.compile(r"^(?P<street>.*?),\s*(?P<postcode>\d{4,5})\s*,\s*(?P<city>[^,]+)$")
DIRECTORY_ID = re.compile(r"^(?P<tag>[a-z_]+)-(?P<insee>\d{5}|2[AB]\d{3})-(?P<rank>\d+)$")
NAME_SUFFIX = re.compile(r"\s+(\d{5}|2[AB]\d{3})-\d{2}$")
TRAILING_CONNECTORS = {"-", "de", "du", "des", "d'", "d’", "la", "le", "les", "site", "antenne", "agence"}


@dataclass
class PlaceRecord:
    key: str
    network: str
    organisation_key: str
    values: dict[str, Any]
    geocode: GeocodeResult | None = None


@dataclass
class OrganisationDraft:
    typology: str
    names: list[str] = field(default_factory=list)
    email: str = ""
    website: str = ""
    phone: str = ""


def organisation_name(names: list[str], network: str) -> str:
    """Name of the organisation behind several places of one network.

    The common beginning of the place names, when it still names something more
    than the network ("Greta - Loire-Atlantique"); else the first place's name.
    """
    first = sorted(names)[0]
    if len(names) == 1:
        return first
    split = [name.split() for name in names]
    common: list[str] = []
    for words in zip(*split, strict=False):
        if len(set(words)) != 1:
            break
        common.append(words[0])
    while common and common[-1].lower() in TRAILING_CONNECTORS:
        common.pop()
    candidate = " ".join(common)
    if " - " in candidate or network in {"apec", "apecita", "afpa", "crous"}:
        return candidate or first
    return first


def smart_title(text: str) -> str:
    """ "TREVOUX" → "Trevoux", "SAINT-ETIENNE NORD" → "Saint-Etienne Nord"."""
    small = {"de", "du", "des", "la", "le", "les", "et", "en", "sur", "sous", "d", "l"}
    words = re.split(r"([\s\-'’])", text.lower())
    return "".join(
        word if (word in small and index) else word[:1].upper() + word[1:] for index, word in enumerate(words)
    )


class Command(ImportCommand):
    help = __doc__
    source_name = "lieux-orientation"
    source_kind = Source.Kind.PLACES
    source_label = "Lieux d’accueil (France Travail, annuaire service-public.fr)"
    path_help = "dossier des fichiers de lieux (voir ../shared/data/lieux)"

    def run_import(self, context: ImportContext, path: str) -> None:
        folder = existing_folder(path)
        self.context = context
        self.geocoder = Geocoder()
        self.organisations: dict[str, OrganisationDraft] = {}
        records: list[PlaceRecord] = []
        present = [name for name in (FRANCE_TRAVAIL_FILE, DIRECTORY_FILE) if (folder / name).is_file()]
        if not present:
            raise InputError(str(folder), f"ni {FRANCE_TRAVAIL_FILE} ni {DIRECTORY_FILE} dans ce dossier")
        if FRANCE_TRAVAIL_FILE in present:
            records += self._read_france_travail(folder / FRANCE_TRAVAIL_FILE)
        else:
            context.note(f"fichier absent : {FRANCE_TRAVAIL_FILE}")
        if DIRECTORY_FILE in present:
            records += self._read_directory(folder / DIRECTORY_FILE)
        else:
            context.note(f"fichier absent : {DIRECTORY_FILE}")
        context.check_rejects()
        self._write(records)

    # -- reading -----------------------------------------------------------------------

    def _read_france_travail(self, path: Path) -> list[PlaceRecord]:
        columns = ["REFERENCE_PE", "NOM", "TYPE_SITE", "REGION", "LIBELLE_REGION", "ADRESSE", "CODE_POSTAL", "COMMUNE"]
        columns += ["COMPLEMENT_ADRESSE", "DC_COMPLEMENTADRSITEPHYSIQUE", "DN_LATITUDE", "DN_LONGITUDE"]
        region_names = dict(Region.objects.values_list("code", "name"))
        records, head_offices = [], 0
        progress = self.context.progress("agences France Travail")
        for row in read_csv(path, required_columns=columns):
            self.context.record_count += 1
            progress.advance()
            key = row["REFERENCE_PE"].strip()
            if row["TYPE_SITE"].strip() in HEAD_OFFICES:
                head_offices += 1
                continue
            with rejecting(self.context, path.name, row.line, key):
                records.append(self._france_travail_record(row, key, region_names))
        progress.finish()
        self.context.note(
            f"{head_offices} direction(s) régionale(s) ou départementale(s) sans accueil du public écartée(s)"
        )
        return records

    def _france_travail_record(self, row: CsvRow, key: str, region_names: dict[str, str]) -> PlaceRecord:
        if not key:
            raise RecordRejected("identifiant absent", field="REFERENCE_PE")
        postcode = row["CODE_POSTAL"].strip().zfill(5)
        if not re.match(r"^\d{5}$", postcode):
            raise RecordRejected(f"code postal invalide : {row['CODE_POSTAL']!r}", field="CODE_POSTAL")
        try:
            latitude = float(row["DN_LATITUDE"].replace(",", "."))
            longitude = float(row["DN_LONGITUDE"].replace(",", "."))
        except ValueError:
            raise RecordRejected(
                f"coordonnées non numériques : {row['DN_LATITUDE']!r}, {row['DN_LONGITUDE']!r}", field="DN_LATITUDE"
            ) from None
        if not is_in_france(latitude, longitude):
            raise RecordRejected(f"coordonnées hors de France : {latitude}, {longitude}", field="DN_LATITUDE")
        city = normalise_spaces(row["COMMUNE"])
        geocode = self.geocoder.by_postcode(postcode, city)
        name = normalise_spaces(row["NOM"])
        if geocode and place_name_key(name) == geocode.commune.name_key:
            name = geocode.commune.name  # "TREVOUX" → "Trévoux"
        else:
            name = smart_title(name)
        region_code = row["REGION"].strip().zfill(2)
        organisation_key = f"france-travail-{region_code}"
        draft = self.organisations.setdefault(
            organisation_key, OrganisationDraft(typology=NETWORKS["france_travail"].typology)
        )
        if not draft.names:
            region = region_names.get(region_code) or smart_title(row["LIBELLE_REGION"].strip())
            draft.names.append(f"France Travail {region}")
            draft.website = "https://www.francetravail.fr"
            draft.phone = "3949"
        complements = [
            normalise_spaces(value)
            for value in (row["DC_COMPLEMENTADRSITEPHYSIQUE"], row["COMPLEMENT_ADRESSE"])
            if value.strip() and value.strip().upper() != "NULL"
        ]
        return PlaceRecord(
            key=key,
            network="france_travail",
            organisation_key=organisation_key,
            geocode=geocode,
            values={
                "name": f"France Travail {name}",
                "address": normalise_spaces(row["ADRESSE"]),
                "address_complement": " — ".join(complements)[:300],
                "postcode": postcode,
                "city": city,
                "latitude": round(latitude, 6),
                "longitude": round(longitude, 6),
                "geocoding_precision": Place.GeocodingPrecision.PROVIDED,
                "phone": "3949",
                "website": "https://www.francetravail.fr",
            },
        )

    def _read_directory(self, path: Path) -> list[PlaceRecord]:
        records = []
        progress = self.context.progress("annuaire service-public.fr")
        for row in read_csv(path, required_columns=["id", "name", "request_email", "notes", "home_page", "tag_string"]):
            self.context.record_count += 1
            progress.advance()
            with rejecting(self.context, path.name, row.line, row["id"].strip()):
                records.append(self._directory_record(row))
        progress.finish()
        return records

    def _directory_record(self, row: CsvRow) -> PlaceRecord:
        key = row["id"].strip()
        match = DIRECTORY_ID.match(key)
        if not match:
            raise RecordRejected(f"identifiant inattendu : {key!r} (réseau-codeINSEE-rang attendu)", field="id")
        network = row["tag_string"].strip()
        if network not in NETWORKS:
            raise RecordRejected(f"réseau inconnu : {network!r}", field="tag_string")
        name = NAME_SUFFIX.sub("", normalise_spaces(repair_cp1252(row["name"])))
        if not name:
            raise RecordRejected("nom absent", field="name")
        notes = NOTES.match(normalise_spaces(repair_cp1252(row["notes"])))
        if not notes:
            raise RecordRejected("« Adresse : … | Tél : … | Fax : … » attendu", field="notes")
        tail = ADDRESS_TAIL.match(notes["address"])
        if not tail:
            raise RecordRejected(f"adresse sans « , code postal, ville » : {notes['address']!r}", field="notes")
        postcode = tail["postcode"].zfill(5)
        city = normalise_spaces(tail["city"])
        geocode = self.geocoder.by_postcode(postcode, city)
        if geocode is None or geocode.ambiguous:
            # The identifier carries the INSEE code of the commune: more precise than
            # a postcode shared by several communes.
            geocode = self.geocoder.by_insee_code(match["insee"]) or geocode
        email = row["request_email"].strip().lower()
        organisation_key = f"{network}:{email or key}"
        draft = self.organisations.setdefault(organisation_key, OrganisationDraft(typology=NETWORKS[network].typology))
        draft.names.append(name)
        draft.email = draft.email or email
        draft.website = draft.website or row["home_page"].strip()
        draft.phone = draft.phone or notes["phone"]
        return PlaceRecord(
            key=key,
            network=network,
            organisation_key=organisation_key,
            geocode=geocode,
            values={
                "name": name,
                "address": normalise_spaces(tail["street"])[:300],
                "address_complement": "",
                "postcode": postcode,
                "city": city,
                "latitude": round(geocode.latitude, 6) if geocode and geocode.latitude is not None else None,
                "longitude": round(geocode.longitude, 6) if geocode and geocode.longitude is not None else None,
                "geocoding_precision": (
                    ""
                    if geocode is None or geocode.latitude is None
                    else Place.GeocodingPrecision.LOCALITY
                    if geocode.precision == Precision.LOCALITY
                    else Place.GeocodingPrecision.COMMUNE
                ),
                "phone": notes["phone"][:30],
                "email": email,
                "website": row["home_page"].strip()[:500],
            },
        )

    # -- writing -----------------------------------------------------------------------

    def _write(self, records: list[PlaceRecord]) -> None:
        organisations = Upserter(self.context, Organisation, None, label="organisations")
        for key, draft in sorted(self.organisations.items()):
            network_name = key.split(":", 1)[0] if ":" in key else "france_travail"
            organisations.add(
                key,
                {
                    "name": organisation_name(draft.names, network_name)[:300],
                    "typology": draft.typology,
                    "email": draft.email,
                    "website": draft.website[:500],
                    "phone": draft.phone[:30],
                },
            )
        organisation_pks = organisations.finish().pk_by_key

        places = Upserter(self.context, Place, None, label="lieux")
        ungeocoded = 0
        for record in records:
            network = NETWORKS[record.network]
            commune = record.geocode.commune.pk if record.geocode else None
            if record.values["latitude"] is None:
                ungeocoded += 1
            places.add(
                record.key,
                {
                    **record.values,
                    "organisation_id": organisation_pks[record.organisation_key],
                    "commune_id": commune,
                    "publics": [str(public) for public in network.publics],
                },
            )
        place_pks = places.finish().pk_by_key

        offers = Upserter(self.context, ServiceOffer, None, label="offres de service de base")
        for record in records:
            for offer in NETWORKS[record.network].offers:
                offers.add(
                    f"{record.key}:{offer.slug}",
                    offer.row(
                        organisation_id=organisation_pks[record.organisation_key],
                        place_id=place_pks[record.key],
                        origin=ServiceOffer.Origin.TYPOLOGY,
                    ),
                )
        offers.finish()
        by_precision: dict[str, int] = defaultdict(int)
        for record in records:
            by_precision[str(record.values["geocoding_precision"]) or "non localisé"] += 1
        located = len(records) - ungeocoded
        self.context.note(
            f"{located}/{len(records)} lieux localisés ({located / max(len(records), 1):.1%}) ; précision : "
            + ", ".join(f"{precision} {count}" for precision, count in sorted(by_precision.items()))
        )
