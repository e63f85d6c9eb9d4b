"""Referrals between platforms: the JSON Schema validates what POST /api/v1/referrals accepts
and what the export produces; a partner reads the state back; a referral to a service received
through another platform is sent there, over HTTP on loopback."""

from __future__ import annotations

import copy
import http.server
import json
import secrets
import threading
from pathlib import Path

import jsonschema
import pytest

from orientation.referrals import exchange, services
from orientation.referrals.models import PartnerPlatform, Referral, token_digest
from tests.referrals.conftest import TRAINING, young_person

SCHEMA = Path(__file__).resolve().parents[2] / "orientation" / "referrals" / "schema" / "referral-v1.json"


def independent_validator() -> jsonschema.Validator:
    """The schema file read straight from the repository, checked by jsonschema itself."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture
def partner(db):
    token = secrets.token_urlsafe(24)
    platform = PartnerPlatform.objects.create(name="Plateforme voisine", token_digest=token_digest(token))
    platform.token = token
    return platform


def document(town, **changes) -> dict:
    found = {
        "version": "1",
        "id": "voisine-2027-000123",
        "sent_at": "2027-03-01T10:00:00+01:00",
        "sender": {"platform": "Plateforme voisine", "organisation": "Maison de l’emploi de Vendôme",
                   "adviser": "Claire Dubois", "email": "claire@voisine.example.org"},
        "service": {"id": f"orientation-pour-tous--offre-{town.offer.pk}"},
        "request": {"public": "jeunes", "age_band": "16-25", "situation": "sans-emploi-ni-formation",
                    "themes": [TRAINING], "text": "Projet de formation en logistique.", "commune": "41018"},
        "consent": {"given": True, "wording": "J’accepte que mes coordonnées soient transmises.",
                    "at": "2027-03-01T09:55:00+01:00", "shared": ["name", "email"]},
        "person": {"first_name": "Léa", "last_name": "Bernard", "email": "lea@example.org"},
        "message": "Disponible le matin.",
    }  # fmt: skip
    found.update(changes)
    return found


def post(client, partner, body, token=None):
    return client.post(
        "/api/v1/referrals",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token or partner.token}"},
    )


def test_a_partner_sends_a_referral_that_the_schema_validates(
    client, town, partner, mailoutbox, django_capture_on_commit_callbacks
):
    body = document(town)
    assert list(independent_validator().iter_errors(body)) == []
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, partner, body)
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(pk=response.json()["id"])
    assert (referral.partner, referral.external_id, referral.offer) == (partner, "voisine-2027-000123", town.offer)
    assert (referral.first_name, referral.email, referral.phone) == ("Léa", "lea@example.org", "")
    assert referral.commune == town.blois
    assert mailoutbox[0].to == ["accueil@ml-blois.example.org"]
    assert "Maison de l’emploi de Vendôme" in mailoutbox[0].body
    # The same document again: the same referral.
    again = post(client, partner, body)
    assert again.status_code == 200
    assert again.json()["id"] == referral.pk
    assert Referral.objects.count() == 1
    # The partner reads the state back, as a document the schema validates.
    services.referral_accept(referral=referral, actor=services.SECURE_LINK, message="RDV le 4 mars")
    state = client.get(response.json()["status_url"], headers={"Authorization": f"Bearer {partner.token}"}).json()
    assert list(independent_validator().iter_errors(state)) == []
    assert state["state"] == "accepted"
    assert state["id"] == "voisine-2027-000123"
    assert state["answer"]["message"] == "RDV le 4 mars"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"version": "2"}, "version"),
        ({"service": {"id": "orientation-pour-tous--offre-999999"}}, "service/id"),
        ({"consent": {"given": False, "shared": ["name"]}}, "consent/shared"),
        (
            {"request": {"public": "jeunes", "age_band": "30", "situation": "autre", "themes": [TRAINING]}},
            "request/age_band",
        ),
        (
            {"request": {"public": "jeunes", "age_band": "16-25", "situation": "autre", "themes": ["cuisine"]}},
            "request/themes/0",
        ),
        ({"person": {"email": "pas-une-adresse"}}, "person/email"),
        ({"sent_at": "hier"}, "sent_at"),
        ({"sent_at": "2027-03-01T10:00:00"}, "sent_at"),  # no offset: which hour is it?
    ],
)
def test_a_bad_document_is_refused_whole_naming_the_field(client, town, partner, change, field):
    body = document(town, **change)
    response = post(client, partner, body)
    assert response.status_code == 422
    answer = response.json()
    assert answer["code"] == "invalid_referral"
    assert field in [error["field"] for error in answer["errors"]], answer
    assert not Referral.objects.exists()
    if field not in (
        "service/id",
        "request/themes/0",
        "sent_at",
    ):  # checked against our data, or read, not by the schema
        assert list(independent_validator().iter_errors(body)), "the schema itself refuses it"


def test_without_a_valid_token_nothing_is_received_or_read(client, town, partner):
    assert post(client, partner, document(town), token="faux").status_code == 401
    assert client.post("/api/v1/referrals", data="{}", content_type="application/json").status_code == 401
    partner.active = False
    partner.save()
    assert post(client, partner, document(town)).status_code == 401
    assert not Referral.objects.exists()


def test_what_we_export_validates_against_the_schema(town):
    validator = independent_validator()
    anonymous = young_person(town, consent=False)
    referral, _links = services.referral_send(interview=anonymous, offer=town.offer, by_user=town.adviser)
    assert list(validator.iter_errors(exchange.referral_document(referral))) == []
    with_consent = young_person(town)
    referral, _links = services.referral_send(
        interview=with_consent, offer=town.pij_offer, by_user=town.adviser, share=["name", "phone", "email"]
    )
    exported = exchange.referral_document(referral)
    assert list(validator.iter_errors(exported)) == []
    assert exported["person"] == {
        "first_name": "Inès",
        "last_name": "Martin",
        "phone": "06 12 34 56 78",
        "email": "ines@example.org",
    }
    assert exported["service"]["id"] == f"orientation-pour-tous--offre-{town.pij_offer.pk}"
    # And what we export is what a partner may send us.
    broken = copy.deepcopy(exported)
    broken["consent"]["shared"] = ["name", "password"]
    assert list(validator.iter_errors(broken))


class _Partner(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Partner.received.append({"body": body, "authorization": self.headers["Authorization"]})
        answer = json.dumps({"id": "chez-eux-77", "state": "sent"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def test_a_referral_to_a_service_of_another_platform_is_sent_there(town, partner, django_capture_on_commit_callbacks):
    from orientation.referrals.tasks import forward_referral

    server = http.server.HTTPServer(("127.0.0.1", 0), _Partner)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Partner.received.clear()
    partner.endpoint_url = f"http://127.0.0.1:{server.server_port}/api/referrals"
    partner.outgoing_token = "jeton-chez-eux"
    partner.save()
    partner.organisations.add(town.mission_locale)
    interview = young_person(town)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            referral, _links = services.referral_send(
                interview=interview, offer=town.offer, by_user=town.adviser, share=["name"]
            )
        assert callbacks, "the referral goes to the partner once committed"
        assert forward_referral.call(referral.pk) is True
    finally:
        server.shutdown()
    [sent] = _Partner.received
    assert sent["authorization"] == "Bearer jeton-chez-eux"
    assert list(independent_validator().iter_errors(sent["body"])) == []
    assert sent["body"]["person"] == {"first_name": "Inès", "last_name": "Martin"}
    referral.refresh_from_db()
    assert referral.external_id == "chez-eux-77"
    assert referral.events.get(action="forwarded").actor == "Plateforme voisine"


def test_a_partner_that_does_not_answer_is_recorded(town, partner):
    partner.endpoint_url = "http://127.0.0.1:9/closed"  # discard port: nothing listens
    partner.save()
    partner.organisations.add(town.mission_locale)
    referral, _links = services.referral_send(interview=young_person(town), offer=town.offer, by_user=town.adviser)
    referral.refresh_from_db()
    assert services.referral_forward(referral) is False
    assert referral.events.get(action="forward_failed").note
