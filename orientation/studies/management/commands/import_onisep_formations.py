"""Import the Onisep Idéo « fiches formations » (XML ``<formations><formation>…``), as published.

Takes the national file (2,164 formations in June 2024) and each next one as Onisep
publishes it, or a folder holding it. Each formation is linked to the Onisep occupation
sheets its ``metiers_formation`` name (import them first with ``import_onisep``), hence to
ROME fiches; names that match no sheet are reported. A formation that an earlier file
held and this one does not is closed, and reopened if it comes back.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from lxml import etree

from orientation.ingestion.base import ImportCommand, ImportContext, Upserter, rejecting, replace_children
from orientation.ingestion.errors import InputError, RecordRejected
from orientation.ingestion.models import RecordProvenance, Source
from orientation.ingestion.readers import iter_xml_elements
from orientation.occupations.models import OnisepFiche
from orientation.studies.models import Study
from orientation.utils.html import sanitise_html

IDENTIFIER = re.compile(r"^FOR\.\d+$")
JOB_IDENTIFIER = re.compile(r"^MET\.\d+$")
RNCP_IN_URL = re.compile(r"francecompetences\.fr/recherche/rncp/(\d+)")
#: provenance hash of a closed study: its return in a later file counts as a change
CLOSED = "closed"
RICH_TEXTS = {
    "descriptif_format_court": "summary",
    "descriptif_acces": "access",
    "attendus": "expectations",
    "descriptif_poursuite_etudes": "further_studies_text",
}
#: the longest value each short field takes, checked before the row is written
LIMITS: dict[str, int] = {
    field.name: field.max_length for field in Study._meta.concrete_fields if isinstance(field.max_length, int)
}


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return " ".join((found.text or "").split()) if found is not None else ""


def _texts(element: etree._Element, path: str) -> list[str]:
    return [text for text in (" ".join((found.text or "").split()) for found in element.findall(path)) if text]


def _pairs(element: etree._Element, path: str, code: str, label: str) -> list[dict[str, str]]:
    return [
        {"code": _text(item, code), "label": _text(item, label)}
        for item in element.findall(path)
        if _text(item, code) or _text(item, label)
    ]


def _date(element: etree._Element, path: str) -> str | None:
    """Onisep writes its dates dd/mm/yyyy; kept as ISO text in the record's hash."""
    text = _text(element, path)
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    except ValueError:
        raise RecordRejected(f"date illisible : {text!r} (attendu JJ/MM/AAAA)", field=path) from None


