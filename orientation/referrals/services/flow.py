"""Who acts on a referral (a user, the secure link, the person, the platform's clock),
the referral's table on the one engine (``orientation.utils.workflow``), the event rows and
the log of every reading of personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.utils import timezone

from orientation.accounts.models import User
from orientation.accounts.selectors import organisation_ids
from orientation.referrals.models import Event, Interview, PersonalDataAccess, Referral
from orientation.utils.workflow import Workflow


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, or someone without an account (secure link, the person,
    the platform's clock, a partner platform)."""

    user: User | None
    label: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user, str(user))


SYSTEM = Actor(None, "la plateforme")
PERSON = Actor(None, "la personne")
SECURE_LINK = Actor(None, "lien sécurisé")


def _log_access(
    actor: Actor, action: str, *, interview: Interview | None = None, referral: Referral | None = None
) -> None:
    PersonalDataAccess.objects.create(
        user=actor.user, actor=actor.label, interview=interview, referral=referral, action=action, at=timezone.now()
    )


def _acts_as(actor: Actor, role: str, referral: Referral) -> bool:
    """A user acts for the receiving organisation only if it belongs to it; the secure link
    for the receiver, the person for themselves, the platform's clock for itself."""
    if actor.user is not None:
        return role == "receiver" and referral.receiver_organisation_id in organisation_ids(actor.user)
    return {"receiver": SECURE_LINK, "person": PERSON, "system": SYSTEM}.get(role) == actor


#: the referral's workflow, on the one engine (orientation.utils.workflow)
FLOW = Workflow(Referral.TRANSITIONS, _acts_as, refusal="Cette orientation n’a pas été adressée à votre organisation.")


def _move(referral: Referral, to_state: str, *, actor: Actor, action: str, note: str = "") -> Event:
    now = timezone.now()

    def closing(_from_state: str) -> None:
        if to_state in Referral.CLOSED:
            referral.closed_at = now

    def event(from_state: str, to_state: str) -> Event:
        return Event.objects.create(
            referral=referral, at=now, by=actor.user, actor=actor.label, action=action,
            from_state=from_state, to_state=to_state, note=note,
        )  # fmt: skip

    return cast(Event, FLOW.move(referral, to_state, actor=actor, event=event, before_save=closing))
