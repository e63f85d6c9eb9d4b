"""The data·inclusion schema v1: the exchange format of places (structures) and services.

Both directions live here: reading a published record into our directory's values,
and writing our organisations, places and service offers as records, each validated
against the standard's JSON schema (``settings.DATA_INCLUSION_SCHEMA_DIR``).

A structure of data·inclusion is one place of one organisation: it becomes an
Organisation and its Place; a service becomes a ServiceOffer at that place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings

from orientation.directory.codelists import ServiceType
from orientation.directory.hours import HoursError, format_osm_hours, parse_osm_hours
from orientation.directory.typologies import Typology

SCHEMA_FILES = {"structure": "structure.json", "service": "service.json"}
#: the producer name we publish under
PRODUCER = "orientation-pour-tous"

#: networks (réseaux porteurs) that tell an organisation's typology when the v1 record has none
NETWORK_TYPOLOGIES = {
    "france-travail": Typology.FT,
    "mission-locale": Typology.ML,
    "cap-emploi-reseau-cheops": Typology.CAP_EMPLOI,
    "france-service": Typology.RFS,
    "msap": Typology.MSAP,
    "reseau-information-jeunesse": Typology.PIJ_BIJ,
    "maisons-de-l-emploi": Typology.MDE,
    "plie": Typology.PLIE,
    "afpa": Typology.AFPA,
    "epide": Typology.EPIDE,
    "ecoles-de-la-deuxieme-chance": Typology.E2C,
    "caf": Typology.CAF,
    "ccas-cias": Typology.CCAS,
    "cidff": Typology.CIDFF,
    "mdph": Typology.MDPH,
    "departements": Typology.DEPT,
    "communes": Typology.MUNI,
    "regions": Typology.REG,
    "la-poste": Typology.LA_POSTE,
    "mjc": Typology.MJC,
    "spip": Typology.SPIP,
    "pjj": Typology.PJJ,
    "residences-fjt": Typology.RS_FJT,
    "geiq": Typology.GEIQ,
}
#: the other way: the network we name for a typology in exports
TYPOLOGY_NETWORKS = {typology: network for network, typology in NETWORK_TYPOLOGIES.items()}


class SchemaUnavailable(Exception):
    pass


def validators() -> dict[str, jsonschema.protocols.Validator]:
    """The structure and service validators, formats (dates, e-mails) checked."""
    return _validators(str(settings.DATA_INCLUSION_SCHEMA_DIR))


@cache
def _validators(schema_dir: str) -> dict[str, jsonschema.protocols.Validator]:
    folder = Path(schema_dir)
    loaded = {}
    for kind, name in SCHEMA_FILES.items():
        path = folder / name
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SchemaUnavailable(
                f"schéma data·inclusion illisible ({path}) : {error}. "
                "Indiquez son dossier dans DATA_INCLUSION_SCHEMA_DIR."
            ) from error
        validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        loaded[kind] = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return loaded


@dataclass
class SchemaProblem:
    field: str
    reason: str


def schema_problems(kind: str, record: dict[str, Any]) -> list[SchemaProblem]:
    """Every way the record breaks the schema, with the field and a reason in French."""
    problems = []
    for error in sorted(validators()[kind].iter_errors(record), key=lambda error: str(list(error.absolute_path))):
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            problems.append(SchemaProblem(missing, "champ obligatoire absent"))
            continue
        error = _specific(error)
        problems.append(SchemaProblem(".".join(str(part) for part in error.absolute_path), _reason(error)))
    return problems


def _specific(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For "a list of codes, or null", the error about the list rather than "not null"."""
    while error.validator == "anyOf" and error.context:
        specific = [sub for sub in error.context if sub.validator != "type"]
        if not specific:
            break
        error = specific[0]
    return error


def _reason(error: jsonschema.ValidationError) -> str:
    value = json.dumps(error.instance, ensure_ascii=False)[:80]
    reasons = {
        "enum": f"valeur {value} hors de la liste du schéma",
        "format": f"valeur {value} : format {error.validator_value} attendu",
        "pattern": f"valeur {value} : format attendu {error.validator_value}",
        "maxLength": f"texte de plus de {error.validator_value} caractères",
        "minLength": f"texte de moins de {error.validator_value} caractères",
        "type": f"valeur {value} : type {error.validator_value} attendu",
        "uniqueItems": "valeurs en double dans la liste",
        "minItems": "liste vide",
        "minimum": f"valeur {value} inférieure à {error.validator_value}",
    }
    return reasons.get(str(error.validator), f"{error.validator} : {error.message}")


# -- reading ----------------------------------------------------------------------------


@dataclass
class Normalised:
    record: dict[str, Any]
    #: what was converted from the earlier (v0) shape of the schema, for the run's notes
    conversions: list[str] = field(default_factory=list)


