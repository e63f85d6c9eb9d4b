"""import_lheo on the real Intercarif samples, on generated feeds, and on hostile or broken input."""

import contextlib
import shutil
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from orientation.ingestion.models import Reject
from orientation.trainings.generator import generate
from orientation.trainings.lheo import LheoError, parse_formation
from orientation.trainings.models import Action, Formation, Provider, Session
from tests.conftest import assert_import_fails_and_changes_nothing, run_command
from tests.occupations.factories import RomeFicheFactory

pytestmark = pytest.mark.real_data

V22 = "http://www.lheo.org/2.2"
V23 = "http://lheo.gouv.fr/2.3"


@pytest.fixture
def samples(open_data):
    return sorted((open_data / "lheo" / "samples").glob("*.xml"))


@pytest.fixture
def generated(open_data, tmp_path):
    def make(actions: int, seed: int = 1) -> Path:
        path = tmp_path / f"generated-{actions}-{seed}.xml"
        generate(path, actions=actions, seed=seed, open_data=open_data)
        return path

    return make


def rewrite(path: Path, target: Path, old: str, new: str, count: int = 1) -> Path:
    target.write_text(path.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")
    return target


@pytest.mark.django_db
def test_every_sample_imports_and_reads_back(samples):
    RomeFicheFactory(code="F1604", title="Plaquiste")
    for sample in samples:
        output = run_command("import_lheo", str(sample), source=f"carif-{sample.stem}")
        assert "0 rejetés" in output, (sample.name, output)
    # Seven samples publish formation 07_10, each under its own source: seven copies.
    assert Formation.objects.filter(number="07_10").count() == 7
    formation = Formation.objects.filter(number="07_10").first()
    assert formation.title == "Titre professionnel plaquiste"
    assert formation.is_certifying
    assert formation.rncp_codes == ["320"]
    assert formation.certifinfo_codes == ["80735"]
    assert formation.formacode_codes == ["22403", "22402"]
    assert formation.nsf_codes == ["233"]
    assert [fiche.code for fiche in formation.rome_fiches.all()] == ["F1604"]
    assert formation.exit_level == "4"
    assert formation.provider.siret == "82422814200660"
    action = formation.actions.get(number="07_114782")
    assert action.place_name == "AFPA de Veigné"
    assert action.postcode == "37250"
    assert (round(action.latitude, 4), round(action.longitude, 4)) == (47.2861, 0.7377)
    assert action.funders == ["5", "10"]
    assert action.publics == ["83056"]
    assert action.provider.siret == "82422814201874"
    session = action.sessions.get()
    assert (str(session.start_date), str(session.end_date)) == ("2017-12-04", "2018-06-01")
    poec = Formation.objects.get(number="24_162227")
    assert poec.actions.get().hours_total == 400


@pytest.mark.django_db
def test_samples_read_back_through_the_api(client, samples):
    run_command("import_lheo", str(samples[0]), source="carif")
    action = Action.objects.get(number="07_114782")
    body = client.get(f"/api/v1/trainings/{action.pk}").json()
    assert body["title"] == "Titre professionnel plaquiste"
    assert body["provider"]["siret"] == "82422814200660"
    assert body["trainer"]["siret"] == "82422814201874"
    assert body["funders"] == ["5", "10"]
    assert body["sessions"][0]["start_date"] == "2017-12-04"
    assert client.get("/api/v1/trainings/999999").json()["code"] == "not_found"


@pytest.mark.django_db
def test_generated_feed_validates_against_lheo_xsd_and_imports_whole(open_data, generated):
    path = generated(300)
    schema = etree.XMLSchema(etree.parse(str(open_data / "lheo" / "lheo.xsd")))
    assert schema.validate(etree.parse(str(path))), schema.error_log
    output = run_command("import_lheo", str(path), source="generated")
    assert "0 rejetés" in output
    assert Action.objects.open().count() == 300
    assert Session.objects.count() >= 300
    assert Provider.objects.exists()
    assert "Aucun changement" in run_command("import_lheo", str(path), source="generated")


@pytest.mark.django_db
def test_full_feed_closes_absent_formations_and_reopens_returning_ones(generated, tmp_path):
    path = generated(60)
    run_command("import_lheo", str(path), source="carif")
    tree = etree.parse(str(path))
    offers = tree.getroot()[0]
    removed = [offers[0].get("numero"), offers[1].get("numero")]
    offers.remove(offers[0])
    offers.remove(offers[0])
    smaller = tmp_path / "smaller.xml"
    tree.write(str(smaller), encoding="utf-8", xml_declaration=True)

    output = run_command("import_lheo", str(smaller), source="carif", delta=True)
    assert not Formation.objects.filter(closed_at__isnull=False).exists()
    assert "flux partiel" in output

    output = run_command("import_lheo", str(smaller), source="carif")
    assert "2 formation(s) absente(s) du flux fermée(s)" in output
    closed = Formation.objects.filter(number__in=removed)
    assert len(closed) == 2  # not an empty set, on which all() would hold
    assert all(formation.closed_at for formation in closed)
    assert not Action.objects.open().filter(formation__in=closed).exists()
    assert not Session.objects.filter(action__formation__in=closed, closed_at__isnull=True).exists()

    run_command("import_lheo", str(path), source="carif")
    assert not Formation.objects.filter(number__in=removed, closed_at__isnull=False).exists()
    assert Action.objects.open().count() == 60


@pytest.mark.django_db
def test_bad_records_are_rejected_with_numero_path_and_reason_and_the_rest_goes_in(generated, tmp_path):
    path = generated(40)
    text = path.read_text(encoding="utf-8")
    first = text.index("<debut>")
    text = text[: first + 7] + "20270231" + text[first + 15 :]  # 31 February
    financeur = text.index("<code-financeur>", text.index('numero="GEN-F0000010"'))
    text = text[: financeur + 16] + "99" + text[text.index("</code-financeur>", financeur) :]
    path.write_text(text, encoding="utf-8")
    output = run_command("import_lheo", str(path), source="carif", max_reject_share=0.5)
    assert "2 rejetés" in output
    rejects = {reject.record: reject for reject in Reject.objects.all()}
    assert "date impossible" in rejects["GEN-F0000001"].reason
    assert rejects["GEN-F0000001"].field.endswith("/periode/debut")
    assert "code '99' absent de la liste LHEO" in rejects["GEN-F0000010"].reason
    assert rejects["GEN-F0000010"].field.endswith("/organisme-financeur/code-financeur")
    assert Formation.objects.count() == text.count("<formation ") - 2


@pytest.mark.django_db
def test_too_many_rejects_leave_the_previous_offer_in_place(generated, tmp_path):
    path = generated(40)
    run_command("import_lheo", str(path), source="carif")
    broken = rewrite(path, tmp_path / "broken.xml", "<certifiante>", "<certifiante>7", count=10)
    assert_import_fails_and_changes_nothing("import_lheo", broken, "seuil", source="carif")


@pytest.mark.django_db
def test_a_five_megabyte_text_is_rejected_alone(generated, tmp_path):
    path = generated(20)
    huge = "très long " * 500_000
    broken = rewrite(path, tmp_path / "huge.xml", "<contenu-formation>", f"<contenu-formation>{huge}")
    output = run_command("import_lheo", str(broken), source="carif", max_reject_share=0.5)
    assert "1 rejetés" in output
    assert "caractères, 3 000 au plus" in Reject.objects.get().reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda text: text[: len(text) // 2], "XML mal formé"),
        (lambda text: text.replace(V22, "http://example.org/other"), "espace de noms"),
    ],
    ids=["truncated", "wrong-namespace"],
)
def test_unreadable_files_change_nothing(samples, tmp_path, mutation, message):
    run_command("import_lheo", str(samples[0]), source="carif")
    broken = tmp_path / "broken.xml"
    broken.write_text(mutation(samples[0].read_text(encoding="utf-8")), encoding="utf-8")
    assert_import_fails_and_changes_nothing("import_lheo", broken, message, source="carif")


