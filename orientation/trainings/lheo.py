"""Reading LHEO 2.2 and 2.3 ``<formation>`` elements into plain records.

The rules checked are those of ``lheo.xsd`` that matter for a published offer: the
required elements of a formation, an action and a session, the code lists (funders,
levels, recruitment state, teaching modes, …), the lengths of texts and codes, and the
dates (AAAAMMJJ, ``00000000`` for unknown, ``99999999`` for open-ended). A record that
breaks one raises LheoError with the element path and the reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree

from orientation.ingestion.errors import InputError
from orientation.ingestion.readers import hardened_xml_parser_options, release

NAMESPACES = {
    "http://www.lheo.org/2.2": "2.2",
    "http://lheo.gouv.fr/2.3": "2.3",
}

# Code lists of lheo.xsd.
FUNDERS = {str(code) for code in range(21)}
LEVELS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "11", "12", "13", "14", "15", "16", "17", "18"}
RECRUITMENT_STATES = {"1", "2", "3"}
TEACHING_MODES = {"0", "1", "2"}
BINARY = {"0", "1"}
GENERAL_OBJECTIVES = {"1", "2", "3", "4", "5", "6", "7", "8", "9"}
PATHS = {"1", "2", "3", "4"}
RECRUITMENT_PERIMETERS = {"0", "1", "2", "3", "4", "5", "6"}
DATE = re.compile(r"^\d{4}[019]\d[01239]\d$")
UNKNOWN_DATES = {"00000000", "99999999"}
LONG_TEXT = 3000


class LheoError(Exception):
    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path} : {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (LheoError, (self.path, self.reason))


class MisencodedText(LheoError):
    """UTF-8 text read in another encoding (« RÃ©aliser » for « Réaliser »): the file declares
    ISO-8859-1 (or Windows-1252) but is written in UTF-8. The whole file is refused."""

    def __reduce__(self) -> tuple[object, ...]:
        return (MisencodedText, (self.path, self.reason))


# What UTF-8's two- and three-byte sequences of French text become when read as Latin-1 or
# Windows-1252: « Ã© », « Ã¨ », « Ã\xa0 », « Â° », « â€™ », « â\x80\x99 ».
_MOJIBAKE = re.compile(
    "[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a\u20ac\u2122]|â(?:€|\u0080)"
)


def misencoded_error(file: str, error: MisencodedText, *, line: int | None, record: str) -> InputError:
    return InputError(
        file,
        f"texte mal encodé ({error.reason}) : le fichier déclare un encodage (ISO-8859-1 ou Windows-1252) mais est "
        'écrit en UTF-8 : corrigez la déclaration <?xml … encoding="UTF-8"?>.',
        line=line,
        record=record,
        field=error.path,
    )


@dataclass
class Address:
    lines: list[str] = field(default_factory=list)
    postcode: str = ""
    city: str = ""
    insee_code: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class ProviderRecord:
    siret: str
    name: str
    activity_number: str = ""
    address: Address = field(default_factory=Address)
    phone: str = ""
    email: str = ""
    website: str = ""

    @property
    def key(self) -> str:
        return f"siret:{self.siret}" if self.siret else f"nom:{self.name.lower()}"


@dataclass
class SessionRecord:
    number: str
    start_date: date | None
    end_date: date | None
    registration_start: date | None
    registration_end: date | None
    recruitment: str


@dataclass
class ActionRecord:
    number: str
    provider: ProviderRecord | None
    place_name: str
    address: Address
    rhythm: str
    teaching_mode: str
    entry_exit_mode: str
    work_study_details: str
    hours_total: int | None
    hours_in_centre: int | None
    hours_in_company: int | None
    price: Decimal | None
    price_details: str
    funders: list[str]
    publics: list[str]
    entry_conditions: str
    specific_conditions: str
    recruitment: str
    language: str
    accessibility: str
    url: str
    sessions: list[SessionRecord]


@dataclass
class FormationRecord:
    number: str
    title: str
    objective: str
    expected_results: str
    content: str
    is_certifying: bool
    rncp_codes: list[str]
    certifinfo_codes: list[str]
    formacode_codes: list[str]
    nsf_codes: list[str]
    rome_codes: list[str]
    entry_level: str
    exit_level: str
    general_objective: str
    path_kind: str
    url: str
    contact: dict[str, str]
    provider: ProviderRecord
    actions: list[ActionRecord]


class _Reader:
    """Helpers bound to one namespace, that build element paths for error messages."""

    def __init__(self, namespace: str):
        self.ns = namespace
        self.prefix = f"{{{namespace}}}"
        # Children of each element read, by local name: one pass over an element's
        # children instead of a search for each of the thirty names an action has.
        self.indexes: dict[etree._Element, dict[str, list[etree._Element]]] = {}

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def _index(self, element: etree._Element) -> dict[str, list[etree._Element]]:
        index = self.indexes.get(element)
        if index is None:
            index = {}
            size = len(self.prefix)
            for item in element:
                tag = item.tag
                if isinstance(tag, str) and tag.startswith(self.prefix):
                    index.setdefault(tag[size:], []).append(item)
            self.indexes[element] = index
        return index

    def children(self, element: etree._Element, name: str) -> list[etree._Element]:
        return self._index(element).get(name, [])

    def child(self, element: etree._Element, name: str, path: str, *, required: bool = True) -> etree._Element | None:
        found = self._index(element).get(name)
        if not found:
            if required:
                raise LheoError(f"{path}/{name}", "élément obligatoire absent")
            return None
        return found[0]

    def text(
        self,
        element: etree._Element,
        name: str,
        path: str,
        *,
        required: bool = True,
        max_length: int = LONG_TEXT,
        min_length: int = 1,
        codes: set[str] | None = None,
    ) -> str:
        found = self.child(element, name, path, required=required)
        if found is None:
            return ""
        value = " ".join((found.text or "").split())
        where = f"{path}/{name}"
        if value and not value.isascii():
            bad = _MOJIBAKE.search(value)
            if bad is not None:
                start = max(bad.start() - 12, 0)
                raise MisencodedText(where, f"« {value[start : bad.end() + 12]} »")
        if required and len(value) < min_length:
            raise LheoError(where, "valeur vide" if not value else f"{min_length} caractères au moins attendus")
        if len(value) > max_length:
            raise LheoError(where, f"texte de {_thousands(len(value))} caractères, {_thousands(max_length)} au plus")
        if codes is not None and value and value not in codes:
            raise LheoError(
                where, f"code {value!r} absent de la liste LHEO ({', '.join(sorted(codes, key=_code_order))})"
            )
        return value

    def texts(self, element: etree._Element, name: str, path: str, *, length: int | None = None) -> list[str]:
        values = []
        for found in self.children(element, name):
            value = (found.text or "").strip()
            if length is not None and len(value) != length:
                raise LheoError(f"{path}/{name}", f"{length} caractères attendus, {value!r} trouvé")
            if value:
                values.append(value)
        return values

    def integer(self, element: etree._Element, name: str, path: str) -> int | None:
        value = self.text(element, name, path, required=False, max_length=12)
        if not value:
            return None
        if not value.isdigit():
            raise LheoError(f"{path}/{name}", f"nombre entier attendu, {value!r} trouvé")
        return int(value)

    def date(self, element: etree._Element, name: str, path: str, *, required: bool = True) -> date | None:
        value = self.text(element, name, path, required=required, max_length=8)
        if not value or value in UNKNOWN_DATES:
            return None
        if not DATE.match(value):
            raise LheoError(f"{path}/{name}", f"date AAAAMMJJ attendue, {value!r} trouvé")
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise LheoError(f"{path}/{name}", f"date impossible : {value!r}") from None

    def address(self, element: etree._Element | None, path: str) -> Address:
        if element is None:
            return Address()
        address = Address(lines=self.texts(element, "ligne", path))
        address.postcode = self.text(element, "codepostal", path, required=False, max_length=5)
        if address.postcode and not re.match(r"^\d{5}$", address.postcode):
            raise LheoError(f"{path}/codepostal", f"code postal à 5 chiffres attendu, {address.postcode!r} trouvé")
        address.city = self.text(element, "ville", path, required=False, max_length=50)
        address.insee_code = self.text(element, "code-INSEE-commune", path, required=False, max_length=5)
        if address.insee_code and not re.match(r"^(\d{5}|2[AB]\d{3})$", address.insee_code):
            raise LheoError(f"{path}/code-INSEE-commune", f"code INSEE invalide : {address.insee_code!r}")
        geo = self.child(element, "geolocalisation", path, required=False)
        if geo is not None:
            try:
                address.latitude = float(self.text(geo, "latitude", f"{path}/geolocalisation", max_length=30))
                address.longitude = float(self.text(geo, "longitude", f"{path}/geolocalisation", max_length=30))
            except ValueError:
                raise LheoError(f"{path}/geolocalisation", "latitude et longitude doivent être des nombres") from None
            if not (-90 <= address.latitude <= 90 and -180 <= address.longitude <= 180):
                raise LheoError(
                    f"{path}/geolocalisation", f"coordonnées impossibles : {address.latitude}, {address.longitude}"
                )
        return address

    def coordinates(self, element: etree._Element | None, path: str) -> dict[str, Any]:
        """Name, address, phone, e-mail and website of a ``coordonnees`` block."""
        if element is None:
            return {"address": Address(), "phone": "", "email": "", "website": "", "name": ""}
        phones = [
            self.text(phone, "numtel", f"{path}/{kind}", required=False, max_length=30)
            for kind in ("telfixe", "portable")
            for phone in self.children(element, kind)
        ]
        web = self.child(element, "web", path, required=False)
        return {
            "address": self.address(self.child(element, "adresse", path, required=False), f"{path}/adresse"),
            "phone": next((phone for phone in phones if phone), ""),
            "email": self.text(element, "courriel", path, required=False, max_length=160),
            "website": self.text(web, "urlweb", f"{path}/web", required=False, max_length=400)
            if web is not None
            else "",
            "name": self.text(element, "nom", path, required=False, max_length=250),
        }


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _code_order(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (10**6, code)


def detect_version(namespace: str) -> str | None:
    return NAMESPACES.get(namespace)


def parse_formation(element: etree._Element, namespace: str) -> FormationRecord:
    r = _Reader(namespace)
    number = (element.get("numero") or "").strip()
    path = f"formation[@numero={number!r}]" if number else "formation"
    if not number:
        raise LheoError(path, "attribut « numero » absent")
    domain = r.child(element, "domaine-formation", path)
    assert domain is not None
    domain_path = f"{path}/domaine-formation"
    responsible = r.child(element, "organisme-formation-responsable", path)
    assert responsible is not None
    provider = _responsible(r, responsible, f"{path}/organisme-formation-responsable")
    certifications = r.children(element, "certification")
    url = r.child(element, "url-formation", path, required=False)
    contacts = r.children(element, "contact-formation")
    if not contacts:
        raise LheoError(f"{path}/contact-formation", "élément obligatoire absent")
    contact_block = r.child(contacts[0], "coordonnees", f"{path}/contact-formation", required=False)
    contact = r.coordinates(contact_block, f"{path}/contact-formation/coordonnees")
    actions = r.children(element, "action")
    if not actions:
        raise LheoError(f"{path}/action", "une action au moins est obligatoire")
    return FormationRecord(
        number=number,
        title=r.text(element, "intitule-formation", path, max_length=255),
        objective=r.text(element, "objectif-formation", path),
        expected_results=r.text(element, "resultats-attendus", path),
        content=r.text(element, "contenu-formation", path),
        is_certifying=r.text(element, "certifiante", path, codes=BINARY) == "1",
        rncp_codes=[code for c in certifications for code in r.texts(c, "code-RNCP", f"{path}/certification")],
        certifinfo_codes=[
            code for c in certifications for code in r.texts(c, "code-CERTIFINFO", f"{path}/certification")
        ],
        formacode_codes=r.texts(domain, "code-FORMACODE", domain_path, length=5),
        nsf_codes=r.texts(domain, "code-NSF", domain_path, length=3),
        rome_codes=r.texts(domain, "code-ROME", domain_path, length=5),
        entry_level=r.text(element, "code-niveau-entree", path, codes=LEVELS),
        exit_level=r.text(element, "code-niveau-sortie", path, required=False, codes=LEVELS),
        general_objective=r.text(element, "objectif-general-formation", path, required=False, codes=GENERAL_OBJECTIVES),
        path_kind=r.text(element, "parcours-de-formation", path, codes=PATHS),
        url=r.text(url, "urlweb", f"{path}/url-formation", max_length=400) if url is not None else "",
        contact={key: value for key, value in contact.items() if isinstance(value, str) and value},
        provider=provider,
        actions=[_action(r, action, f"{path}/action[{index}]") for index, action in enumerate(actions, start=1)],
    )


def _responsible(r: _Reader, element: etree._Element, path: str) -> ProviderRecord:
    siret_block = r.child(element, "SIRET-organisme-formation", path)
    assert siret_block is not None
    siret = r.text(siret_block, "SIRET", f"{path}/SIRET-organisme-formation", max_length=14)
    if not re.match(r"^\d{14}$", siret):
        raise LheoError(f"{path}/SIRET-organisme-formation/SIRET", f"SIRET à 14 chiffres attendu, {siret!r} trouvé")
    coordinates_block = r.child(element, "coordonnees-organisme", path)
    assert coordinates_block is not None
    coordinates = r.coordinates(
        r.child(coordinates_block, "coordonnees", f"{path}/coordonnees-organisme"), f"{path}/coordonnees-organisme"
    )
    return ProviderRecord(
        siret=siret,
        name=r.text(element, "raison-sociale", path, max_length=250),
        activity_number=r.text(element, "numero-activite", path, max_length=11),
        address=coordinates["address"],
        phone=coordinates["phone"],
        email=coordinates["email"],
        website=coordinates["website"],
    )


def _action(r: _Reader, element: etree._Element, path: str) -> ActionRecord:
    number = (element.get("numero") or "").strip()
    if not number:
        raise LheoError(path, "attribut « numero » absent")
    path = f"{path}[@numero={number!r}]"
    publics = r.texts(element, "code-public-vise", path, length=5)
    if not publics:
        raise LheoError(f"{path}/code-public-vise", "élément obligatoire absent")
    places = r.children(element, "lieu-de-formation")
    place_name, address = "", Address()
    if places:
        block = r.child(places[0], "coordonnees", f"{path}/lieu-de-formation")
        place = r.coordinates(block, f"{path}/lieu-de-formation/coordonnees")
        place_name, address = place["name"], place["address"]
    trainer = r.child(element, "organisme-formateur", path, required=False)
    provider = None
    if trainer is not None:
        siret_block = r.child(trainer, "SIRET-formateur", f"{path}/organisme-formateur")
        assert siret_block is not None
        siret = r.text(siret_block, "SIRET", f"{path}/organisme-formateur/SIRET-formateur", max_length=14)
        if not re.match(r"^\d{14}$", siret):
            raise LheoError(f"{path}/organisme-formateur/SIRET-formateur/SIRET", f"SIRET invalide : {siret!r}")
        provider = ProviderRecord(
            siret=siret, name=r.text(trainer, "raison-sociale-formateur", f"{path}/organisme-formateur", max_length=250)
        )
    funders = [
        r.text(funder, "code-financeur", f"{path}/organisme-financeur", codes=FUNDERS)
        for funder in r.children(element, "organisme-financeur")
    ]
    price_text = r.text(element, "prix-total-TTC", path, required=False, max_length=10)
    try:
        price = Decimal(price_text.replace(",", ".")) if price_text else None
    except InvalidOperation:
        raise LheoError(f"{path}/prix-total-TTC", f"montant attendu, {price_text!r} trouvé") from None
    if price is not None and price < 0:
        raise LheoError(f"{path}/prix-total-TTC", "montant négatif")
    r.text(element, "niveau-entree-obligatoire", path, codes=BINARY)
    r.text(element, "prise-en-charge-frais-possible", path, codes=BINARY)
    r.text(element, "code-perimetre-recrutement", path, required=False, codes=RECRUITMENT_PERIMETERS)
    sessions = r.children(element, "session")
    if not sessions:
        raise LheoError(f"{path}/session", "une session au moins est obligatoire")
    url = r.child(element, "url-action", path, required=False)
    work_study = r.text(element, "modalites-alternance", path)
    return ActionRecord(
        number=number,
        provider=provider,
        place_name=place_name,
        address=address,
        rhythm=r.text(element, "rythme-formation", path),
        teaching_mode=r.text(element, "modalites-enseignement", path, codes=TEACHING_MODES),
        entry_exit_mode=r.text(element, "modalites-entrees-sorties", path, codes=BINARY),
        work_study_details="" if work_study == "-" else work_study,
        hours_total=r.integer(element, "nombre-heures-total", path),
        hours_in_centre=r.integer(element, "nombre-heures-centre", path),
        hours_in_company=r.integer(element, "nombre-heures-entreprise", path),
        price=price,
        price_details=r.text(element, "detail-conditions-prise-en-charge", path, required=False),
        funders=sorted(set(funders), key=_code_order),
        publics=publics,
        entry_conditions=r.text(element, "info-public-vise", path, required=False),
        specific_conditions=_dash(r.text(element, "conditions-specifiques", path)),
        recruitment=r.text(element, "modalites-recrutement", path, required=False),
        language=",".join(r.texts(element, "langue-formation", path, length=2)),
        accessibility=r.text(element, "acces-handicapes", path, required=False),
        url=r.text(url, "urlweb", f"{path}/url-action", max_length=400) if url is not None else "",
        sessions=[_session(r, session, f"{path}/session[{index}]") for index, session in enumerate(sessions, start=1)],
    )


def _session(r: _Reader, element: etree._Element, path: str) -> SessionRecord:
    number = (element.get("numero") or "").strip()
    if not number:
        raise LheoError(path, "attribut « numero » absent")
    path = f"{path}[@numero={number!r}]"
    period = r.child(element, "periode", path)
    assert period is not None
    start = r.date(period, "debut", f"{path}/periode")
    end = r.date(period, "fin", f"{path}/periode")
    if start and end and end < start:
        raise LheoError(f"{path}/periode", f"la fin ({end:%d/%m/%Y}) précède le début ({start:%d/%m/%Y})")
    r.child(element, "adresse-inscription", path)
    registration = r.child(element, "periode-inscription", path, required=False)
    registration_start = registration_end = None
    if registration is not None:
        inner = r.child(registration, "periode", f"{path}/periode-inscription")
        assert inner is not None
        registration_start = r.date(inner, "debut", f"{path}/periode-inscription/periode")
        registration_end = r.date(inner, "fin", f"{path}/periode-inscription/periode")
    return SessionRecord(
        number=number,
        start_date=start,
        end_date=end,
        registration_start=registration_start,
        registration_end=registration_end,
        recruitment=r.text(element, "etat-recrutement", path, required=False, codes=RECRUITMENT_STATES) or "1",
    )


def _dash(text: str) -> str:
    """LHEO writes "-" for "nothing to say"."""
    return "" if text == "-" else text


# -- reading a whole feed ------------------------------------------------------------------


@dataclass
class FeedItem:
    """One ``<formation>`` of a feed: its fingerprint, and either its parsed record, the
    reason it is invalid, or (when it may be unchanged) its XML, to parse only if needed."""

    line: int | None
    number: str
    namespace: str
    #: sha256 of the element's XML as read: the same bytes give the same record
    digest: str
    raw: bytes = b""
    record: FormationRecord | None = None
    error: LheoError | None = None


def feed_namespace(path: Path) -> str:
    """The namespace of the feed's root, after checking it is an LHEO document."""
    try:
        for _event, root in etree.iterparse(str(path), events=("start",), **hardened_xml_parser_options()):
            qname = etree.QName(root)
            namespace = qname.namespace or ""
            if qname.localname != "lheo" or namespace not in NAMESPACES:
                raise InputError(
                    path.name,
                    f"racine <{qname.localname}> dans l’espace de noms {namespace or '(aucun)'!r} : "
                    f"un document <lheo> de l’espace {' ou '.join(NAMESPACES)} est attendu",
                    line=root.sourceline,
                )
            return namespace
    except etree.XMLSyntaxError as error:
        raise InputError(path.name, f"XML mal formé : {error.msg}", line=error.lineno or None) from error
    raise InputError(path.name, "document vide")


def read_feed(path: Path, *, parse: bool) -> Iterator[FeedItem]:
    """Each formation of the feed, streaming, freed once read.

    With ``parse``, every formation is parsed and validated here (a source's first
    feed, where nothing can be unchanged); otherwise the XML is kept for the importer
    to parse only what changed. The iterparse ``tag`` filter keeps Python out of the
    millions of other elements.
    """
    namespace = feed_namespace(path)
    tag = f"{{{namespace}}}formation"
    try:
        for _event, element in etree.iterparse(str(path), events=("end",), tag=tag, **hardened_xml_parser_options()):
            raw = etree.tostring(element)
            item = FeedItem(
                line=element.sourceline,
                number=element.get("numero") or "",
                namespace=namespace,
                digest=hashlib.sha256(raw).hexdigest(),
            )
            if parse:
                try:
                    item.record = parse_formation(element, namespace)
                except MisencodedText as error:
                    raise misencoded_error(path.name, error, line=item.line, record=item.number) from None
                except LheoError as error:
                    item.error = error
            else:
                item.raw = raw
            yield item
            release(element)
    except etree.XMLSyntaxError as error:
        raise InputError(path.name, f"XML mal formé : {error.msg}", line=error.lineno or None) from error
