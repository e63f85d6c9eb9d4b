import pytest

from orientation.directory.models import Place, ServiceOffer
from orientation.ingestion.models import Source
from orientation.occupations.models import RomeFiche
from orientation.trainings.models import Action, Formation
from tests.conftest import run_command

pytestmark = pytest.mark.django_db


def test_demo_data_makes_a_living_site_and_loads_once(client):
    output = run_command("bootstrap_data")
    assert "données de démonstration" in output
    assert RomeFiche.objects.count() == 50
    assert Action.objects.open().count() == 500
    assert Formation.objects.filter(rome_fiches__isnull=False).distinct().count() == Formation.objects.count()
    assert Place.objects.count() == 100
    assert Place.objects.located().count() == 100
    assert ServiceOffer.objects.filter(level=ServiceOffer.Level.SECOND).exists()
    for offer in ServiceOffer.objects.all()[:20]:
        offer.full_clean()
    for place in Place.objects.all()[:20]:
        place.full_clean()
        assert place.hours.is_known
    assert Source.objects.filter(kind=Source.Kind.DEMO).exists()

    page = client.get("/").content.decode()
    assert "Site de démonstration" in page
    assert "500" in page
    fiche = RomeFiche.objects.filter(mobility_links__isnull=False).first()
    assert client.get(fiche.get_absolute_url()).status_code == 200

    # The demo's label files: two labels in force (Blois's grouping, Nantes's close to renewal)
    # and files under instruction: Angers's and Orléans's with the CCREFP, Tours's with the
    # prefecture; shown in the registry and on the places.
    from orientation.labels.models import Application, Label

    assert Label.objects.filter(state=Label.State.ACTIVE).count() == 2
    transmitted = Application.objects.filter(state=Application.State.TRANSMITTED)
    assert sorted(application.organisation.places.first().city for application in transmitted) == ["Angers", "Orléans"]
    assert {application.current_deadline().rule.actor for application in transmitted} == {"ccrefp"}
    submitted = Application.objects.get(state=Application.State.SUBMITTED)
    assert submitted.current_deadline().rule.actor == "prefecture"
    registry = client.get("/label/").content.decode()
    assert "Réseau orientation du Blésois" in registry
    labelled = Label.objects.get(application__grouping__isnull=False).application.sites.first()
    assert "Labellisé Orientation pour tous" in client.get(f"/lieux/{labelled.pk}/").content.decode()
    assert "Labellisé Orientation pour tous" in client.get("/recherche/?ou=Blois&type=lieux").content.decode()

    assert "déjà des données" in run_command("bootstrap_data")
    assert "Aucun changement" in run_command("load_demo_data")
    assert Label.objects.count() == 2
