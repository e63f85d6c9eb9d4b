"""The OpenID Connect sign-in, end to end against an OpenID provider started on loopback by the
tests (django-oauth-toolkit in its own process: tests/persons/oidc_provider): discovery, the
authorisation code with state, nonce and PKCE, the RS256 ID token checked against the
provider's keys, the user info; a refusal and a forged state open nothing; the API takes the
provider's access token as a bearer. Nothing of the protocol is mocked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from orientation.accounts.models import User
from orientation.persons.models import Identity
from tests.conftest import OidcProvider, oidc_provider_server
from tests.persons.factories import EntryFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=False)

CALLBACK = "http://testserver/mon-espace/connexion/oidc/retour/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    with oidc_provider_server(tmp_path_factory.mktemp("oidc"), [CALLBACK]) as running:
        yield running


@pytest.fixture
def oidc_settings(settings, provider):
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = provider.client_id
    settings.OIDC_CLIENT_SECRET = provider.client_secret
    settings.OIDC_PROVIDER_NAME = "le fournisseur de test"
    return provider


def provider_session(provider: OidcProvider) -> requests.Session:
    """A browser of the provider's own pages, signed in there as the person."""
    session = requests.Session()
    login = f"{provider.issuer.removesuffix('/o')}/accounts/login/"
    page = session.get(login, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        login,
        data={"username": provider.username, "password": provider.password, "csrfmiddlewaretoken": token},
        headers={"Referer": login},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:300]
    return session


def sign_in(client: Client, provider: OidcProvider, *, tamper_state: bool = False) -> object:
    start = client.get("/mon-espace/connexion/oidc/", {"suite": "/mon-espace/passeport/"})
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(provider.issuer + "/authorize/")
    assert query["scope"] == ["openid email given_name family_name"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"]
    assert query["nonce"]
    back = provider_session(provider).get(authorize, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:300]
    callback = urlsplit(back.headers["Location"])
    params = parse_qs(callback.query)
    if tamper_state:
        params["state"] = ["un-etat-qui-n-est-pas-le-notre"]
    return client.get(callback.path, {key: values[0] for key, values in params.items()})


def test_a_person_signs_in_with_the_provider_and_gets_a_space(client, oidc_settings):
    assert "Se connecter avec le fournisseur de test" in client.get("/mon-espace/").content.decode()
    response = sign_in(client, oidc_settings)
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/passeport/"
    person = User.objects.get(is_person=True)
    assert (person.email, person.first_name, person.last_name) == ("camille.durand@example.org", "Camille", "Durand")
    identity = Identity.objects.get(person=person)
    assert identity.issuer == oidc_settings.issuer
    assert client.get("/mon-espace/passeport/").status_code == 200
    # the next time, the same space, whatever the provider says of the address
    User.objects.filter(pk=person.pk).update(email="autre@example.org")
    again = Client()
    sign_in(again, oidc_settings)
    assert again.session["_auth_user_id"] == str(person.pk)
    assert User.objects.filter(is_person=True).count() == 1


def test_the_identity_joins_the_space_of_the_same_address(client, oidc_settings):
    existing = PersonFactory(email="camille.durand@example.org")
    sign_in(client, oidc_settings)
    assert client.session["_auth_user_id"] == str(existing.pk)
    assert Identity.objects.get().person == existing


def test_a_forged_state_or_a_refusal_opens_nothing(client, oidc_settings):
    forged = sign_in(client, oidc_settings, tamper_state=True)
    assert forged.status_code == 400
    assert "La connexion n’a pas abouti" in forged.content.decode()
    assert "_auth_user_id" not in client.session
    client.get("/mon-espace/connexion/oidc/")
    refused = client.get("/mon-espace/connexion/oidc/retour/", {"error": "access_denied", "state": "x"})
    assert refused.status_code == 400
    assert not User.objects.filter(is_person=True).exists()


def test_without_settings_there_is_no_provider(client, settings):
    settings.OIDC_ISSUER = ""
    assert "Se connecter avec" not in client.get("/mon-espace/").content.decode()
    assert client.get("/mon-espace/connexion/oidc/").status_code == 404


def test_the_api_takes_the_providers_access_token(oidc_settings):
    provider = oidc_settings
    # the provider's own authorisation code flow, as a mobile application would run it
    import base64
    import hashlib
    import secrets

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    session = provider_session(provider)
    authorize = session.get(
        f"{provider.issuer}/authorize/",
        params={
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": CALLBACK,
            "scope": "openid email given_name family_name",
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        timeout=10,
    )
    code = parse_qs(urlsplit(authorize.headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{provider.issuer}/token/",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier},
        auth=(provider.client_id, provider.client_secret),
        timeout=10,
    ).json()["access_token"]
    person = PersonFactory(email="camille.durand@example.org")
    EntryFactory(person=person, title="CAP cuisine")
    client = Client()
    answer = client.get("/api/v1/me/passport", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["sections"]["diplomas"][0]["title"] == "CAP cuisine"
    assert client.get("/api/v1/me/passport", HTTP_AUTHORIZATION="Bearer pas-un-jeton").status_code == 401
