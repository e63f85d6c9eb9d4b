"""The persons' e-mailed sign-in link (django-sesame): a token that opens a person's space, and
nobody else's account (staff never sign in without their second factor)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from sesame.backends import SesameBackendMixin

from orientation.accounts.models import User

#: a sign-in link's scope: a token made for something else opens nothing here
SCOPE = "mon-espace"


class PersonLinkBackend(SesameBackendMixin, ModelBackend):
    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> Any:  # type: ignore[override]
        sesame = credentials.get("sesame")
        if not isinstance(sesame, str):
            return None  # a password, or anything else: not this backend's
        return super().authenticate(request, sesame, scope=SCOPE, max_age=credentials.get("max_age"))

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id, is_person=True, is_active=True).first()
        return user if user is not None and self.user_can_authenticate(user) else None
