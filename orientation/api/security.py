"""Who may call the API's non-public endpoints.

Two doors, and only two:

- ``staff_session``: a back-office session signed in with *both* factors. The first step of the
  back-office sign-in calls ``login()`` before the second factor is checked, so a session that
  stopped at the code page is authenticated but not verified; it must read nothing here, exactly
  as ``staff_required`` sends it back to the code page in the back-office.
- ``PartnerToken``: a partner platform's bearer token (only its SHA-256 is stored).

Every endpoint that reads or writes something not public names one of these in ``auth=``;
``tests/api/test_security.py`` walks the OpenAPI and holds every such endpoint to it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from orientation.referrals.models import PartnerPlatform, token_digest


class StaffSession(SessionAuth):
    """The back-office session, signed in with the password *and* the second factor."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if getattr(user, "is_person", False):
            return None  # a person's own space is not a back-office session
        if user.is_authenticated and getattr(user, "is_verified", lambda: False)():
            return user
        return None


class PartnerToken(HttpBearer):
    """A partner platform's token; only its SHA-256 is stored."""

    def authenticate(self, request: HttpRequest, token: str) -> PartnerPlatform | None:
        partner = PartnerPlatform.objects.filter(token_digest=token_digest(token), active=True).first()
        if partner is not None:
            request.partner = partner  # type: ignore[attr-defined]
        return partner


staff_session = StaffSession()
partner_token = PartnerToken()
