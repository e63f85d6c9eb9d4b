"""The demo's back-office accounts, one per role (``data/accounts.json``), and the one thing
that makes them special: while the demo data is loaded, ``/demo/`` signs them in with one click.

They are ordinary accounts otherwise: memberships, regional roles and permissions are rows like
everyone's, so each account sees exactly what that role sees. They have no usable password and a
confirmed authenticator whose secret is never shown, so outside demo mode nobody can use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from orientation.accounts.models import Membership, RegionalRole, User
from orientation.demo import content
from orientation.directory.models import Organisation
from orientation.territories.models import Region


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    tries: list[tuple[str, str]]


@cache
def _rows() -> list[dict[str, Any]]:
    # Read as every demo file is: a broken one names itself, its line and column.
    return list(content.read("accounts")["accounts"])


def demo_account_list() -> list[DemoAccount]:
    """The accounts as the demo page lists them, in the file's order."""
    return [
        DemoAccount(
            username=row["username"],
            name=f"{row['first_name']} {row['last_name']}",
            role=row["role"],
            tries=[(label, url) for label, url in row["try"]],
        )
        for row in _rows()
    ]


def _permissions(names: list[str]) -> list[Permission]:
    permissions = []
    for name in names:
        app_label, codename = name.split(".")
        permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return permissions


@transaction.atomic
def load_demo_accounts() -> int:
    """Create the demo accounts that do not exist yet; returns how many were created.

    An account whose organisation or region is missing from the database is skipped: the demo
    data loads them first, and a database without them is not a demo."""
    created = 0
    for row in _rows():
        if User.objects.filter(username=row["username"]).exists():
            continue
        organisation = region = None
        if "organisation" in row:
            organisation = Organisation.objects.filter(name=row["organisation"]).first()
            if organisation is None:
                continue
        if "region" in row:
            region = Region.objects.filter(code=row["region"]).first()
            if region is None:
                continue
        user = User(
            username=row["username"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=f"{row['username']}@demo.orientation.example.org",
            is_national_admin=row.get("national_admin", False),
            is_demo=True,
        )
        user.set_unusable_password()
        user.save()
        TOTPDevice.objects.create(user=user, name="Démonstration", confirmed=True)
        if organisation is not None:
            Membership.objects.create(user=user, organisation=organisation, role=row.get("membership", "member"))
        if region is not None:
            RegionalRole.objects.create(user=user, region=region, role=row["regional_role"])
        if row.get("permissions"):
            user.user_permissions.set(_permissions(row["permissions"]))
        created += 1
    return created


def demo_user(username: str) -> User | None:
    """The demo account of that name, if it is one; never any other account."""
    return User.objects.filter(username=username, is_demo=True, is_active=True).first()


def demo_users_by_role() -> dict[str, User]:
    """Demo accounts by their regional role and region (``"ccrefp:24"``) or organisation role
    (``"admin:<organisation name>"``), for the demo's history to credit the right person."""
    users: dict[str, User] = {}
    for role in RegionalRole.objects.filter(user__is_demo=True).select_related("user", "region"):
        users.setdefault(f"{role.role}:{role.region.code}", role.user)
    for membership in Membership.objects.filter(user__is_demo=True).select_related("user", "organisation"):
        users.setdefault(f"{membership.role}:{membership.organisation.name}", membership.user)
    return users
