"""Start the test provider: ``python -m tests.persons.oidc_provider.serve PORT`` with
OIDC_TEST_FOLDER (a folder of its own), OIDC_TEST_REDIRECT_URIS (space separated) set; it writes
its key, migrates its database, creates the person « camille » and the client « orientation »,
then serves on 127.0.0.1:PORT until it is stopped."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

CLIENT_ID = "orientation"
CLIENT_SECRET = "secret-de-test-du-fournisseur"
USERNAME, PASSWORD = "camille", "mot-de-passe-du-fournisseur"
EMAIL, GIVEN_NAME, FAMILY_NAME = "camille.durand@example.org", "Camille", "Durand"


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main(port: int) -> None:
    folder = Path(os.environ["OIDC_TEST_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / "key.pem"
    if not key.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key.write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.persons.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    user, _ = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"email": EMAIL, "first_name": GIVEN_NAME, "last_name": FAMILY_NAME}
    )
    user.set_password(PASSWORD)
    user.save()
    Application.objects.filter(client_id=CLIENT_ID).delete()
    Application.objects.create(
        name="Orientation pour tous (test)",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["OIDC_TEST_REDIRECT_URIS"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
        user=user,
    )
    server = make_server("127.0.0.1", port, get_wsgi_application(), ThreadingServer, QuietHandler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
