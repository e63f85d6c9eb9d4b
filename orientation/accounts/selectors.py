"""Reads on users' rights: which organisations and regions a user acts for, and who to tell."""

from __future__ import annotations

from django.db.models import QuerySet

from orientation.accounts.models import Membership, RegionalRole, User


def organisation_ids(user: User, *, admin: bool = False) -> set[int]:
    """The organisations the user is a member of (only those it administers with ``admin``)."""
    if not user.is_authenticated:
        return set()
    rows = Membership.objects.filter(user=user)
    if admin:
        rows = rows.filter(role=Membership.Role.ADMIN)
    return set(rows.values_list("organisation_id", flat=True))


def region_ids(user: User, role: RegionalRole.Role) -> set[int]:
    """The regions where the user holds that role."""
    if not user.is_authenticated:
        return set()
    return set(RegionalRole.objects.filter(user=user, role=role).values_list("region_id", flat=True))


def regional_staff(region_id: int, role: RegionalRole.Role) -> QuerySet[User]:
    return User.objects.filter(is_active=True, regional_roles__region_id=region_id, regional_roles__role=role)


def organisation_admins(organisation_ids: set[int] | list[int]) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, memberships__organisation_id__in=organisation_ids, memberships__role=Membership.Role.ADMIN
    ).distinct()


def national_admins() -> QuerySet[User]:
    return User.objects.filter(is_active=True, is_national_admin=True)


def emails(users: QuerySet[User]) -> list[str]:
    return sorted({email for email in users.values_list("email", flat=True) if email})
