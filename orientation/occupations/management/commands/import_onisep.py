"""Import the Onisep Idéo occupation sheets (XML ``<metiers><metier>…``), as published.

Each sheet is linked to the ROME fiches its ``romesV3`` codes name, when they exist;
codes that match no fiche are reported. Rich texts are HTML fragments, sanitised.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from lxml import etree

from orientation.ingestion.base import ImportCommand, ImportContext, Upserter, rejecting, replace_children
from orientation.ingestion.errors import InputError, RecordRejected
from orientation.ingestion.models import Source
from orientation.ingestion.readers import iter_xml_elements
from orientation.occupations.models import OnisepFiche, OnisepSynonym, RomeFiche
from orientation.utils.html import sanitise_html

IDENTIFIER = re.compile(r"^MET\.\d+$")
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
RICH_TEXTS = {
    "accroche_metier": "hook",
    "nature_travail": "nature_of_work",
    "condition_travail": "working_conditions",
    "competences": "skills",
    "acces_metier": "access",
    "vie_professionnelle": "career",
}


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return " ".join((found.text or "").split()) if found is not None else ""


def _pairs(element: etree._Element, path: str) -> list[dict[str, str]]:
    return [
        {"id": _text(item, "id"), "label": _text(item, "libelle")}
        for item in element.findall(path)
        if _text(item, "libelle")
    ]


class Command(ImportCommand):
    help = __doc__
    source_name = "onisep-ideo"
    source_kind = Source.Kind.ONISEP
    source_label = "Onisep Idéo — fiches métiers"
    path_help = "fichier XML des fiches métiers Idéo (ou le dossier qui le contient)"

    def run_import(self, context: ImportContext, path: str) -> None:
        file = self._resolve(Path(path))
        fiches_by_code = dict(RomeFiche.objects.values_list("code", "pk"))
        self.fiches_by_code = fiches_by_code
        self.invalid_codes: dict[str, list[str]] = {}
        if not fiches_by_code:
            context.note("aucune fiche ROME en base : importer le ROME d’abord pour relier les fiches Onisep")
        upserter = Upserter(context, OnisepFiche, "identifier", label="fiches Onisep")
        progress = context.progress("fiches Onisep")
        line_of: dict[str, int] = {}
        for element in iter_xml_elements(file, "metier"):
            context.record_count += 1
            progress.advance()
            identifier = _text(element, "identifiant")
            line = element.sourceline
            with rejecting(context, file.name, line, identifier):
                self._add(upserter, element, identifier)
                line_of[identifier] = line or 0
        progress.finish()
        if context.record_count == 0:
            raise InputError(file.name, "aucun élément <metier> : ce n’est pas un fichier Idéo fiches métiers")
        context.check_rejects()
        result = upserter.finish()
        self._write_links(context, result.pk_by_key, result.changed, fiches_by_code)

    def _resolve(self, path: Path) -> Path:
        if path.is_dir():
            candidates = sorted(path.glob("*Fiches_metiers*.xml")) or sorted(path.glob("*.xml"))
            if not candidates:
                raise InputError(str(path), "aucun fichier XML Idéo fiches métiers dans ce dossier")
            return candidates[-1]
        if not path.is_file():
            raise InputError(str(path), "fichier introuvable")
        return path

    def _add(self, upserter: Upserter[OnisepFiche], element: etree._Element, identifier: str) -> None:
        if not IDENTIFIER.match(identifier):
            raise RecordRejected(f"identifiant Onisep invalide : {identifier!r}", field="identifiant")
        name = _text(element, "nom_metier")
        if not name:
            raise RecordRejected("nom du métier absent", field="nom_metier")
        rome_codes = sorted({_text(code, ".") for code in element.findall("romesV3/romeV3") if _text(code, ".")})
        invalid = [code for code in rome_codes if not ROME_CODE.match(code)]
        values: dict[str, Any] = {
            "name": name,
            "name_feminine": _text(element, "libelle_feminin"),
            "name_masculine": _text(element, "libelle_masculin"),
            "min_level": _text(element, "niveau_acces_min/libelle"),
            "min_trainings": _pairs(element, "formations_min_requise/formation_min_requise"),
            "interests": _pairs(element, "centres_interet/centre_interet"),
            "sectors": _pairs(element, "secteurs_activite/secteur_activite"),
            "statuses": _pairs(element, "statuts/statut"),
            "related_jobs": _pairs(element, "metiers_associes/metier_associe"),
            "rome_codes": rome_codes,
        }
        for tag, field in RICH_TEXTS.items():
            found = element.find(tag)
            values[field] = sanitise_html(found.text or "") if found is not None else ""
        synonyms = [
            (_text(synonym, "nom_metier"), _text(synonym, "libelle_feminin"), _text(synonym, "libelle_masculin"))
            for synonym in element.findall("synonymes/synonyme")
            if _text(synonym, "nom_metier")
        ]
        if invalid:
            # Kept as published and reported: the sheet itself is valid.
            self.invalid_codes[identifier] = invalid
        # The codes that resolve are part of the record: when a new ROME brings a
        # fiche that was missing, the sheet counts as changed and gets its link.
        linked = [code for code in rome_codes if code in self.fiches_by_code]
        upserter.add(identifier, values, extra={"synonyms": synonyms, "linked": linked})

    def _write_links(
        self,
        context: ImportContext,
        pk_by_key: dict[str, int],
        changed: dict[str, Any],
        fiches_by_code: dict[str, int],
    ) -> None:
        rows = OnisepFiche.objects.filter(identifier__in=list(changed)).values_list("pk", "rome_codes", "related_jobs")
        rome_links, related_links, synonyms = [], [], []
        unknown_codes: dict[str, set[str]] = defaultdict(set)
        identifiers = {pk: identifier for identifier, pk in pk_by_key.items()}
        for pk, rome_codes, related_jobs in rows:
            for code in rome_codes:
                fiche = fiches_by_code.get(code)
                if fiche is None:
                    unknown_codes[code].add(identifiers[pk])
                else:
                    rome_links.append(OnisepFiche.rome_fiches.through(onisepfiche_id=pk, romefiche_id=fiche))
            for job in related_jobs:
                target = pk_by_key.get(job["id"])
                if target is not None and target != pk:
                    related_links.append(OnisepFiche.related.through(from_onisepfiche_id=pk, to_onisepfiche_id=target))
            for name, feminine, masculine in (changed[identifiers[pk]] or {}).get("synonyms", []):
                synonyms.append(OnisepSynonym(fiche_id=pk, name=name, feminine=feminine, masculine=masculine))
        changed_pks = [pk_by_key[identifier] for identifier in changed]
        replace_children(OnisepFiche.rome_fiches.through, "onisepfiche", changed_pks, rome_links)
        replace_children(OnisepFiche.related.through, "from_onisepfiche", changed_pks, related_links)
        replace_children(OnisepSynonym, "fiche", changed_pks, synonyms)
        if self.invalid_codes:
            detail = ", ".join(
                f"{identifier} : {', '.join(codes)}" for identifier, codes in sorted(self.invalid_codes.items())
            )
            context.note(f"codes ROME mal formés (conservés tels que publiés) : {detail}")
        if unknown_codes:
            detail = ", ".join(f"{code} ({', '.join(sorted(ids))})" for code, ids in sorted(unknown_codes.items())[:10])
            context.note(
                f"{len(unknown_codes)} code(s) ROME cité(s) par Onisep sans fiche ROME correspondante : {detail}"
            )
