"""Import a training-offer feed in LHEO 2.2 or 2.3, as the Carif-Oref publish it.

    manage.py import_lheo FILE_OR_URL --source NAME [--delta] [--reparse] [--max-reject-share 0.05]

The file is read as a stream of ``<formation>`` elements by a parser that resolves no
entity and loads no DTD. Each formation is checked against the rules of lheo.xsd that
matter; an invalid one is rejected with its ``numero``, the element path and the
reason, and the valid ones go in. A full feed (the default) replaces the source's
offer: formations absent from it are closed (kept, with an end date, hidden from
search), never deleted; ``--delta`` only adds and updates. The run is one transaction:
readers see the previous offer until it commits, and a run that fails or rejects
more than the allowed share of formations changes nothing and says why.

A formation whose bytes are those of the last run is not even parsed. ``--reparse`` parses every
one all the same (what is unchanged is still not written): after a fix in how a record is read,
for instance providers written from an action's trainer only (SIRET and name) before their own
formations completed them.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from lxml import etree

from orientation.ingestion.base import BATCH_SIZE, ImportCommand, ImportContext, Upserter
from orientation.ingestion.errors import InputError, RecordProblem, RecordRejected
from orientation.ingestion.models import RecordProvenance, Source
from orientation.ingestion.pipeline import in_background
from orientation.ingestion.readers import hardened_xml_parser_options, local_file
from orientation.occupations.models import RomeFiche
from orientation.territories.geo import is_in_france
from orientation.territories.geocoding import Geocoder
from orientation.territories.models import Commune, FormerCommune
from orientation.trainings.lheo import (
    ActionRecord,
    Address,
    FeedItem,
    FormationRecord,
    LheoError,
    MisencodedText,
    ProviderRecord,
    misencoded_error,
    parse_formation,
    read_feed,
)
from orientation.trainings.models import Action, Formation, Provider, Session

CLOSED = "closed"  # provenance hash of a closed record: its return counts as a change


class Command(ImportCommand):
    help = __doc__
    source_name = "lheo"
    source_kind = Source.Kind.LHEO
    source_label = "Offre de formation (LHEO)"
    path_help = "fichier LHEO (XML) ou URL HTTPS"
    max_reject_share = 0.05
    #: set by --delta and --max-reject-share; the defaults serve callers of execute_import
    delta = False
    reparse = False
    absent_label = "fermés (absents du flux)"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--delta", action="store_true", help="flux partiel : ne ferme pas les formations absentes")
        parser.add_argument(
            "--reparse", action="store_true", help="relit chaque formation, même inchangée (n’écrit que ce qui change)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.delta = options["delta"]
        self.reparse = options["reparse"]
        super().handle(*args, **options)

    # -- import ------------------------------------------------------------------------

    def run_import(self, context: ImportContext, path: str) -> None:
        self.context = context
        self.now = timezone.now()
        self.geocoder = Geocoder()
        self.postal_cache: dict[tuple[str, str], tuple[int | None, float | None, float | None]] = {}
        self.communes = {
            code: (pk, lat, lon)
            for code, pk, lat, lon in Commune.objects.values_list("code", "pk", "latitude", "longitude")
        }
        for code, pk, lat, lon in FormerCommune.objects.values_list(
            "code", "commune_id", "commune__latitude", "commune__longitude"
        ):
            self.communes.setdefault(code, (pk, lat, lon))
        self.fiches = dict(RomeFiche.objects.values_list("code", "pk"))
        self.providers = Upserter(context, Provider, None, label="organismes", preload=False)
        self.provider_pks: dict[str, int] = {}
        #: providers written so far from a trainer's mention only (see _write)
        self.trainers_only: set[str] = set()
        self.formations = Upserter(context, Formation, None, label="formations", preload=False)
        self.actions = Upserter(context, Action, None, label="actions", preload=False)
        self.sessions = Upserter(context, Session, None, label="sessions", preload=False)
        self.action_owners: dict[str, str] = {}  # action number → formation number, in this run
        self.parser = etree.XMLParser(**hardened_xml_parser_options())
        # A source's first feed has nothing to compare with: every formation is parsed.
        self.first_load = not RecordProvenance.objects.filter(
            source=context.source, content_type__app_label="trainings", content_type__model="formation"
        ).exists()
        batch: list[FeedItem] = []
        progress = context.progress("formations")
        with local_file(path, suffix=".xml", stdout=self.stdout) as file:
            self.file_label = path if path.startswith("https://") else file.name
            # The feed is read and parsed in a second process while this one writes.
            for item in in_background(partial(read_feed, file, parse=self.first_load)):
                context.record_count += 1
                progress.advance()
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    self._process(batch)
                    batch = []
            if batch:
                self._process(batch)
        progress.finish()
        if context.record_count == 0:
            raise InputError(Path(path).name, "aucune <formation> dans ce document")
        context.check_rejects()
        self.providers.finish()
        result = self.formations.finish()
        self.actions.finish()
        self.sessions.finish()
        if self.delta:
            context.counts.absent = 0
            context.note("flux partiel (--delta) : les formations absentes sont conservées ouvertes")
        else:
            closed = self._close_absent(result.absent_keys)
            context.counts.absent = closed
            context.note(f"{closed} formation(s) absente(s) du flux fermée(s)")

    def _process(self, batch: list[FeedItem]) -> None:
        """Write the formations of a batch that are new or changed; parse those not parsed yet."""
        unchanged: set[str] = set()
        if not self.first_load and not self.reparse:
            unchanged = self.formations.skip_unchanged([(item.number, item.digest) for item in batch])
        parsed: list[tuple[FormationRecord, str]] = []
        for item in batch:
            if item.number in unchanged:
                continue
            if item.record is None and item.error is None:
                try:
                    element = etree.fromstring(item.raw, self.parser)
                except etree.XMLSyntaxError as error:
                    # An entity the document declared in its DOCTYPE is never expanded.
                    self._reject(item, "", f"contenu XML refusé : {error.msg}")
                    continue
                try:
                    item.record = parse_formation(element, item.namespace)
                except MisencodedText as error:
                    raise misencoded_error(self.file_label, error, line=item.line, record=item.number) from None
                except LheoError as error:
                    item.error = error
            if item.error is not None:
                self._reject(item, item.error.path, item.error.reason)
            elif item.record is not None:
                parsed.append((item.record, item.digest))
        self._write(parsed)

    def _reject(self, item: FeedItem, field: str, reason: str) -> None:
        self.context.reject(
            RecordProblem(file=self.file_label, line=item.line, record=item.number, field=field, reason=reason)
        )
        self.formations.keep(item.number)  # its earlier version, if any, stays as it was

    def _clashing_actions(self, batch: list[FormationRecord]) -> list[FormationRecord]:
        """The formations whose actions keep to themselves. An action number that belongs to
        another formation of this source (in this file or from an earlier run) would move that
        action silently: the formation is rejected, naming both."""
        numbers = [action.number for record in batch for action in record.actions]
        owned = dict(
            Action.objects.filter(
                pk__in=RecordProvenance.objects.filter(
                    source=self.context.source, content_type=self.actions.content_type, external_id__in=numbers
                ).values("object_id")
            ).values_list("number", "formation__number")
        )
        kept = []
        for record in batch:
            clash = next(
                (
                    (action.number, owner)
                    for action in record.actions
                    for owner in [self.action_owners.get(action.number) or owned.get(action.number)]
                    if owner is not None and owner != record.number
                ),
                None,
            )
            if clash is not None:
                self.context.reject(
                    RecordProblem(
                        file=self.file_label,
                        record=record.number,
                        field="action/@numero",
                        reason=f"l’action n° {clash[0]!r} est déjà celle de la formation n° {clash[1]!r} : une action "
                        "ne change pas de formation ; donnez-lui un numéro nouveau",
                    )
                )
                self.formations.keep(record.number)
                continue
            for action in record.actions:
                self.action_owners[action.number] = record.number
            kept.append(record)
        return kept

    def _write(self, fingerprinted: list[tuple[FormationRecord, str]]) -> None:
        if not fingerprinted:
            return
        batch = self._clashing_actions([record for record, _digest in fingerprinted])
        digests = {record.number: digest for record, digest in fingerprinted}
        # A provider named as an action's trainer (its SIRET and name only) may be another
        # formation's responsible (with its activity number, address and contacts): the batch's
        # responsibles first, so that their full record is the one written.
        for record in batch:
            self._add_provider(record.provider, responsible=True)
        for record in batch:
            for action in record.actions:
                if action.provider is not None:
                    self._add_provider(action.provider, responsible=False)
        self.providers.flush()
        for record in batch:
            for provider in [record.provider, *(a.provider for a in record.actions if a.provider)]:
                if provider.key not in self.provider_pks:
                    pk = self.providers.pk_of(provider.key)
                    assert pk is not None
                    self.provider_pks[provider.key] = pk
        for record in batch:
            try:
                self.formations.add(record.number, self._formation_values(record), digest=digests[record.number])
            except RecordRejected as rejected:  # the same numero twice in the file
                self.context.reject(
                    RecordProblem(file=self.file_label, record=record.number, field="formation", reason=rejected.reason)
                )
        changed = self.formations.flush()
        if not changed:
            return
        records = {record.number: record for record in batch}
        action_owner: dict[str, int] = {}
        for number, (pk, _extra) in changed.items():
            for action in records[number].actions:
                action_owner[action.number] = pk
                self.actions.add(action.number, self._action_values(action, pk))
        changed_actions = self.actions.flush()
        actions_by_number = {a.number: a for number in changed for a in records[number].actions}
        for action_number, (action_pk, _extra) in changed_actions.items():
            for session in actions_by_number[action_number].sessions:
                self.sessions.add(
                    session.number,
                    {
                        "number": session.number,
                        "action_id": action_pk,
                        "start_date": session.start_date,
                        "end_date": session.end_date,
                        "registration_start": session.registration_start,
                        "registration_end": session.registration_end,
                        "recruitment": session.recruitment,
                        "closed_at": None,
                    },
                )
        self.sessions.flush()
        formation_pks = [pk for pk, _extra in changed.values()]
        # Actions and sessions that a changed formation no longer lists are closed.
        current_actions = set(Action.objects.filter(formation_id__in=formation_pks).values_list("pk", flat=True))
        listed = {self.actions.pk_of(number) for number in action_owner}
        self._close(Action, Action.objects.filter(pk__in=current_actions - listed, closed_at__isnull=True))
        listed_sessions = {
            self.sessions.pk_of(session.number)
            for number in changed_actions
            for session in actions_by_number[number].sessions
        }
        self._close(
            Session,
            Session.objects.filter(
                action_id__in=[pk for pk, _extra in changed_actions.values()], closed_at__isnull=True
            ).exclude(pk__in=[pk for pk in listed_sessions if pk is not None]),
        )
        # A changed formation changes what its actions say (its title, its sessions…): each action's
        # updated_at says so, for the re-users who sync with updated_since=.
        Action.objects.filter(formation_id__in=formation_pks).update(updated_at=self.now)
        through = Formation.rome_fiches.through
        through.objects.filter(formation_id__in=formation_pks).delete()
        through.objects.bulk_create(
            [
                through(formation_id=pk, romefiche_id=self.fiches[code])
                for number, (pk, _extra) in changed.items()
                for code in sorted(set(records[number].rome_codes))
                if code in self.fiches
            ]
        )

    def _add_provider(self, provider: ProviderRecord, *, responsible: bool) -> None:
        """A trainer's mention carries the SIRET and the name only: it writes those two columns,
        never blanking what a responsible's record wrote (activity number, address, contacts)."""
        key = provider.key
        if key in self.provider_pks or key in self.providers.seen:
            if responsible and key in self.trainers_only and key in self.provider_pks:
                # written by an earlier batch of this run from a trainer's mention: completed now
                Provider.objects.filter(pk=self.provider_pks[key]).update(**self._provider_values(provider))
                self.trainers_only.discard(key)
            return
        if responsible:
            self.providers.add(key, self._provider_values(provider))
        else:
            self.trainers_only.add(key)
            self.providers.add(key, {"siret": provider.siret, "name": provider.name[:300]})

    def _provider_values(self, provider: ProviderRecord) -> dict[str, Any]:
        commune_pk, _lat, _lon = self._commune(provider.address)
        return {
            "siret": provider.siret,
            "name": provider.name[:300],
            "activity_number": provider.activity_number,
            "address": ", ".join(provider.address.lines)[:300],
            "postcode": provider.address.postcode,
            "city": provider.address.city[:200],
            "commune_id": commune_pk,
            "phone": provider.phone[:30],
            "email": provider.email if "@" in provider.email else "",
            "website": provider.website[:500],
        }

    def _formation_values(self, record: FormationRecord) -> dict[str, Any]:
        return {
            "number": record.number,
            "provider_id": self.provider_pks[record.provider.key],
            "title": record.title,
            "objective": record.objective,
            "expected_results": "" if record.expected_results == "-" else record.expected_results,
            "content": record.content,
            "is_certifying": record.is_certifying,
            "rncp_codes": record.rncp_codes,
            "certifinfo_codes": record.certifinfo_codes,
            "formacode_codes": record.formacode_codes,
            "nsf_codes": record.nsf_codes,
            "rome_codes": record.rome_codes,
            "entry_level": record.entry_level,
            "exit_level": record.exit_level,
            "general_objective": record.general_objective,
            "path_kind": record.path_kind,
            "url": record.url[:1000],
            "contact": record.contact,
            "closed_at": None,
        }

    def _action_values(self, action: ActionRecord, formation_pk: int) -> dict[str, Any]:
        commune_pk, latitude, longitude = self._commune(action.address)
        own = (action.address.latitude, action.address.longitude)
        if own[0] is not None and own[1] is not None and is_in_france(own[0], own[1]):
            latitude, longitude = own
        return {
            "number": action.number,
            "formation_id": formation_pk,
            "provider_id": self.provider_pks[action.provider.key] if action.provider else None,
            "place_name": action.place_name[:300],
            "address": ", ".join(action.address.lines)[:300],
            "postcode": action.address.postcode,
            "city": action.address.city[:200],
            "commune_id": commune_pk,
            "latitude": latitude,
            "longitude": longitude,
            "rhythm": action.rhythm,
            "teaching_mode": action.teaching_mode,
            "entry_exit_mode": action.entry_exit_mode,
            "is_work_study": bool(action.work_study_details),
            "work_study_details": action.work_study_details,
            "hours_total": action.hours_total,
            "hours_in_centre": action.hours_in_centre,
            "hours_in_company": action.hours_in_company,
            "price": action.price,
            "price_details": action.price_details,
            "funders": action.funders,
            "publics": action.publics,
            "entry_conditions": action.entry_conditions,
            "specific_conditions": action.specific_conditions,
            "recruitment": action.recruitment,
            "language": action.language[:50],
            "accessibility": action.accessibility,
            "url": action.url[:1000],
            "closed_at": None,
        }

    def _commune(self, address: Address) -> tuple[int | None, float | None, float | None]:
        """Commune and its coordinates: by INSEE code, else by postcode and city."""
        if address.insee_code and address.insee_code in self.communes:
            return self.communes[address.insee_code]
        if not address.postcode:
            return None, None, None
        key = (address.postcode, address.city)
        if key not in self.postal_cache:
            found = self.geocoder.by_postcode(address.postcode, address.city or None)
            self.postal_cache[key] = (
                (found.commune.pk, found.latitude, found.longitude) if found else (None, None, None)
            )
        return self.postal_cache[key]

    def _close(self, model: type[Action] | type[Session] | type[Formation], queryset: Any) -> int:
        pks = list(queryset.values_list("pk", flat=True))
        if not pks:
            return 0
        # updated_at too: a re-user's incremental sync (updated_since=) sees what closed
        stamp = {"updated_at": self.now} if any(field.name == "updated_at" for field in model._meta.fields) else {}
        model._default_manager.filter(pk__in=pks).update(closed_at=self.now, **stamp)
        RecordProvenance.objects.filter(
            source=self.context.source,
            content_type__app_label="trainings",
            content_type__model=model._meta.model_name,
            object_id__in=pks,
        ).update(content_hash=CLOSED, last_changed_run=self.context.run)
        return len(pks)

    def _close_absent(self, absent_keys: set[str]) -> int:
        keys = sorted(absent_keys)
        closed = 0
        for start in range(0, len(keys), BATCH_SIZE):
            pks = list(
                RecordProvenance.objects.filter(
                    source=self.context.source,
                    content_type__app_label="trainings",
                    content_type__model="formation",
                    external_id__in=keys[start : start + BATCH_SIZE],
                ).values_list("object_id", flat=True)
            )
            closed += self._close(Formation, Formation.objects.filter(pk__in=pks, closed_at__isnull=True))
            self._close(Action, Action.objects.filter(formation_id__in=pks, closed_at__isnull=True))
            self._close(Session, Session.objects.filter(action__formation_id__in=pks, closed_at__isnull=True))
        return closed
