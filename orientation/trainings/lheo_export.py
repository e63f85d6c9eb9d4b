"""The training offer on line, written back as an LHEO 2.3 document (``lheo.xsd``), for the
re-users whose tools read the CARIF-OREF exchange format; the nightly open-data files carry it
(``operations.open_data``).

What the platform holds is written in the elements ``lheo.read_feed`` reads it from, so that a
file written here and imported again gives the same formations, actions and sessions. Where LHEO
asks for an element the platform does not keep, or keeps empty, the rule is said here and in the
README:

- a required text left empty is written « - » (LHEO's « nothing to say »);
- ``code-niveau-entree`` empty: « 0 » (information non communiquée); ``niveau-entree-obligatoire``
  (not kept): « 0 »; ``prise-en-charge-frais-possible`` (not kept): « 1 » when the action names a
  funder; ``modalites-entrees-sorties`` or ``modalites-enseignement`` empty: « 0 »; a session's
  unknown date: « 00000000 »;
- what cannot be written without inventing it leaves its record out, named with its field: a
  formation whose provider has no SIRET or activity number, or no path (``parcours-de-formation``);
  an action with no public, no open session, or no address to enrol at. A formation left with no
  action is left out too.
"""

from __future__ import annotations

import gzip
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import Prefetch, QuerySet
from lxml import etree

from orientation.trainings.lheo import BINARY, LEVELS, PATHS, TEACHING_MODES, LheoError
from orientation.trainings.models import Action, Formation, Provider, Session

NAMESPACE = "http://lheo.gouv.fr/2.3"
TEXT_MAX = 3000
LINE_MAX = 50


class Incomplete(LheoError):
    """A record LHEO cannot carry without a value the platform does not have: the element's path
    and the reason (``path`` names the field)."""


@dataclass
class LeftOut:
    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.record} — {self.field} : {self.reason}"


@dataclass
class Written:
    formations: int = 0
    actions: int = 0
    sessions: int = 0
    left_out: list[LeftOut] = field(default_factory=list)


def offer_on_line() -> QuerySet[Formation]:
    """The formations on offer, with their open actions and sessions and their providers."""
    sessions = Session.objects.filter(closed_at__isnull=True).order_by("start_date", "pk")
    actions = (
        Action.objects.filter(closed_at__isnull=True)
        .select_related("provider", "commune")
        .prefetch_related(Prefetch("sessions", queryset=sessions))
        .order_by("pk")
    )
    return (
        Formation.objects.filter(closed_at__isnull=True, actions__closed_at__isnull=True)
        .distinct()
        .select_related("provider", "provider__commune")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("pk")
    )


