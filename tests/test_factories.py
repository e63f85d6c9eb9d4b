"""The domains' factories make rows the platform would make: each state trait gives a row
that passes the model's validation and a state its workflow table knows."""

from __future__ import annotations

import pytest

from orientation.contact.models import Callback
from orientation.labels.models import Application, Label, Withdrawal
from orientation.referrals.models import Referral
from tests.accounts.factories import MembershipFactory, RegionalRoleFactory, UserFactory
from tests.contact.factories import CallbackFactory, InteractionFactory
from tests.directory.factories import PlaceFactory, ServiceOfferFactory
from tests.labels.factories import ApplicationFactory, LabelFactory, WithdrawalFactory
from tests.referrals.factories import InterviewFactory, ReferralFactory
from tests.territories.factories import CommuneFactory
from tests.trainings.factories import ActionFactory, FormationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def traits(*names: str) -> list[dict[str, bool]]:
    """The factory's default, then each named trait alone."""
    return [{}, *({name: True} for name in names)]


TRAITS = [
    (CommuneFactory, traits("unlocated")),
    (UserFactory, traits("national", "inactive")),
    (MembershipFactory, traits("admin")),
    (RegionalRoleFactory, traits("ccrefp")),
    (PlaceFactory, traits("duplicate")),
    (ServiceOfferFactory, traits("referrable")),
    (FormationFactory, traits("closed")),
    (ActionFactory, traits("closed")),
    (SessionFactory, traits("started")),
    (InterviewFactory, traits("consenting")),
    (ReferralFactory, traits("seen", "accepted", "refused", "expired", "withdrawn")),
    (ApplicationFactory, traits("submitted", "transmitted", "opinion_given", "granted", "refused")),
    (LabelFactory, traits("expired", "withdrawn")),
    (WithdrawalFactory, traits("answered")),
    (InteractionFactory, traits("answered", "task", "web")),
    (CallbackFactory, traits("done", "unanswered", "cancelled")),
]

#: model → the states its workflow's table moves between
TABLES = {model: {state for pair in model.TRANSITIONS for state in pair} for model in (Referral, Callback)}
TABLES |= {model: {state for pair in model.TRANSITIONS for state in pair} for model in (Application, Label, Withdrawal)}


@pytest.mark.parametrize(("factory", "variants"), TRAITS, ids=[factory.__name__ for factory, _ in TRAITS])
def test_every_trait_makes_a_valid_row_in_a_known_state(factory, variants):
    states = set()
    for trait in variants:
        row = factory(**trait)
        row.full_clean(validate_unique=False)
        if type(row) in TABLES:
            assert row.state in TABLES[type(row)], (factory.__name__, trait, row.state)
            states.add(row.state)
    if factory._meta.model in TABLES:
        assert len(states) == len(variants), f"{factory.__name__}: each trait gives its own state"
