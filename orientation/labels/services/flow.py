"""Who may act on a label file, the label's three tables on the one engine
(``orientation.utils.workflow``), and the event rows every step writes.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format

from orientation.accounts.models import RegionalRole, User
from orientation.accounts.selectors import organisation_ids, region_ids
from orientation.labels.models import Application, Event, Label, Withdrawal
from orientation.utils.workflow import Workflow

SYSTEM = "system"


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def user_acts_as(user: User | None, role: str, application: Application) -> bool:
    """Whether the user may make the transitions ``role`` makes on this file."""
    if role == SYSTEM:
        return user is None
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role == "applicant":
        if application.grouping_id is not None:
            assert application.grouping is not None
            if application.grouping.coordinator_contact_id == user.pk:
                return True
            return application.grouping.coordinator_id in organisation_ids(user, admin=True)
        return application.organisation_id in organisation_ids(user, admin=True)
    if role in (RegionalRole.Role.PREFECTURE, RegionalRole.Role.CCREFP):
        return application.region_id in region_ids(user, RegionalRole.Role(role))
    return False


def _require(user: User | None, role: str, application: Application) -> None:
    if not user_acts_as(user, role, application):
        raise PermissionDenied("Cette étape du dossier ne relève pas de votre rôle.")


def _acts_as(user: User | None, role: str, application: Application) -> bool:
    return user_acts_as(user, role, application)


#: the three workflows of the label, on the one engine (orientation.utils.workflow)
FLOWS: dict[type, Workflow] = {
    model: Workflow(model.TRANSITIONS, _acts_as, refusal="Cette étape du dossier ne relève pas de votre rôle.")
    for model in (Application, Label, Withdrawal)
}


def _move(
    obj: Application | Label | Withdrawal,
    to_state: str,
    *,
    by: User | None,
    action: str,
    note: str = "",
    application: Application,
) -> Event:
    """Check that (state → to_state) is in the object's table and that ``by`` may make it (the
    daily task, ``by`` None, acts for a silent CCREFP or applicant), then record the new state
    and the event."""

    def event(from_state: str, to_state: str) -> Event:
        return Event.objects.create(
            application=application,
            label=obj if isinstance(obj, Label) else obj.label if isinstance(obj, Withdrawal) else None,
            withdrawal=obj if isinstance(obj, Withdrawal) else None,
            at=timezone.now(),
            by=by,
            action=action,
            from_state=from_state,
            to_state=to_state,
            note=note,
        )

    return cast(Event, FLOWS[type(obj)].move(obj, to_state, actor=by, subject=application, event=event))


#: the roles a person may hold on a file (SYSTEM is the clock's)
ROLES = ("applicant", RegionalRole.Role.PREFECTURE, RegionalRole.Role.CCREFP)


def roles_held(user: User, application: Application) -> set[str]:
    """The roles this user holds on this file, each looked up once."""
    return {str(role) for role in ROLES if user_acts_as(user, role, application)}


def may_move(
    obj: Application | Label | Withdrawal, to_state: str, *, roles: set[str], application: Application
) -> bool:
    """Whether someone holding ``roles`` (``roles_held``) may make that change now."""
    return to_state in FLOWS[type(obj)].available(obj, actor=None, subject=application, roles=roles)


def _note(application: Application, by: User | None, action: str, note: str = "") -> Event:
    """An event that changes no state (a hearing, a declared interest, a reminder)."""
    return Event.objects.create(application=application, at=timezone.now(), by=by, action=action, note=note)
