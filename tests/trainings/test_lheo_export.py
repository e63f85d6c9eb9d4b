"""The offer written back in LHEO 2.3: valid against lheo.xsd, read back by import_lheo into the
same formations, actions and sessions, and what cannot be written left out with its field named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from orientation.ingestion.models import RecordProvenance
from orientation.trainings.generator import generate
from orientation.trainings.lheo_export import write_offer
from orientation.trainings.models import Action, Formation, Provider, Session
from tests.conftest import run_command
from tests.trainings.factories import ActionFactory, FormationFactory, ProviderFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.real_data]

FORMATION_FIELDS = [
    "number",
    "title",
    "objective",
    "expected_results",
    "content",
    "is_certifying",
    "rncp_codes",
    "certifinfo_codes",
    "formacode_codes",
    "nsf_codes",
    "rome_codes",
    "entry_level",
    "exit_level",
    "general_objective",
    "path_kind",
    "url",
    "contact",
    "provider__siret",
    "provider__name",
    "provider__activity_number",
]
ACTION_FIELDS = [
    "number",
    "formation__number",
    "place_name",
    "address",
    "postcode",
    "city",
    "commune__code",
    "rhythm",
    "teaching_mode",
    "entry_exit_mode",
    "is_work_study",
    "work_study_details",
    "hours_total",
    "hours_in_centre",
    "hours_in_company",
    "price",
    "price_details",
    "funders",
    "publics",
    "entry_conditions",
    "specific_conditions",
    "language",
    "url",
]
SESSION_FIELDS = ["number", "action__number", "start_date", "end_date", "recruitment"]


@pytest.fixture
def schema(open_data: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(open_data / "lheo" / "lheo.xsd")))


def snapshot() -> dict[str, Any]:
    """The offer on line, as the platform shows it (keys and timestamps aside)."""

    def rows(queryset: Any, fields: list[str]) -> list[tuple[Any, ...]]:
        return sorted(tuple(str(value) for value in row) for row in queryset.values_list(*fields))

    return {
        "formations": rows(Formation.objects.filter(closed_at__isnull=True), FORMATION_FIELDS),
        "actions": rows(Action.objects.filter(closed_at__isnull=True), ACTION_FIELDS),
        "sessions": rows(Session.objects.filter(closed_at__isnull=True), SESSION_FIELDS),
        # whoever trains: the action's own provider, else the formation's
        "trainers": sorted(
            (action.number, (action.provider or action.formation.provider).siret)
            for action in Action.objects.filter(closed_at__isnull=True).select_related(
                "provider", "formation__provider"
            )
        ),
    }


def forget_the_offer() -> None:
    Session.objects.all().delete()
    Action.objects.all().delete()
    Formation.objects.all().delete()
    Provider.objects.all().delete()


def test_a_feed_written_back_is_valid_and_imports_into_the_same_offer(open_data, schema, tmp_path):
    feed = tmp_path / "feed.xml"
    generate(feed, actions=120, seed=7, open_data=open_data)
    run_command("import_lheo", str(feed), source="carif")
    before = snapshot()
    assert len(before["actions"]) == 120
    exported = tmp_path / "offer.xml"
    written = write_offer(exported)
    assert (written.formations, written.actions, written.sessions, written.left_out) == (
        len(before["formations"]),
        120,
        len(before["sessions"]),
        [],
    )
    assert schema.validate(etree.parse(str(exported))), schema.error_log
    forget_the_offer()
    output = run_command("import_lheo", str(exported), source="carif")
    assert "0 rejetés" in output, output
    assert snapshot() == before


def test_the_demo_offer_is_written_whole(schema, tmp_path):
    run_command("load_demo_data")
    exported = tmp_path / "offer.xml"
    written = write_offer(exported)
    assert written.left_out == []
    assert written.actions == Action.objects.open().count()
    assert schema.validate(etree.parse(str(exported))), schema.error_log


def test_what_cannot_be_written_is_left_out_and_named_and_closed_rows_stay_out(schema, tmp_path):
    complete = ProviderFactory(siret="99912345678903", activity_number="24370000001", address="3 rue de la Gare")
    kept = FormationFactory(number="KEPT", provider=complete, path_kind="1")
    SessionFactory(action=ActionFactory(number="A-OK", formation=kept, publics=["80056"], address="1 rue Haute"))
    SessionFactory(action=ActionFactory(number="A-NO-PUBLIC", formation=kept, publics=[], address="1 rue Haute"))
    SessionFactory(action=ActionFactory(number="A-CLOSED", formation=kept, publics=["80056"], closed=True))
    ActionFactory(number="A-NO-SESSION", formation=kept, publics=["80056"], address="1 rue Haute")
    SessionFactory(action=ActionFactory(number="A-NO-ADDRESS", formation=kept, publics=["80056"], address=""))
    no_siret = FormationFactory(number="NO-SIRET", provider=ProviderFactory(siret=""), path_kind="1")
    SessionFactory(action=ActionFactory(formation=no_siret, publics=["80056"], address="1 rue Haute"))
    no_path = FormationFactory(number="NO-PATH", provider=complete, path_kind="")
    SessionFactory(action=ActionFactory(formation=no_path, publics=["80056"], address="1 rue Haute"))
    exported = tmp_path / "offer.xml"
    written = write_offer(exported)
    assert schema.validate(etree.parse(str(exported))), schema.error_log
    numbers = [element.get("numero") for element in etree.parse(str(exported)).iter("{*}action")]
    assert numbers == ["A-OK"]
    assert (written.formations, written.actions) == (1, 1)
    named = {(item.record, item.field) for item in written.left_out}
    assert named == {
        ("formation KEPT, action A-NO-PUBLIC", "code-public-vise"),
        ("formation KEPT, action A-NO-SESSION", "session"),
        ("formation KEPT, action A-NO-ADDRESS", "session/adresse-inscription"),
        ("formation NO-SIRET", "organisme-formation-responsable/SIRET-organisme-formation"),
        ("formation NO-PATH", "parcours-de-formation"),
    }


def test_reparse_completes_providers_without_touching_unchanged_formations(open_data, tmp_path):
    feed = tmp_path / "feed.xml"
    generate(feed, actions=60, seed=3, open_data=open_data)
    run_command("import_lheo", str(feed), source="carif")
    complete = dict(Provider.objects.values_list("siret", "activity_number"))
    stamps = dict(Action.objects.values_list("number", "updated_at"))
    # what the import wrote before its fix: providers met as trainers first, without their number,
    # under the fingerprint of those incomplete values
    Provider.objects.update(activity_number="", address="")
    RecordProvenance.objects.filter(content_type__model="provider").update(content_hash="trainer-only")
    run_command("import_lheo", str(feed), source="carif")  # unchanged bytes: not even parsed
    assert set(Provider.objects.values_list("activity_number", flat=True)) == {""}
    run_command("import_lheo", str(feed), source="carif", reparse=True)
    assert dict(Provider.objects.values_list("siret", "activity_number")) == complete
    assert dict(Action.objects.values_list("number", "updated_at")) == stamps  # re-users see no change
