"""Import the ROME 4.0 from France Travail's official CSV export folder.

The files are named ``unix_<name>_v<version>_utf8.csv`` (``_v458_``, ``_v460_``…): any
version is accepted, one at a time. ``referentiel_code_rome`` (the fiches) and
``referentiel_appellation`` (the job titles) are required; every other file enriches
the fiches (tree, texts, skills, mobility, RIASEC, interests, sectors, themes) and is
reported when missing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from orientation.ingestion.base import ImportCommand, ImportContext, Upserter, rejecting, replace_children
from orientation.ingestion.errors import InputError, RecordProblem, RecordRejected
from orientation.ingestion.models import Source
from orientation.ingestion.readers import CsvRow, existing_folder, read_csv
from orientation.occupations.labels import gendered_forms
from orientation.occupations.models import (
    Appellation,
    DomaineProfessionnel,
    FicheInterest,
    FicheSector,
    FicheSkill,
    GrandDomaine,
    InterestCentre,
    MobilityLink,
    Riasec,
    RomeFiche,
    Sector,
    Skill,
    Theme,
)
from orientation.occupations.services import fiches_skill_riasec_refresh

FILE_NAME = re.compile(r"^unix_(?P<name>[a-z_]+?)_v(?P<version>\d+)_utf8\.csv$")
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
OGR_CODE = re.compile(r"^\d{1,10}$")
RIASEC_CODES = {choice.value for choice in Riasec}
SKILL_KIND_BY_RUBRIQUE = {
    "1": Skill.Kind.KNOW_HOW,
    "2": Skill.Kind.SOFT_SKILL,
    "3": Skill.Kind.KNOWLEDGE,
    "": Skill.Kind.WORK_CONTEXT,
}
IMPORTANCE = {"Principale": FicheSkill.Importance.CORE, "Émergente": FicheSkill.Importance.EMERGING, "": ""}
REQUIRED = ("referentiel_code_rome", "referentiel_appellation")
OPTIONAL = (
    "grand_domaine",
    "domaine_professionnel",
    "cr_gd_dp",
    "texte",
    "referentiel_code_rome_riasec",
    "item",
    "referentiel_competence",
    "referentiel_savoir",
    "referentiel_contexte_travail",
    "liens_rome_referentiels",
    "coherence_item",
    "rubrique_mobilite",
    "centre_interet",
    "arborescence_centre_interet",
    "secteur_activite",
    "sous_secteur_activite",
    "arborescence_secteur_activite",
    "themes",
    "arborescence_thematique",
    "arborescence_competences",
    "referentiel_macro_competence_riasec",
)


def rome_text(value: str) -> str:
    """The export doubles apostrophes ("L''Infirmier"): restore them."""
    return " ".join(value.replace("''", "'").split())


def flag(row: CsvRow, column: str) -> bool | None:
    value = row.get(column).strip().upper()
    if value in {"O", "OUI", "1"}:
        return True
    if value in {"N", "NON", "0"}:
        return False
    if value == "":
        return None
    raise RecordRejected(f"valeur O/N attendue, {row.get(column)!r} trouvée", field=column)


class Command(ImportCommand):
    help = __doc__
    source_name = "rome"
    source_kind = Source.Kind.ROME
    source_label = "ROME 4.0 (France Travail)"
    path_help = "dossier de l’export CSV du ROME (fichiers unix_*_vNNN_utf8.csv)"

    def run_import(self, context: ImportContext, path: str) -> None:
        self.context = context
        self.files = self._locate(existing_folder(path))
        domaines = self._import_tree()
        interests = self._import_interest_centres()
        sectors = self._import_sectors()
        themes = self._import_themes()
        skills = self._import_skills()
        self._link_macro_skills(skills)
        context.check_rejects()
        fiches = self._import_fiches(domaines)
        context.check_rejects()
        self._import_appellations(fiches)
        self._write_fiche_links(fiches, skills, interests, sectors, themes)
        fiches_skill_riasec_refresh()

    # -- files -------------------------------------------------------------------------

    def _locate(self, folder: Path) -> dict[str, Path]:
        found: dict[str, dict[str, Path]] = defaultdict(dict)
        for path in folder.glob("unix_*_utf8.csv"):
            match = FILE_NAME.match(path.name)
            if match:
                found[match["version"]][match["name"]] = path
        if not found:
            raise InputError(str(folder), "aucun fichier unix_*_vNNN_utf8.csv : ce n’est pas un export du ROME")
        if len(found) > 1:
            versions = ", ".join(f"v{version}" for version in sorted(found))
            raise InputError(
                str(folder), f"plusieurs versions du ROME dans le même dossier ({versions}) : n’en garder qu’une"
            )
        version, files = next(iter(found.items()))
        for name in REQUIRED:
            if name not in files:
                raise InputError(f"unix_{name}_v{version}_utf8.csv", "fichier obligatoire absent")
        missing = [name for name in OPTIONAL if name not in files]
        if missing:
            self.context.note(f"ROME v{version} : fichiers facultatifs absents : {', '.join(missing)}")
        else:
            self.context.note(f"ROME v{version} : tous les fichiers sont présents")
        return files

    def _rows(self, name: str, required_columns: list[str]) -> Iterator[CsvRow]:
        path = self.files.get(name)
        if path is None:
            return iter(())
        return read_csv(path, required_columns=required_columns)

    def _reject(self, name: str, row: CsvRow, record: str, field: str, reason: str) -> None:
        self.context.reject(
            RecordProblem(file=self.files[name].name, line=row.line, record=record, field=field, reason=reason)
        )

    def _rejecting(self, name: str, row: CsvRow, record: str) -> Any:
        return rejecting(self.context, self.files[name].name, row.line, record.strip())

    def _each(self, name: str, required_columns: list[str]) -> Iterator[CsvRow]:
        """Rows of a file, counted; a RecordRejected raised by the caller is not caught here."""
        for row in self._rows(name, required_columns):
            self.context.record_count += 1
            yield row

    # -- reference lists ---------------------------------------------------------------

    def _import_tree(self) -> dict[str, int]:
        grands: dict[str, str] = {}
        domaines: dict[str, tuple[str, str]] = {}
        for row in self._each("grand_domaine", ["code_grand_domaine", "libelle_grand_domaine"]):
            grands[row["code_grand_domaine"].strip()] = rome_text(row["libelle_grand_domaine"])
        for row in self._each("domaine_professionnel", ["code_domaine_professionnel", "libelle_domaine_professionnel"]):
            code = row["code_domaine_professionnel"].strip()
            domaines[code] = (code[:1], rome_text(row["libelle_domaine_professionnel"]))
        columns = [
            "code_grand_domaine",
            "libelle_grand_domaine",
            "code_domaine_professionel",
            "libelle_domaine_professionel",
        ]
        for row in self._each("cr_gd_dp", columns):
            grands.setdefault(row["code_grand_domaine"].strip(), rome_text(row["libelle_grand_domaine"]))
            code = row["code_domaine_professionel"].strip()
            domaines.setdefault(
                code, (row["code_grand_domaine"].strip(), rome_text(row["libelle_domaine_professionel"]))
            )
        grand_upserter = Upserter(self.context, GrandDomaine, "code", label="grands domaines")
        for code, label in sorted(grands.items()):
            grand_upserter.add(code, {"label": label})
        grand_pks = grand_upserter.finish().pk_by_key
        upserter = Upserter(self.context, DomaineProfessionnel, "code", label="domaines professionnels")
        for code, (grand, label) in sorted(domaines.items()):
            if grand not in grand_pks:
                self.context.reject(
                    RecordProblem(
                        file="domaine_professionnel",
                        record=code,
                        field="code_grand_domaine",
                        reason=f"grand domaine inconnu : {grand!r}",
                    )
                )
                continue
            upserter.add(code, {"label": label, "grand_domaine_id": grand_pks[grand]})
        return upserter.finish().pk_by_key

    def _import_interest_centres(self) -> dict[str, int]:
        upserter = Upserter(self.context, InterestCentre, "code", label="centres d’intérêt")
        for row in self._each("centre_interet", ["code_centre_interet", "libelle_centre_interet"]):
            with self._rejecting("centre_interet", row, row["code_centre_interet"]):
                upserter.add(
                    row["code_centre_interet"].strip(),
                    {
                        "label": rome_text(row["libelle_centre_interet"]),
                        "definition": row.get("definition_centre_interet").replace("''", "'").strip(),
                    },
                )
        return upserter.finish().pk_by_key

    def _import_sectors(self) -> dict[str, int]:
        upserter = Upserter(self.context, Sector, "code", label="secteurs d’activité")
        for row in self._each("secteur_activite", ["code_sect_activite", "libelle_sect_activite"]):
            with self._rejecting("secteur_activite", row, row["code_sect_activite"]):
                upserter.add(
                    row["code_sect_activite"].strip(),
                    {
                        "label": rome_text(row["libelle_sect_activite"]),
                        "definition": row.get("definition_sect_activite").replace("''", "'").strip(),
                        "parent_id": None,
                    },
                )
        upserter.flush()
        for row in self._each(
            "sous_secteur_activite", ["code_ss_sect_activite", "libelle_ss_sect_activite", "code_sect_activite"]
        ):
            parent = upserter.pk_of(row["code_sect_activite"].strip())
            code = row["code_ss_sect_activite"].strip()
            if parent is None:
                self._reject("sous_secteur_activite", row, code, "code_sect_activite", "secteur parent inconnu")
                continue
            with self._rejecting("sous_secteur_activite", row, code):
                upserter.add(
                    code,
                    {
                        "label": rome_text(row["libelle_ss_sect_activite"]),
                        "definition": row.get("definition_ss_sect_activite").replace("''", "'").strip(),
                        "parent_id": parent,
                    },
                )
        return upserter.finish().pk_by_key

    def _import_themes(self) -> dict[str, int]:
        upserter = Upserter(self.context, Theme, "code", label="thèmes")
        for row in self._each("themes", ["code_theme", "libelle_theme"]):
            with self._rejecting("themes", row, row["code_theme"]):
                upserter.add(
                    row["code_theme"].strip(),
                    {"label": rome_text(row["libelle_theme"]), "definition": rome_text(row.get("definition_theme"))},
                )
        return upserter.finish().pk_by_key

    def _add_macro_skills(self, upserter: Upserter[Skill]) -> set[str]:
        """The macro-skills (« macro-compétences ») of the skills' tree, with the RIASEC types the
        ROME gives each: what a fiche's skills say of the interests it calls on. Their codes."""
        riasec: dict[str, tuple[str, str]] = {}
        for row in self._rows("referentiel_macro_competence_riasec", ["code_ogr", "riasec_majeur", "riasec_mineur"]):
            riasec[row["code_ogr"].strip()] = (row["riasec_majeur"].strip(), row["riasec_mineur"].strip())
        columns = ["code_ogr_macro_competence", "libelle_macro_competence", "domaine_competence", "enjeu"]
        seen: set[str] = set()
        for row in self._each("arborescence_competences", columns):
            code = row["code_ogr_macro_competence"].strip()
            if code in seen:
                continue  # one line per skill it gathers
            seen.add(code)
            with self._rejecting("arborescence_competences", row, code):
                if not OGR_CODE.match(code):
                    raise RecordRejected(f"code OGR invalide : {code!r}", field="code_ogr_macro_competence")
                major, minor = riasec.get(code, ("", ""))
                if major not in RIASEC_CODES | {""} or minor not in RIASEC_CODES | {""}:
                    raise RecordRejected(f"code RIASEC inconnu : {major!r} {minor!r}", field="riasec")
                upserter.add(
                    code,
                    {
                        "label": rome_text(row["libelle_macro_competence"])[:400],
                        "kind": Skill.Kind.KNOW_HOW,
                        "category": rome_text(row["domaine_competence"])[:200],
                        "subcategory": rome_text(row["enjeu"])[:200],
                        "riasec_major": major,
                        "riasec_minor": minor,
                    },
                )
        return seen

    def _link_macro_skills(self, skills: dict[str, int]) -> None:
        """Each skill to its macro-skill (``code_ogr_macro_comp``), written only where it changes."""
        wanted: dict[int, int | None] = {}
        for row in self._rows("referentiel_competence", ["code_ogr", "code_ogr_macro_comp"]):
            skill = skills.get(row["code_ogr"].strip())
            if skill is not None:
                wanted[skill] = skills.get(row["code_ogr_macro_comp"].strip())
        current = dict(Skill.objects.filter(pk__in=list(wanted)).values_list("pk", "macro_id"))
        changed: dict[int | None, list[int]] = defaultdict(list)
        for skill, macro in wanted.items():
            if current.get(skill) != macro:
                changed[macro].append(skill)
        for macro, pks in changed.items():
            for start in range(0, len(pks), 900):
                Skill.objects.filter(pk__in=pks[start : start + 900]).update(macro_id=macro)

    def _import_skills(self) -> dict[str, int]:
        categories: dict[str, tuple[str, str]] = {}
        for row in self._rows("referentiel_competence", ["code_ogr", "cat_comp", "sous_cat_comp"]):
            categories[row["code_ogr"].strip()] = (row["cat_comp"].strip(), row["sous_cat_comp"].strip())
        for row in self._rows("referentiel_savoir", ["code_ogr_savoir", "categorie_savoir", "sous_categorie_savoir"]):
            categories[row["code_ogr_savoir"].strip()] = (
                row["categorie_savoir"].strip(),
                row["sous_categorie_savoir"].strip(),
            )
        for row in self._rows("referentiel_contexte_travail", ["code_ogr", "libelle_type_cont_trav"]):
            categories[row["code_ogr"].strip()] = (row["libelle_type_cont_trav"].strip(), "")
        upserter = Upserter(self.context, Skill, "code", label="compétences et savoirs")
        macros = self._add_macro_skills(upserter)
        for row in self._each("item", ["code_ogr", "libelle", "code_rubrique"]):
            code = row["code_ogr"].strip()
            if code in macros:
                continue  # a macro-skill named again among the items: the tree's line holds it
            kind = SKILL_KIND_BY_RUBRIQUE.get(row["code_rubrique"].strip())
            if not OGR_CODE.match(code):
                self._reject("item", row, code, "code_ogr", f"code OGR invalide : {code!r}")
                continue
            if kind is None:
                self._reject("item", row, code, "code_rubrique", f"rubrique inconnue : {row['code_rubrique']!r}")
                continue
            category, subcategory = categories.get(code, ("", ""))
            with self._rejecting("item", row, code):
                upserter.add(
                    code,
                    {
                        "label": rome_text(row["libelle"])[:400],
                        "kind": kind,
                        "category": category,
                        "subcategory": subcategory,
                    },
                )
        return upserter.finish().pk_by_key

    # -- fiches ------------------------------------------------------------------------

    def _fiche_extras(self) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, Any]]]:
        """Texts, RIASEC, domain and links of every fiche, grouped by ROME code.

        This holds one small tuple per link of the export (about 100,000), which is the
        size of the reference itself, not of a feed.
        """
        fields: dict[str, dict[str, str]] = defaultdict(dict)
        links: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"mobility": [], "skills": [], "interests": [], "sectors": [], "themes": []}
        )
        for row in self._rows("cr_gd_dp", ["code_rome", "code_domaine_professionel"]):
            fields[row["code_rome"].strip()]["domaine"] = row["code_domaine_professionel"].strip()
        texts: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for row in self._rows("texte", ["code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"]):
            position = int(row["position_phrase"]) if row["position_phrase"].strip().isdigit() else 0
            texts[(row["code_rome"].strip(), row["libelle_type_texte"].strip())].append(
                (position, rome_text(row["libelle_texte"]))
            )
        for (code, kind), sentences in texts.items():
            target = "definition" if kind == "definition" else "access" if kind == "acces_metier" else None
            if target:
                fields[code][target] = "\n".join(sentence for _position, sentence in sorted(sentences))
        for row in self._rows("referentiel_code_rome_riasec", ["code_rome", "riasec_majeur", "riasec_mineur"]):
            fields[row["code_rome"].strip()]["riasec_major"] = row["riasec_majeur"].strip()
            fields[row["code_rome"].strip()]["riasec_minor"] = row["riasec_mineur"].strip()
        importance: dict[tuple[str, str], str] = {}
        for row in self._rows("coherence_item", ["code_rome", "code_ogr", "coeur_metier"]):
            importance[(row["code_rome"].strip(), row["code_ogr"].strip())] = IMPORTANCE.get(
                row["coeur_metier"].strip(), ""
            )
        for row in self._rows("liens_rome_referentiels", ["code_rome", "code_compo_bloc", "code_rubrique", "code_ogr"]):
            code, bloc, ogr = row["code_rome"].strip(), row["code_compo_bloc"].strip(), row["code_ogr"].strip()
            if bloc in {"5", "6"}:
                links[code]["skills"].append((ogr, importance.get((code, ogr), "")))
        for row in self._rows("rubrique_mobilite", ["code_rome", "code_rome_cible", "numero_ordre"]):
            order = int(row["numero_ordre"]) if row["numero_ordre"].strip().isdigit() else 0
            links[row["code_rome"].strip()]["mobility"].append((row["code_rome_cible"].strip(), order))
        for row in self._rows("arborescence_centre_interet", ["code_centre_interet", "code_rome", "principal"]):
            links[row["code_rome"].strip()]["interests"].append(
                (row["code_centre_interet"].strip(), row["principal"].strip() == "oui")
            )
        columns = ["code_sect_activite", "code_ss_sect_activite", "code_rome", "principal"]
        for row in self._rows("arborescence_secteur_activite", columns):
            # A fiche attached to a whole sector has no sub-sector code.
            sector = row["code_ss_sect_activite"].strip() or row["code_sect_activite"].strip()
            links[row["code_rome"].strip()]["sectors"].append((sector, row["principal"].strip() == "oui"))
        for row in self._rows("arborescence_thematique", ["code_theme", "code_rome"]):
            links[row["code_rome"].strip()]["themes"].append(row["code_theme"].strip())
        for entry in links.values():
            for key in entry:
                entry[key] = sorted(set(entry[key]))
        return fields, links

    def _import_fiches(self, domaines: dict[str, int]) -> dict[str, int]:
        fields, links = self._fiche_extras()
        self.links = links
        upserter = Upserter(self.context, RomeFiche, "code", label="fiches ROME")
        columns = ["code_rome", "code_ogr", "libelle_rome", "emploi_reglemente", "emploi_cadre"]
        for row in self._each("referentiel_code_rome", columns):
            code = row["code_rome"].strip()
            with self._rejecting("referentiel_code_rome", row, code):
                if not ROME_CODE.match(code):
                    raise RecordRejected(f"code ROME invalide : {code!r}", field="code_rome")
                title = rome_text(row["libelle_rome"])
                if not title:
                    raise RecordRejected("intitulé vide", field="libelle_rome")
                extra = fields.get(code, {})
                major, minor = extra.get("riasec_major", ""), extra.get("riasec_minor", "")
                if major not in RIASEC_CODES | {""} or minor not in RIASEC_CODES | {""}:
                    raise RecordRejected(f"code RIASEC inconnu : {major!r} {minor!r}", field="riasec")
                upserter.add(
                    code,
                    {
                        "ogr_code": row["code_ogr"].strip(),
                        "title": title,
                        "domaine_id": domaines.get(extra.get("domaine", code[:3])),
                        "definition": extra.get("definition", ""),
                        "access": extra.get("access", ""),
                        "is_regulated": flag(row, "emploi_reglemente"),
                        "is_executive": flag(row, "emploi_cadre"),
                        "ecological_transition": row.get("transition_eco").strip(),
                        "digital_transition": row.get("transition_num").strip(),
                        "demographic_transition": row.get("transition_demo").strip(),
                        "riasec_major": major,
                        "riasec_minor": minor,
                    },
                    extra=links.get(code),
                )
        result = upserter.finish()
        self.changed_fiches = set(result.changed)
        return result.pk_by_key

    def _import_appellations(self, fiches: dict[str, int]) -> None:
        upserter = Upserter(self.context, Appellation, "code", label="appellations")
        columns = ["code_ogr", "libelle_appellation_long", "libelle_appellation_court", "code_rome", "classification"]
        for row in self._each("referentiel_appellation", columns):
            code = row["code_ogr"].strip()
            with self._rejecting("referentiel_appellation", row, code):
                if not OGR_CODE.match(code):
                    raise RecordRejected(f"code OGR invalide : {code!r}", field="code_ogr")
                fiche = fiches.get(row["code_rome"].strip())
                if fiche is None:
                    raise RecordRejected(f"fiche ROME inconnue : {row['code_rome']!r}", field="code_rome")
                label = rome_text(row["libelle_appellation_long"])
                if not label:
                    raise RecordRejected("libellé vide", field="libelle_appellation_long")
                masculine, feminine = gendered_forms(label)
                upserter.add(
                    code,
                    {
                        "fiche_id": fiche,
                        "label": label,
                        "short_label": rome_text(row["libelle_appellation_court"]),
                        "masculine": masculine,
                        "feminine": feminine,
                        "is_main": row["classification"].strip() == "PRINCIPALE",
                        "is_rarely_used": flag(row, "peu_usite") is True,
                        "is_regulated": flag(row, "emploi_reglemente"),
                        "is_executive": flag(row, "emploi_cadre"),
                    },
                )
        upserter.finish()

    def _write_fiche_links(
        self,
        fiches: dict[str, int],
        skills: dict[str, int],
        interests: dict[str, int],
        sectors: dict[str, int],
        themes: dict[str, int],
    ) -> None:
        changed = sorted(self.changed_fiches)
        if not changed:
            return
        unknown: dict[str, set[str]] = defaultdict(set)

        def known(kind: str, mapping: dict[str, int], code: str) -> int | None:
            pk = mapping.get(code)
            if pk is None:
                unknown[kind].add(code)
            return pk

        mobility, fiche_skills, fiche_interests, fiche_sectors, fiche_themes = [], [], [], [], []
        progress = self.context.progress("liens des fiches", total=len(changed))
        for code in changed:
            fiche = fiches[code]
            entry = self.links.get(code) or {}
            for target, order in entry.get("mobility", []):
                if (target_pk := known("fiche cible de mobilité", fiches, target)) and target_pk != fiche:
                    mobility.append(MobilityLink(source_id=fiche, target_id=target_pk, order=order))
            for ogr, importance in entry.get("skills", []):
                if skill := known("compétence", skills, ogr):
                    fiche_skills.append(FicheSkill(fiche_id=fiche, skill_id=skill, importance=importance))
            for centre, is_main in entry.get("interests", []):
                if pk := known("centre d’intérêt", interests, centre):
                    fiche_interests.append(FicheInterest(fiche_id=fiche, centre_id=pk, is_main=is_main))
            for sector, is_main in entry.get("sectors", []):
                if pk := known("secteur", sectors, sector):
                    fiche_sectors.append(FicheSector(fiche_id=fiche, sector_id=pk, is_main=is_main))
            for theme in entry.get("themes", []):
                if pk := known("thème", themes, theme):
                    fiche_themes.append(RomeFiche.themes.through(romefiche_id=fiche, theme_id=pk))
            progress.advance()
        pks = [fiches[code] for code in changed]
        replace_children(MobilityLink, "source", pks, _dedupe(mobility, ("source_id", "target_id")))
        replace_children(FicheSkill, "fiche", pks, _dedupe(fiche_skills, ("fiche_id", "skill_id")))
        replace_children(FicheInterest, "fiche", pks, _dedupe(fiche_interests, ("fiche_id", "centre_id")))
        replace_children(FicheSector, "fiche", pks, _dedupe(fiche_sectors, ("fiche_id", "sector_id")))
        replace_children(
            RomeFiche.themes.through, "romefiche", pks, _dedupe(fiche_themes, ("romefiche_id", "theme_id"))
        )
        progress.finish()
        for kind, codes in unknown.items():
            shown = ", ".join(sorted(codes)[:8])
            self.context.note(f"{len(codes)} lien(s) vers un(e) {kind} absent(e) de l’export ignoré(s) : {shown}")


def _dedupe(rows: list[Any], key: tuple[str, str]) -> list[Any]:
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for row in rows:
        identity = tuple(getattr(row, attribute) for attribute in key)
        if identity not in seen:
            seen.add(identity)
            unique.append(row)
    return unique
