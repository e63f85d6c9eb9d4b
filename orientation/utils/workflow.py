"""The one workflow engine of the platform (label files, labels and withdrawals, referrals,
callbacks): STYLE rule 3, « a state enum plus one table of allowed transitions; every
transition checks it, writes an event row (who, when, from, to, why) and schedules side effects
on commit ».

A ``Workflow`` holds a model's table ((from, to) → the role that makes it) and how to tell
whether an actor holds a role on an object. Its ``require`` says, *before anything is
validated*, whether this actor may make this change (``PermissionDenied``: a 403, never a form
error for someone else's file) and whether the object's state allows it (``TransitionError``);
``move`` then records the new state and the event; ``available`` tells the views which
changes an actor may make now. Services wrap it in their one transaction and send their
e-mails and tasks after the commit (``utils.mail.send_after_commit``, ``utils.tasks``).

Why a step's transaction is ``atomic()`` and not ``atomic(durable=True)`` as STYLE's example
has it: steps are composed. The daily tasks take steps inside their own transaction (a deemed
opinion, an unanswered withdrawal), and the demo loader takes them inside its import's; a
durable block there raises. What durability guards against, a caller that believes a step
committed when an outer block may still roll it back, is covered here by sending every side
effect on commit: a rolled-back step sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: the role of the changes nobody makes by hand: the platform's clock (a deadline passed)
SYSTEM = "system"


class TransitionError(ValidationError):
    """A change the object's state does not allow (an answer to an expired referral…)."""


@dataclass(frozen=True)
class Workflow:
    """One model's allowed changes and who makes them."""

    #: (from state, to state) → the role that makes that change
    transitions: Mapping[tuple[str, str], str]
    #: whether ``actor`` holds ``role`` on ``subject`` (an actor of None is the platform's clock)
    may_act: Callable[[Any, str, Any], bool]
    #: why a refused actor is refused, in the words the person reads
    refusal: str = "Cette étape ne relève pas de votre rôle."

    def roles_to(self, to_state: str) -> set[str]:
        return {role for (_from, to), role in self.transitions.items() if to == to_state}

    def check_actor(self, obj: Any, to_state: str, *, actor: Any, subject: Any = None) -> None:
        """``PermissionDenied`` unless the actor holds a role that makes changes to ``to_state``
        (whatever the state now: someone else's file is refused before it is read further)."""
        subject = obj if subject is None else subject
        if actor is not None and not any(self.may_act(actor, role, subject) for role in self.roles_to(to_state)):
            raise PermissionDenied(self.refusal)

    def require(self, obj: Any, to_state: str, *, actor: Any, subject: Any = None) -> str:
        """The role that makes this change, once the actor is known to hold it (checked first)
        and the state to allow it."""
        self.check_actor(obj, to_state, actor=actor, subject=subject)
        role = self.transitions.get((obj.state, to_state))
        if role is None:
            label = getattr(obj, "get_state_display", lambda: obj.state)()
            name = str(obj._meta.verbose_name).capitalize()
            raise TransitionError(f"{name} n° {obj.pk} (« {label} ») : ce changement n’est plus possible.")
        return role

    def move(
        self,
        obj: Any,
        to_state: str,
        *,
        actor: Any,
        event: Callable[[str, str], models.Model],
        subject: Any = None,
        before_save: Callable[[str], None] | None = None,
    ) -> models.Model:
        """Make the change: checked (``require``), the new state saved, the event written by
        ``event(from_state, to_state)``; ``before_save(from_state)`` sets what the change
        brings with it (a closing date, a number erased)."""
        self.require(obj, to_state, actor=actor, subject=subject)
        from_state = obj.state
        obj.state = to_state
        if before_save is not None:
            before_save(from_state)
        obj.save()
        return event(from_state, to_state)

    def available(self, obj: Any, *, actor: Any, subject: Any = None, roles: set[str] | None = None) -> list[str]:
        """The states this actor may move the object to now, in the table's order. ``roles``:
        the roles the actor is already known to hold on the subject (a page asking about several
        objects of one file looks them up once)."""
        subject = obj if subject is None else subject

        def holds(role: str) -> bool:
            return role in roles if roles is not None else self.may_act(actor, role, subject)

        return [
            to
            for (source, to), role in self.transitions.items()
            if source == obj.state and role != SYSTEM and holds(role)
        ]


class TransitionEvent(models.Model):
    """One step of a workflow: when, who, what, from which state to which, and why."""

    at = models.DateTimeField(_("le"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
        help_text=_("vide : quelqu’un sans compte (lien, personne) ou la plateforme, à l’échéance"),
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("état avant"), max_length=20, blank=True)
    to_state = models.CharField(_("état après"), max_length=20, blank=True)
    note = models.TextField(_("motif ou commentaire"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"