@pytest.mark.django_db
def test_entity_bomb_and_external_entity_do_nothing(samples, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT")
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "&a{i - 1};&a{i - 1};&a{i - 1};">' for i in range(1, 12))
    text = samples[0].read_text(encoding="utf-8")
    for doctype, value in (
        (f"<!DOCTYPE lheo [{entities}]>", "&a11;"),
        (f'<!DOCTYPE lheo [<!ENTITY x SYSTEM "file://{secret}">]>', "&x;"),
    ):
        hostile = tmp_path / "hostile.xml"
        body = text.replace("<lheo ", f"{doctype}<lheo ", 1)
        body = body.replace("Titre professionnel plaquiste", f"Titre {value}", 1)
        hostile.write_text(body, encoding="utf-8")
        with contextlib.suppress(CommandError):
            run_command("import_lheo", str(hostile), source="hostile", max_reject_share=1.0)
        titles = list(Formation.objects.values_list("title", flat=True))
        assert not any("SECRET-CONTENT" in title or len(title) > 300 for title in titles)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_samples_never_crash_the_parser(samples, data):
    sample = data.draw(st.sampled_from(samples))
    root = etree.parse(str(sample)).getroot()
    namespace = etree.QName(root).namespace
    formation = next(root.iter(f"{{{namespace}}}formation"))
    elements = list(formation.iter())
    for _step in range(data.draw(st.integers(min_value=1, max_value=4))):
        target = data.draw(st.sampled_from(elements))
        action = data.draw(st.sampled_from(["delete", "text", "attribute"]))
        if action == "delete" and target is not formation and target.getparent() is not None:
            target.getparent().remove(target)
            elements = list(formation.iter())
        elif action == "text":
            target.text = data.draw(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
        else:
            target.set("numero", data.draw(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10)))
    # Any outcome but a LheoError naming where it is, or a record, is a crash.
    problem: LheoError | None = None
    try:
        parse_formation(formation, namespace)
    except LheoError as error:
        problem = error
    if problem is not None:
        assert problem.path.startswith("formation")
        assert problem.reason


def test_parser_accepts_both_namespaces(samples, tmp_path):
    text = samples[0].read_text(encoding="utf-8")
    for namespace in (V22, V23):
        root = etree.fromstring(text.replace(V22, namespace).encode())
        formation = next(root.iter(f"{{{namespace}}}formation"))
        assert parse_formation(formation, namespace).number == "07_10"
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.mark.django_db
@pytest.mark.parametrize("first_load", [True, False])
def test_a_utf8_file_declared_iso_8859_1_is_refused_whole(generated, tmp_path, first_load):
    """« RÃ©aliser » must never reach the portal: the file is refused, naming where it shows."""
    path = generated(20)
    if not first_load:  # the source already has an offer: it stays as it was
        run_command("import_lheo", str(path), source="carif")
    text = path.read_text(encoding="utf-8").replace("<contenu-formation>", "<contenu-formation>Réaliser des ", 1)
    declared = tmp_path / "declared-latin1.xml"
    declaration, body = text.split("?>", 1)
    declared.write_bytes(('<?xml version="1.0" encoding="ISO-8859-1"' + "?>" + body).encode("utf-8"))
    assert declaration.startswith("<?xml")
    message = assert_import_fails_and_changes_nothing("import_lheo", declared, "mal encodé", "UTF-8", source="carif")
    assert "Ã" in message  # the text as it would have been shown, quoted
    assert "enregistrement GEN-F0000001" in message
    assert not Formation.objects.filter(content__contains="Ã©").exists()


@pytest.mark.django_db
def test_a_formation_that_takes_another_formations_action_is_rejected_naming_both(generated, tmp_path):
    path = generated(20)
    run_command("import_lheo", str(path), source="carif")
    tree = etree.parse(str(path))
    offers = tree.getroot()[0]
    ns = {"l": offers.nsmap[None]}
    first, second = offers[0], offers[1]
    taken = first.find("l:action", ns).get("numero")
    second.find("l:action", ns).set("numero", taken)
    second.find("l:intitule-formation", ns).text = "Intitulé changé pour que la formation soit relue"
    changed = tmp_path / "taken.xml"
    tree.write(str(changed), encoding="utf-8", xml_declaration=True)
    owner_before = Action.objects.get(number=taken).formation.number
    title_before = Formation.objects.get(number=second.get("numero")).title
    output = run_command("import_lheo", str(changed), source="carif", max_reject_share=0.5)
    assert "1 rejetés" in output
    reject = Reject.objects.get()
    assert reject.record == second.get("numero")
    assert taken in reject.reason
    assert first.get("numero") in reject.reason
    assert Action.objects.get(number=taken).formation.number == owner_before == first.get("numero")
    kept = Formation.objects.get(number=second.get("numero"))
    assert kept.title == title_before  # the rejected formation keeps its earlier version…
    assert kept.closed_at is None  # …and is not closed as absent