def write_offer(
    target: Path | BinaryIO | gzip.GzipFile,
    formations: Iterable[Formation] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> Written:
    """Write ``formations`` (the offer on line by default) to a path or a binary file, as a
    stream: memory does not grow with the offer."""
    rows = formations if formations is not None else _chunked(offer_on_line())
    written = Written()
    with etree.xmlfile(str(target) if isinstance(target, Path) else target, encoding="utf-8") as xml:
        xml.write_declaration()
        with xml.element("lheo", nsmap={None: NAMESPACE}), xml.element(_q("offres")):
            for formation in rows:
                element = _formation(formation, written)
                if element is not None:
                    xml.write(element)
                    written.formations += 1
                    if progress and written.formations % 1000 == 0:
                        progress(written.formations)
    return written


def _chunked(formations: QuerySet[Formation], size: int = 500) -> Iterable[Formation]:
    """The formations with their prefetches, a slice of keys at a time."""
    last = 0
    while True:
        chunk = list(formations.filter(pk__gt=last)[:size])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if text is not None:
        element.text = text
    return element


def _text(value: str, limit: int = TEXT_MAX) -> str:
    """A required text: « - » when there is nothing to say."""
    return " ".join(value.split())[:limit] if value.strip() else "-"


def _date(value: date | None) -> str:
    return f"{value:%Y%m%d}" if value else "00000000"


def _code(value: str, codes: set[str], default: str) -> str:
    return value if value in codes else default


def _formation(formation: Formation, written: Written) -> etree._Element | None:
    record = f"formation {formation.number}"
    try:
        responsible = _responsible(formation.provider)
        path_kind = formation.path_kind
        if path_kind not in PATHS:
            raise Incomplete("parcours-de-formation", "parcours de formation inconnu")
    except Incomplete as error:
        written.left_out.append(LeftOut(record, error.path, error.reason))
        return None
    actions: list[etree._Element] = []
    for action in formation.actions.all():
        try:
            actions.append(_action(action, formation.provider, written))
        except Incomplete as error:
            written.left_out.append(LeftOut(f"{record}, action {action.number}", error.path, error.reason))
    if not actions:
        if formation.actions.all():
            written.left_out.append(LeftOut(record, "action", "aucune action ne peut être écrite"))
        return None
    element = etree.Element(_q("formation"), {"numero": formation.number}, nsmap={None: NAMESPACE})
    domain = _sub(element, "domaine-formation")
    for name, codes, count in (
        ("code-FORMACODE", formation.formacode_codes, 5),
        ("code-NSF", formation.nsf_codes, 3),
        ("code-ROME", formation.rome_codes, 5),
    ):
        for code in codes[:count]:
            _sub(domain, name, code)
    _sub(element, "intitule-formation", _text(formation.title, 255))
    _sub(element, "objectif-formation", _text(formation.objective))
    _sub(element, "resultats-attendus", _text(formation.expected_results))
    _sub(element, "contenu-formation", _text(formation.content))
    _sub(element, "certifiante", "1" if formation.is_certifying else "0")
    contact = formation.contact or {}
    _coordinates(
        _sub(_sub(element, "contact-formation"), "coordonnees"),
        name=contact.get("name", ""),
        phone=contact.get("phone", ""),
        email=contact.get("email", ""),
        website=contact.get("website", ""),
    )
    _sub(element, "parcours-de-formation", path_kind)
    _sub(element, "code-niveau-entree", _code(formation.entry_level, LEVELS, "0"))
    if formation.general_objective:
        _sub(element, "objectif-general-formation", formation.general_objective)
    certifications = [("code-RNCP", code) for code in formation.rncp_codes]
    certifications += [("code-CERTIFINFO", code) for code in formation.certifinfo_codes]
    for name, code in certifications[:5]:
        _sub(_sub(element, "certification"), name, code[:10])
    if formation.exit_level in LEVELS:
        _sub(element, "code-niveau-sortie", formation.exit_level)
    if formation.url:
        _sub(_sub(element, "url-formation"), "urlweb", formation.url[:400])
    element.extend(actions)
    element.append(responsible)
    written.actions += len(actions)
    return element


def _responsible(provider: Provider) -> etree._Element:
    if not (len(provider.siret) == 14 and provider.siret.isdigit()):
        raise Incomplete("organisme-formation-responsable/SIRET-organisme-formation", "SIRET de l’organisme absent")
    if len(provider.activity_number) != 11:
        raise Incomplete(
            "organisme-formation-responsable/numero-activite",
            "numéro de déclaration d’activité absent ou pas à 11 caractères",
        )
    element = etree.Element(_q("organisme-formation-responsable"))
    _sub(element, "numero-activite", provider.activity_number)
    _sub(_sub(element, "SIRET-organisme-formation"), "SIRET", provider.siret)
    _sub(element, "nom-organisme", _text(provider.name, 250))
    _sub(element, "raison-sociale", _text(provider.name, 250))
    _coordinates(
        _sub(_sub(element, "coordonnees-organisme"), "coordonnees"),
        address=_address_parts(provider.address, provider.postcode, provider.city, provider.commune),
        phone=provider.phone,
        email=provider.email,
        website=provider.website,
    )
    _coordinates(_sub(_sub(element, "contact-organisme"), "coordonnees"), phone=provider.phone, email=provider.email)
    return element


def _address_parts(address: str, postcode: str, city: str, commune: Any, **geo: float | None) -> dict[str, Any] | None:
    """An ``adresse`` LHEO accepts (a line, a postcode and a town), or None."""
    if not (address.strip() and len(postcode) == 5 and postcode.isdigit() and (city or commune)):
        return None
    return {
        "lines": textwrap.wrap(" ".join(address.split()), LINE_MAX)[:4],
        "postcode": postcode,
        "city": (city or commune.name)[:LINE_MAX],
        "insee": commune.code if commune else "",
        **geo,
    }


def _write_address(parent: etree._Element, parts: dict[str, Any]) -> None:
    address = _sub(parent, "adresse")
    for line in parts["lines"]:
        _sub(address, "ligne", line)
    _sub(address, "codepostal", parts["postcode"])
    _sub(address, "ville", parts["city"])
    if parts["insee"]:
        _sub(address, "code-INSEE-commune", parts["insee"])
    if parts.get("latitude") is not None and parts.get("longitude") is not None:
        geo = _sub(address, "geolocalisation")
        _sub(geo, "latitude", f"{parts['latitude']:.6f}")
        _sub(geo, "longitude", f"{parts['longitude']:.6f}")


def _coordinates(
    element: etree._Element,
    *,
    name: str = "",
    address: dict[str, Any] | None = None,
    phone: str = "",
    email: str = "",
    website: str = "",
) -> None:
    """A ``coordonnees`` block in the order of ``lheo.xsd``; every part is optional."""
    if name.strip():
        _sub(element, "nom", _text(name, LINE_MAX))
    if address:
        _write_address(element, address)
    if phone.strip():
        _sub(_sub(element, "telfixe"), "numtel", phone.strip()[:25])
    if len(email) >= 3:
        _sub(element, "courriel", email[:160])
    if len(website) >= 3:
        _sub(_sub(element, "web"), "urlweb", website[:400])


def _action(action: Action, responsible: Provider, written: Written) -> etree._Element:
    if not action.publics:
        raise Incomplete("code-public-vise", "aucun public visé")
    sessions = list(action.sessions.all())
    if not sessions:
        raise Incomplete("session", "aucune session ouverte")
    place = _address_parts(
        action.address,
        action.postcode,
        action.city,
        action.commune,
        latitude=action.latitude,
        longitude=action.longitude,
    )
    if place is None:
        raise Incomplete(
            "session/adresse-inscription", "adresse du lieu de formation incomplète (ligne, code postal, ville)"
        )
    element = etree.Element(_q("action"), {"numero": action.number})
    _sub(element, "rythme-formation", _text(action.rhythm))
    for public in action.publics[:10]:
        _sub(element, "code-public-vise", public)
    if action.entry_conditions.strip():
        _sub(element, "info-public-vise", _text(action.entry_conditions, 250))
    _sub(element, "niveau-entree-obligatoire", "0")
    details = action.work_study_details or ("En alternance" if action.is_work_study else "")
    _sub(element, "modalites-alternance", _text(details))
    _sub(element, "modalites-enseignement", _code(action.teaching_mode, TEACHING_MODES, "0"))
    _sub(element, "conditions-specifiques", _text(action.specific_conditions))
    _sub(element, "prise-en-charge-frais-possible", "1" if action.funders else "0")
    _coordinates(_sub(_sub(element, "lieu-de-formation"), "coordonnees"), name=action.place_name, address=place)
    _sub(element, "modalites-entrees-sorties", _code(action.entry_exit_mode, BINARY, "0"))
    if action.url:
        _sub(_sub(element, "url-action"), "urlweb", action.url[:400])
    for session in sessions:
        element.append(_session(session, place))
    written.sessions += len(sessions)
    if action.accessibility.strip():
        _sub(element, "acces-handicapes", _text(action.accessibility, 250))
    for language in [part.strip() for part in action.language.split(",") if len(part.strip()) == 2][:5]:
        _sub(element, "langue-formation", language)
    if action.recruitment.strip():
        _sub(element, "modalites-recrutement", _text(action.recruitment))
    if action.price is not None:
        _sub(element, "prix-total-TTC", f"{action.price:.2f}"[:10])
    for name, hours in (
        ("nombre-heures-centre", action.hours_in_centre),
        ("nombre-heures-entreprise", action.hours_in_company),
        ("nombre-heures-total", action.hours_total),
    ):
        if hours is not None:
            _sub(element, name, str(hours))
    if action.price_details.strip():
        _sub(element, "detail-conditions-prise-en-charge", _text(action.price_details, 600))
    trainer = action.provider
    if trainer is not None and trainer.pk != responsible.pk and len(trainer.siret) == 14 and trainer.siret.isdigit():
        block = _sub(element, "organisme-formateur")
        _sub(_sub(block, "SIRET-formateur"), "SIRET", trainer.siret)
        _sub(block, "raison-sociale-formateur", trainer.name[:250])
    for funder in action.funders[:8]:
        _sub(_sub(element, "organisme-financeur"), "code-financeur", funder)
    return element


def _session(session: Session, place: dict[str, Any]) -> etree._Element:
    element = etree.Element(_q("session"), {"numero": session.number})
    period = _sub(element, "periode")
    _sub(period, "debut", _date(session.start_date))
    _sub(period, "fin", _date(session.end_date))
    _write_address(_sub(element, "adresse-inscription"), place)
    if session.registration_start or session.registration_end:
        registration = _sub(_sub(element, "periode-inscription"), "periode")
        _sub(registration, "debut", _date(session.registration_start))
        _sub(registration, "fin", _date(session.registration_end))
    _sub(element, "etat-recrutement", session.recruitment or Session.Recruitment.OPEN)
    return element
