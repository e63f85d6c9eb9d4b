"""The claims the test provider gives, as FranceConnect names them."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    # FranceConnect's scopes carry one claim each
    oidc_claim_scope = {"sub": "openid", "email": "email", "given_name": "given_name", "family_name": "family_name"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {"email": user.email, "given_name": user.first_name, "family_name": user.last_name}