class Command(ImportCommand):
    help = __doc__
    source_name = "onisep-ideo-formations"
    source_kind = Source.Kind.ONISEP_FORMATIONS
    source_label = "Onisep Idéo — fiches formations"
    path_help = "fichier XML des fiches formations Idéo (ou le dossier qui le contient)"
    absent_label = "absentes du fichier (fermées)"

    def run_import(self, context: ImportContext, path: str) -> None:
        file = self._resolve(Path(path))
        self.context = context
        self.sheets = dict(OnisepFiche.objects.values_list("identifier", "pk"))
        if not self.sheets:
            context.note(
                "aucune fiche métier Onisep en base : importer les fiches métiers d’abord pour relier les études"
            )
        upserter = Upserter(context, Study, "identifier", label="études Onisep")
        progress = context.progress("formations Onisep")
        for element in iter_xml_elements(file, "formation"):
            context.record_count += 1
            progress.advance()
            identifier = _text(element, "identifiant")
            with rejecting(context, file.name, element.sourceline, identifier):
                try:
                    self._add(upserter, element, identifier)
                except RecordRejected:
                    # what an earlier run wrote for it stays, and is not closed
                    if identifier:
                        upserter.keep(identifier)
                    raise
        progress.finish()
        if context.record_count == 0:
            raise InputError(file.name, "aucun élément <formation> : ce n’est pas un fichier Idéo fiches formations")
        context.check_rejects()
        result = upserter.finish()
        self._write_links(context, result.pk_by_key, result.changed)
        closed = self._close_absent(result.absent_keys)
        context.counts.absent = closed
        if closed:
            context.note(f"{closed} étude(s) absente(s) du fichier fermée(s)")

    def _resolve(self, path: Path) -> Path:
        if path.is_dir():
            candidates = sorted(path.glob("*Fiches_Formations*.xml")) or sorted(path.glob("*ormations*.xml"))
            if not candidates:
                raise InputError(str(path), "aucun fichier XML Idéo fiches formations dans ce dossier")
            return candidates[-1]
        if not path.is_file():
            raise InputError(str(path), "fichier introuvable")
        return path

    def _add(self, upserter: Upserter[Study], element: etree._Element, identifier: str) -> None:
        if not IDENTIFIER.match(identifier):
            raise RecordRejected(f"identifiant Onisep invalide : {identifier!r}", field="identifiant")
        title = _text(element, "libelle_complet")
        if not title:
            raise RecordRejected("intitulé de la formation absent", field="libelle_complet")
        url = _text(element, "url")
        if url and not url.startswith(("https://", "http://")):
            raise RecordRejected(f"adresse invalide : {url!r}", field="url")
        rncp = RNCP_IN_URL.search(url)
        job_ids = []
        for job in element.findall("metiers_formation/metier"):
            job_id = _text(job, "id")
            if not JOB_IDENTIFIER.match(job_id):
                raise RecordRejected(
                    f"identifiant de métier invalide : {job_id!r}", field="metiers_formation/metier/id"
                )
            job_ids.append(job_id)
        values: dict[str, Any] = {
            "school_code": _text(element, "code_scolarite"),
            "title": title,
            "acronym": _text(element, "sigle"),
            "kind": _text(element, "type_Formation/type_formation_libelle"),
            "kind_acronym": _text(element, "type_Formation/type_formation_sigle"),
            "duration": _text(element, "duree_formation"),
            "certification_level": _text(element, "niveau_certification"),
            "level_code": _text(element, "niveau_etudes/id"),
            "level": _text(element, "niveau_etudes/libelle"),
            "nsf_disciplines": _pairs(element, "nsf_discipline", "NSF_discipline_code", "NSF_discipline_libelle"),
            "nsf_functions": _pairs(element, "nsf_fonction", "NSF_fonction_code", "NSF_fonction_libelle"),
            "rncp_code": rncp.group(1) if rncp else "",
            "url": url,
            "certificate_natures": _texts(element, "nature_certificat/libelle_nature_certificat"),
            "further_studies": [
                {"kind": _text(group, "type_Poursuite"), "studies": _texts(group, "formation_poursuite_Etudes")}
                for group in element.findall("poursuites_etudes/poursuite_etudes")
            ],
            "teaching_notes": _texts(element, "element_enseignement/element_enseignement_libelle"),
            "authority": _text(element, "sous_tutelle"),
            "publications": [
                {
                    "isbn": _text(publication, "code_librairie"),
                    "title": _text(publication, "titre_publication"),
                    "publisher": _text(publication, "editeur"),
                    "year": _text(publication, "annee"),
                    "collection": _text(publication, "collection"),
                }
                for publication in element.findall("publications/publication")
                if _text(publication, "titre_publication")
            ],
            "web_sources": _texts(element, "sources_numeriques/source"),
            "domains": [
                {"id": _text(domain, "id"), "label": _text(domain, "libelle")}
                for domain in element.findall("sous_domaines_web/sous_domaine_web")
                if _text(domain, "libelle")
            ],
            "job_ids": job_ids,
            "onisep_created": _date(element, "creation_date"),
            "onisep_modified": _date(element, "modification_date"),
            "closed_at": None,
        }
        for tag, field in RICH_TEXTS.items():
            found = element.find(tag)
            values[field] = sanitise_html(found.text or "") if found is not None else ""
        for field, limit in LIMITS.items():
            value = values.get(field)
            if isinstance(value, str) and len(value) > limit:
                raise RecordRejected(f"{len(value)} caractères, {limit} au plus", field=field)
        # The sheets that resolve are part of the record: when a later import of the métiers
        # brings one that was missing, the study counts as changed and gets its link.
        linked = [job_id for job_id in job_ids if job_id in self.sheets]
        upserter.add(identifier, values, extra={"linked": linked})

    def _write_links(self, context: ImportContext, pk_by_key: dict[str, int], changed: dict[str, Any]) -> None:
        links = []
        unknown: dict[str, set[str]] = defaultdict(set)
        rows = Study.objects.filter(identifier__in=list(changed)).values_list("pk", "identifier", "job_ids")
        for pk, identifier, job_ids in rows:
            for job_id in dict.fromkeys(job_ids):
                sheet = self.sheets.get(job_id)
                if sheet is None:
                    unknown[job_id].add(identifier)
                else:
                    links.append(Study.onisep_fiches.through(study_id=pk, onisepfiche_id=sheet))
        replace_children(Study.onisep_fiches.through, "study", [pk_by_key[key] for key in changed], links)
        if unknown and self.sheets:
            detail = ", ".join(f"{job} ({', '.join(sorted(ids)[:3])})" for job, ids in sorted(unknown.items())[:10])
            context.note(f"{len(unknown)} métier(s) cité(s) sans fiche métier Onisep en base : {detail}")

    def _close_absent(self, absent_keys: set[str]) -> int:
        if not absent_keys:
            return 0
        studies = Study.objects.filter(identifier__in=sorted(absent_keys), closed_at__isnull=True)
        pks = list(studies.values_list("pk", flat=True))
        now = timezone.now()
        Study.objects.filter(pk__in=pks).update(closed_at=now, updated_at=now)  # seen by updated_since=
        RecordProvenance.objects.filter(
            source=self.context.source,
            content_type__app_label="studies",
            content_type__model="study",
            object_id__in=pks,
        ).update(content_hash=CLOSED, last_changed_run=self.context.run)
        return len(pks)
