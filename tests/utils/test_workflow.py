"""The one workflow engine: who may act is refused first, then what the state allows; a move
records the state and its event; views learn the changes an actor may make."""

from dataclasses import dataclass, field

import pytest
from django.core.exceptions import PermissionDenied

from orientation.utils.workflow import SYSTEM, TransitionError, Workflow


@dataclass
class Meta:
    verbose_name: str = "dossier"


@dataclass
class Thing:
    state: str
    pk: int = 7
    saved: int = 0
    _meta: Meta = field(default_factory=Meta)

    def save(self) -> None:
        self.saved += 1


FLOW = Workflow(
    {("draft", "sent"): "author", ("sent", "done"): "reviewer", ("sent", "expired"): SYSTEM},
    lambda actor, role, _thing: role in actor,
    refusal="Pas votre rôle.",
)


def test_the_actor_is_refused_before_the_state_is_looked_at():
    done = Thing("done")
    with pytest.raises(PermissionDenied, match="Pas votre rôle"):
        FLOW.require(done, "sent", actor={"reviewer"})  # not an author, whatever the state
    with pytest.raises(TransitionError, match=r"Dossier n° 7 \(« done »\)"):
        FLOW.require(done, "sent", actor={"author"})


def test_a_move_saves_the_state_and_writes_the_event_the_clock_included():
    thing, events = Thing("draft"), []
    FLOW.move(thing, "sent", actor={"author"}, event=lambda old, new: events.append((old, new)))
    assert (thing.state, thing.saved, events) == ("sent", 1, [("draft", "sent")])
    FLOW.move(thing, "expired", actor=None, event=lambda old, new: events.append((old, new)))  # the clock
    assert thing.state == "expired"
    with pytest.raises(PermissionDenied):
        FLOW.move(Thing("sent"), "expired", actor={"reviewer"}, event=lambda old, new: None)


def test_views_learn_what_an_actor_may_do_now_never_the_clocks_steps():
    assert FLOW.available(Thing("sent"), actor={"reviewer", "author"}) == ["done"]
    assert FLOW.available(Thing("draft"), actor={"reviewer"}) == []
