"""Import places and services published in the data·inclusion schema v1.

    manage.py import_datainclusion FILE_OR_DIR_OR_URL --source NAME

The input is a JSON array of structures and services (a record with ``structure_id``
is a service), or a folder holding ``structures.json`` and ``services.json`` as
``export_datainclusion`` writes them. Each record is validated against the schema
(``settings.DATA_INCLUSION_SCHEMA_DIR``); a record that breaks it is rejected with its
identifier, the field and the reason, and the others go in. Records in the earlier
v0 shape that the standard's own examples still use (no producer, a timestamp as
date, ``horaires_ouverture``, ``presentation_resume``) are converted, and the run
says how many.

Each structure becomes an organisation and its place (geocoded from its INSEE code
or postcode and town when it has no coordinates); each service an offer at that
place. Places that another provider already sent (same SIRET and address, or same
name within 50 m) are linked as duplicates; the portal shows one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType

from orientation.directory import datainclusion
from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.directory.services import places_link_duplicates
from orientation.ingestion.base import ImportCommand, ImportContext, Upserter
from orientation.ingestion.errors import InputError, RecordProblem, RecordRejected
from orientation.ingestion.models import RecordProvenance, Source
from orientation.ingestion.readers import iter_json_array, local_file
from orientation.territories.geo import is_in_france
from orientation.territories.geocoding import Geocoder, GeocodeResult, Precision

BATCH = 500


class Command(ImportCommand):
    help = __doc__
    source_name = "data-inclusion"
    source_kind = Source.Kind.DATA_INCLUSION
    source_label = "data·inclusion"
    path_help = "fichier JSON (structures et services), dossier structures.json + services.json, ou URL HTTPS"
    # A shared directory always carries some bad records; up to 5 % are set aside.
    max_reject_share = 0.05

    def run_import(self, context: ImportContext, path: str) -> None:
        self.context = context
        self.geocoder = Geocoder()
        self.conversions: Counter[str] = Counter()
        self.hours_problems = 0
        try:
            datainclusion.validators()
        except datainclusion.SchemaUnavailable as error:
            raise InputError(path, str(error)) from error
        with ExitStack() as stack:
            files = self._files(path, stack)
            self._import_structures(files)
            self._import_services(files)
        if self.conversions:
            context.note(
                "enregistrements au format v0 convertis : "
                + ", ".join(f"{what} ×{count}" for what, count in sorted(self.conversions.items()))
            )
        if self.hours_problems:
            context.note(f"{self.hours_problems} horaires d’accueil non compris : lieux sans horaires")

    # -- reading -----------------------------------------------------------------------

    def _files(self, location: str, stack: ExitStack) -> list[Path]:
        folder = Path(location)
        if "://" not in location and folder.is_dir():
            files = [folder / name for name in ("structures.json", "services.json") if (folder / name).is_file()]
            if not files:
                raise InputError(location, "dossier sans structures.json ni services.json")
            return files
        return [stack.enter_context(local_file(location, suffix=".json", stdout=self.stdout))]

    def _records(self, files: list[Path], kind: str) -> Iterator[tuple[str, int, str, dict[str, Any]]]:
        """(file, line, identifier, record) for the records of one kind, normalised and valid."""
        wants_service = kind == "service"
        for path in files:
            for line, raw in iter_json_array(path):
                if not isinstance(raw, dict):
                    if not wants_service:  # reported once, in the first pass
                        self.context.record_count += 1
                        self._reject(path.name, line, "", "", "un objet JSON est attendu")
                    continue
                if datainclusion.is_service(raw) != wants_service:
                    continue
                self.context.record_count += 1
                identifier = str(raw.get("id") or "")[:255]
                normalised = datainclusion.normalise(kind, raw, self.context.source.name)
                problems = datainclusion.schema_problems(kind, normalised.record)
                if problems:
                    for problem in problems:
                        self._reject(path.name, line, identifier, problem.field, problem.reason)
                    continue
                self.conversions.update(normalised.conversions)
                yield path.name, line, identifier, normalised.record

    def _reject(self, file: str, line: int, record: str, field: str, reason: str) -> None:
        self.context.reject(RecordProblem(file=file, line=line, record=record, field=field, reason=reason))

    # -- structures --------------------------------------------------------------------

    def _import_structures(self, files: list[Path]) -> None:
        organisations = Upserter(self.context, Organisation, None, label="organisations")
        places = Upserter(self.context, Place, None, label="lieux")
        changed_places: list[int] = []
        batch: list[tuple[str, dict[str, Any]]] = []
        seen: set[str] = set()
        progress = self.context.progress("structures")

        def write() -> None:
            organisations.flush()
            for identifier, record in batch:
                places.add(identifier, self._place_values(record, organisations.pk_of(identifier)))
            changed_places.extend(pk for pk, _extra in places.flush().values())
            batch.clear()

        for file, line, identifier, record in self._records(files, "structure"):
            if identifier in seen:
                self._reject(file, line, identifier, "id", "identifiant en double dans le fichier")
                continue
            seen.add(identifier)
            organisations.add(identifier, self._organisation_values(record))
            batch.append((identifier, record))
            progress.advance()
            if len(batch) >= BATCH:
                write()
        write()
        progress.finish()
        organisations.finish()
        places.finish()
        # The places of this feed and of the source's earlier feeds: services may refer to either.
        self.place_pks = places.known()
        linked = places_link_duplicates(place_pks=changed_places)
        if linked:
            self.context.note(f"{linked} lieu(x) déjà connus d’un autre fournisseur, liés comme doublons")

    def _organisation_values(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": record["nom"][:300],
            "siret": record.get("siret") or "",
            "typology": datainclusion.typology_of(record),
            "website": (record.get("site_web") or "")[:500],
            "email": record.get("courriel") or "",
            "phone": (record.get("telephone") or "")[:30],
            "description": record.get("description") or "",
        }

    def _place_values(self, record: dict[str, Any], organisation_pk: int | None) -> dict[str, Any]:
        geocode = self._geocode(record)
        latitude, longitude = record.get("latitude"), record.get("longitude")
        if latitude is not None and longitude is not None and is_in_france(latitude, longitude):
            precision = Place.GeocodingPrecision.PROVIDED
        elif geocode is not None and geocode.latitude is not None:
            latitude, longitude = round(geocode.latitude, 6), round(geocode.longitude or 0, 6)
            precision = (
                Place.GeocodingPrecision.LOCALITY
                if geocode.precision == Precision.LOCALITY
                else Place.GeocodingPrecision.COMMUNE
            )
        else:
            latitude = longitude = None
            precision = Place.GeocodingPrecision.NONE
        hours, problem = datainclusion.hours_of(record.get("horaires_accueil"))
        self.hours_problems += problem is not None
        return {
            "organisation_id": organisation_pk,
            "name": record["nom"][:300],
            "address": (record.get("adresse") or "")[:300],
            "address_complement": (record.get("complement_adresse") or "")[:300],
            "postcode": record.get("code_postal") or "",
            "city": (record.get("commune") or "")[:200],
            "commune_id": geocode.commune.pk if geocode else None,
            "latitude": latitude,
            "longitude": longitude,
            "geocoding_precision": precision,
            "phone": (record.get("telephone") or "")[:30],
            "email": record.get("courriel") or "",
            "website": (record.get("site_web") or "")[:500],
            "opening_hours": hours,
            "accessibility": {"acceslibre_url": record["accessibilite_lieu"]}
            if record.get("accessibilite_lieu")
            else {},
        }

    def _geocode(self, record: dict[str, Any]) -> GeocodeResult | None:
        code = record.get("code_insee")
        found = self.geocoder.by_insee_code(code) if code else None
        if found is None and record.get("code_postal"):
            found = self.geocoder.by_postcode(record["code_postal"], record.get("commune"))
        if found is None and record.get("commune"):
            found = self.geocoder.by_name(record["commune"])
        return found

    # -- services ----------------------------------------------------------------------

    def _import_services(self, files: list[Path]) -> None:
        offers = Upserter(self.context, ServiceOffer, None, label="offres de service")
        of_source = RecordProvenance.objects.filter(
            source=self.context.source, content_type=ContentType.objects.get_for_model(Place)
        ).values("object_id")
        organisation_of = dict(Place.objects.filter(pk__in=of_source).values_list("pk", "organisation_id"))
        progress = self.context.progress("services")
        for file, line, identifier, record in self._records(files, "service"):
            place_pk = self.place_pks.get(record["structure_id"])
            if place_pk is None:
                self._reject(
                    file,
                    line,
                    identifier,
                    "structure_id",
                    f"structure {record['structure_id']!r} inconnue : ni dans ce flux ni dans les précédents",
                )
                continue
            try:
                offers.add(identifier, self._offer_values(record, place_pk, organisation_of[place_pk]))
            except RecordRejected as rejected:
                self._reject(file, line, identifier, "id", rejected.reason)
                continue
            progress.advance()
            if progress.done % BATCH == 0:
                offers.flush()
        progress.finish()
        offers.finish()

    def _offer_values(self, record: dict[str, Any], place_pk: int, organisation_pk: int) -> dict[str, Any]:
        return {
            "organisation_id": organisation_pk,
            "place_id": place_pk,
            "name": record["nom"][:150],
            "description": record["description"],
            "type": record.get("type") or "information",
            "level": datainclusion.level_of(record.get("type")),
            "themes": record.get("thematiques") or [],
            "publics": record.get("publics") or [],
            "publics_details": record.get("publics_precisions") or "",
            "access_conditions": record.get("conditions_acces") or "",
            "fees": record.get("frais") or "gratuit",
            "fees_details": record.get("frais_precisions") or "",
            "reception_modes": record.get("modes_accueil") or [],
            "zone_served": record.get("zone_eligibilite") or [],
            "mobilisation_modes": record.get("modes_mobilisation") or [],
            "mobilisable_by": record.get("mobilisable_par") or [],
            "mobilisation_details": record.get("mobilisation_precisions") or "",
            "mobilisation_link": (record.get("lien_mobilisation") or "")[:500],
            "origin": ServiceOffer.Origin.DECLARED,
        }