def normalise(kind: str, raw: dict[str, Any], producer: str) -> Normalised:
    """Accept the records producers still publish in the v0 shape, as the examples of the
    standard do: a missing producer, a timestamp for a date, v0 field names."""
    record = dict(raw)
    conversions = []
    if not record.get("source"):
        record["source"] = producer
        conversions.append("source absente")
    date_maj = record.get("date_maj")
    if isinstance(date_maj, str) and len(date_maj) > 10 and date_maj[10] in "T ":
        record["date_maj"] = date_maj[:10]
        conversions.append("date_maj horodatée")
    if kind == "structure":
        if record.get("horaires_accueil") is None and record.get("horaires_ouverture"):
            record["horaires_accueil"] = record["horaires_ouverture"]
            conversions.append("horaires_ouverture")
        if record.get("description") is None and (
            record.get("presentation_resume") or record.get("presentation_detail")
        ):
            text = "\n\n".join(
                part for part in (record.get("presentation_resume"), record.get("presentation_detail")) if part
            )
            record["description"] = text[:10000]
            conversions.append("presentation_resume")
    return Normalised(record, conversions)


def is_service(record: dict[str, Any]) -> bool:
    return "structure_id" in record


def typology_of(record: dict[str, Any]) -> str:
    v0 = record.get("typologie")
    if isinstance(v0, str) and v0 in Typology.values:
        return v0
    for network in record.get("reseaux_porteurs") or []:
        if network in NETWORK_TYPOLOGIES:
            return str(NETWORK_TYPOLOGIES[network])
    return str(Typology.AUTRE)


def hours_of(text: str | None) -> tuple[dict[str, Any], str | None]:
    """Our opening hours from an OSM value, and a problem to note when it is not understood."""
    if not text:
        return {}, None
    try:
        return parse_osm_hours(text).to_json(), None
    except HoursError as error:
        return {}, str(error)


def level_of(service_type: str | None) -> str:
    """Information is the first level of the public guidance service; the rest is second level."""
    return "first" if service_type in (None, ServiceType.INFORMATION) else "second"


# -- writing ----------------------------------------------------------------------------


def clean_name(name: str) -> str:
    """A name as the schema wants it: 3 to 150 characters, no final full stop."""
    name = " ".join(name.split())[:150].rstrip(". ")
    return name if len(name) >= 3 else (name + " —")[:3].ljust(3, "—")


def _text(value: str | None, minimum: int = 0, maximum: int = 10000) -> str | None:
    value = (value or "").strip()
    if len(value) < max(minimum, 1):
        return None
    return value[:maximum]


def structure_record(place: Any, *, updated: date) -> dict[str, Any]:
    """A place of ours (with its organisation and commune loaded) as a data·inclusion structure."""
    organisation = place.organisation
    commune = place.commune
    network = TYPOLOGY_NETWORKS.get(Typology(organisation.typology)) if organisation.typology else None
    acceslibre = (place.accessibility or {}).get("acceslibre_url") or None
    return {
        "source": PRODUCER,
        "id": f"{PRODUCER}--lieu-{place.pk}",
        "nom": clean_name(place.name),
        "date_maj": updated.isoformat(),
        "description": _text(organisation.description, minimum=5),
        "siret": organisation.siret if len(organisation.siret or "") == 14 and organisation.siret.isdigit() else None,
        "adresse": _text(place.address),
        "complement_adresse": _text(place.address_complement),
        "code_postal": place.postcode if len(place.postcode or "") == 5 and place.postcode.isdigit() else None,
        "commune": commune.name if commune else _text(place.city),
        "code_insee": commune.code if commune else None,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "telephone": _text(place.phone or organisation.phone),
        "courriel": _text(place.email or organisation.email),
        "site_web": _text(place.website or organisation.website, maximum=2083),
        "horaires_accueil": format_osm_hours(place.hours) or None,
        "accessibilite_lieu": acceslibre,
        "reseaux_porteurs": [network] if network else None,
        "lien_source": None,
    }


def service_record(offer: Any, *, structure_id: str, updated: date) -> dict[str, Any]:
    description = (offer.description or "").strip()
    if len(description) < 5:
        description = f"{offer.name}. {offer.get_type_display()}."
    return {
        "source": PRODUCER,
        "id": f"{PRODUCER}--offre-{offer.pk}",
        "structure_id": structure_id,
        "nom": clean_name(offer.name),
        "description": description[:10000],
        "date_maj": updated.isoformat(),
        "type": offer.type or None,
        "thematiques": list(offer.themes) or None,
        "publics": list(offer.publics) or None,
        "publics_precisions": _text(offer.publics_details),
        "conditions_acces": _text(offer.access_conditions),
        "frais": offer.fees or None,
        "frais_precisions": _text(offer.fees_details),
        "modes_accueil": list(offer.reception_modes) or None,
        "zone_eligibilite": list(offer.zone_served) or None,
        "modes_mobilisation": list(offer.mobilisation_modes) or None,
        "mobilisable_par": list(offer.mobilisable_by) or None,
        "mobilisation_precisions": _text(offer.mobilisation_details),
        "lien_mobilisation": _text(offer.mobilisation_link, maximum=2083),
    }
