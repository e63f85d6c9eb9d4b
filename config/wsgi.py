import os
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

from orientation.utils.log_privacy import current_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A web request waits 5 s at most for a lock and runs 20 s at most, under gunicorn's 30 s timeout.
os.environ.setdefault("DATABASE_LOCK_TIMEOUT_SECONDS", "5")
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_SECONDS", "20")
django_application = get_wsgi_application()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Django, with the request's id (the load balancer's X-Request-ID, or a new one) bound to
    every log line of the request: django-structlog's middleware binds it inside the middleware
    chain; this also covers what Django logs after it (« Not Found: … », a 500's traceback)."""
    request_id = environ.get("HTTP_X_REQUEST_ID") or str(uuid.uuid4())
    environ["HTTP_X_REQUEST_ID"] = request_id  # the middleware then binds the same id
    token = current_request_id.set(request_id)
    try:
        return django_application(environ, start_response)
    finally:
        current_request_id.reset(token)
