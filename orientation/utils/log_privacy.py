"""Keep secrets and personal data out of every log.

Some addresses are secrets: the receiver's and the person's links of a referral, the e-mailed
link that opens a second factor's enrolment, a person's sign-in link and an alert's unsubscribe
link, an OpenID provider's code on its way back. Whoever reads a log line holding one can open the
page it leads to. And a log line is no place for a phone number or an e-mail address.

- ``mask(text)``: the token of such a path becomes ``…``, e-mail addresses and French phone
  numbers become ``[adresse]`` and ``[numéro]``;
- ``MaskSecrets``: a logging filter on every handler of ``settings.LOGGING`` (Django's
  ``django.request`` warnings name the path of a 404 or a 500);
- ``GunicornLogger``: gunicorn's access log through the same mask (request line, path, query,
  referrer: a page reached from a secret link sends that link as its referrer), set in
  ``config/gunicorn.py``;
- ``drop_personal``: the structured logs' processor (django-structlog, JSON in production): the
  visitor's address, user agent and account are never written, and every text is masked.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

# The paths whose last segment opens something: see orientation/www/urls.py and backoffice/urls.py.
_SECRET_PATH = re.compile(
    r"(/orientation/(?:suivi|recevoir)/|/gestion/double-authentification/activer/|/mon-espace/alertes/)[^/\s?#\"']+",
)
# Query parameters that carry a secret: the person's sign-in link (« lien »), the OpenID provider's
# authorisation code and state on their way back.
_SECRET_QUERY = re.compile(r"([?&](?:lien|code|state)=)[^&\s#\"']+")
_EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
# French numbers written as people write them (+33 6…, 06 12 34 56 78, 06.12.34.56.78), and E.164;
# not a run of digits inside a longer code (« 20261206-030652-… », a search index's version).
_PHONE = re.compile(r"(?<![\w/-])(?:(?:\+|%2B|00)33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)|\+\d{10,14}(?!\d)")


def mask(text: str) -> str:
    text = _SECRET_PATH.sub(r"\1…", text)
    text = _SECRET_QUERY.sub(r"\1…", text)
    text = _EMAIL.sub("[adresse]", text)
    return _PHONE.sub("[numéro]", text)


class MaskSecrets(logging.Filter):
    """Writes the record's message masked (its arguments merged in first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a badly formatted record: leave it to the handler
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class GunicornLogger(Logger):
    """gunicorn's logger, whose access-log atoms go through ``mask``."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: mask(value) if isinstance(value, str) else value for key, value in atoms.items()}


#: what django-structlog would bind or log of a visitor; none of it is written
PERSONAL_KEYS = ("ip", "user_agent", "user_id")


def drop_personal(logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: the event without the visitor's address, user agent or account,
    and its texts masked like every other log line."""
    for key in PERSONAL_KEYS:
        event.pop(key, None)
    return {key: mask(value) if isinstance(value, str) else value for key, value in event.items()}


#: the request's id for the whole request (config/wsgi.py), Django's own last words included:
#: django-structlog's middleware clears its context before Django logs a 404 or a 500
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


def add_request_id(logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: the request's id on every event logged while it is served."""
    request_id = current_request_id.get()
    if request_id:
        event.setdefault("request_id", request_id)
    return event
