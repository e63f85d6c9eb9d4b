"""No log holds a secret link's token, a phone number or an e-mail address: neither Django's
log (a 404 on a person's link is a ``django.request`` warning naming its path), nor the e-mail
backend's, nor gunicorn's access log (the request line and its referrer)."""

from __future__ import annotations

import io
import logging
import re
import urllib.error
import urllib.request

import pytest
from django.test import Client

from orientation.contact.models import Callback
from orientation.referrals import services
from orientation.utils.log_privacy import mask
from tests.conftest import gunicorn_server
from tests.referrals.conftest import young_person

PERSONAL = ["06 12 34 56 78", "+33612345678", "0612345678", "ines@example.org", "accueil@ml-blois.example.org"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("GET /orientation/suivi/AbC-12_x/ HTTP/1.1", "GET /orientation/suivi/…/ HTTP/1.1"),
        ("/orientation/suivi/AbC/mes-donnees.json", "/orientation/suivi/…/mes-donnees.json"),
        ("Not Found: /orientation/recevoir/zz9?x=1", "Not Found: /orientation/recevoir/…?x=1"),
        ("/gestion/double-authentification/activer/eyJ1:1x:sig/", "/gestion/double-authentification/activer/…/"),
        ("à ines.martin+cv@example.org et a%40b.fr", "à [adresse] et [adresse]"),
        ("06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, +33254785487", "[numéro], [numéro], [numéro], [numéro]"),
        ("/recherche/?q=infirmier&page=2 200 1234", "/recherche/?q=infirmier&page=2 200 1234"),
        ("/api/v1/trainings/12345678 200", "/api/v1/trainings/12345678 200"),
        # a search index's version is not a phone number
        ("Index 20261206-030652-1234-327621 reçu", "Index 20261206-030652-1234-327621 reçu"),
        (
            "GET /mon-espace/connexion/lien/?lien=AAAAAQ8NCJS9&suite=/x",
            "GET /mon-espace/connexion/lien/?lien=…&suite=/x",
        ),
        ("/mon-espace/alertes/eyJzIjoxfQ:1x:sig/", "/mon-espace/alertes/…/"),
        ("/mon-espace/connexion/oidc/retour/?code=Zx9&state=abc", "/mon-espace/connexion/oidc/retour/?code=…&state=…"),
    ],
)
def test_the_mask(text, masked):
    assert mask(text) == masked


@pytest.fixture
def project_log():
    """What the project's own log handlers (settings.LOGGING, with their filter) write."""
    stream = io.StringIO()
    handlers = [handler for handler in logging.getLogger().handlers if isinstance(handler, logging.StreamHandler)]
    assert any(handler.filters for handler in handlers), "the root handler of settings.LOGGING"
    previous = [handler.setStream(stream) for handler in handlers]
    try:
        yield stream
    finally:
        for handler, old in zip(handlers, previous, strict=True):
            handler.setStream(old)


def test_browsing_the_referral_and_callback_pages_logs_no_secret(
    town, project_log, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "orientation.utils.mail.FolderBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    with django_capture_on_commit_callbacks(execute=True):
        _referral, links = services.referral_send(
            interview=young_person(town), offer=town.offer, by_user=town.adviser, share=["name", "email", "phone"]
        )
    tokens = [link.rstrip("/").rsplit("/", 1)[-1] for link in (links.person, links.receiver)]
    person = Client()
    person_path = links.person.removeprefix(settings.SITE_URL)
    assert person.get(person_path).status_code == 200
    assert person.get(person_path + "mes-donnees.json").status_code == 200
    assert person.get(person_path.replace(tokens[0], tokens[0][::-1])).status_code == 404
    assert Client().get(f"/orientation/recevoir/{tokens[1][::-1]}/").status_code == 404
    assert Client().get(links.receiver.removeprefix(settings.SITE_URL)).status_code == 200
    assert Client().get("/gestion/double-authentification/activer/faux-jeton/").status_code == 302
    Client().post("/etre-rappele/", {"number": "06 12 34 56 78", "profile": "parent", "need": "autre", "consent": "on"})
    logging.getLogger("orientation.tests").warning("Rappel demandé par %s au %s", "ines@example.org", "0612345678")
    written = project_log.getvalue()
    # The log has what operators need…
    assert "Not Found: /orientation/recevoir/…/" in written
    assert re.search(r"Courriel \S+ écrit dans .* \(1 destinataire\(s\)\)", written)
    assert "Rappel demandé par [adresse] au [numéro]" in written
    # …and none of the secrets or the person's details.
    for secret in [*tokens, *(token[::-1] for token in tokens), *PERSONAL]:
        assert secret not in written, secret
    assert list((tmp_path / "mail").glob("*.eml")), "the e-mails themselves are in the mail folder"
    assert Callback.objects.exists()


def test_gunicorns_access_and_error_logs_mask_secret_links(tmp_path):
    """The real server, with the project's gunicorn settings; the empty database makes the page
    fail, so Django's error log writes its path too."""
    token, referrer_token = "Zk3-secret_Token0123456789", "Referrer-Secret-9876543210"
    with gunicorn_server(tmp_path, f"sqlite:///{tmp_path / 'vide.sqlite3'}") as server:
        request = urllib.request.Request(
            f"{server.url}/orientation/suivi/{token}/?contact=ines%40example.org",
            headers={"Referer": f"{server.url}/orientation/recevoir/{referrer_token}/"},
        )
        with pytest.raises(urllib.error.HTTPError) as failure:
            urllib.request.urlopen(request, timeout=10)
        assert failure.value.code == 500  # no tables: the page fails, and says so
    access, output = server.access_log.read_text(), server.output.read_text()
    assert '"GET /orientation/suivi/…/?contact=[adresse] HTTP/1.1" 500' in access
    assert "/orientation/recevoir/…/" in access
    assert "Internal Server Error: /orientation/suivi/…/" in output
    for secret in (token, referrer_token, "ines%40example.org", "ines@example.org"):
        assert secret not in access + output, secret
