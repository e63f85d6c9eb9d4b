"""A phone platform for the tests: first-level advisers, three partner queues (one relayed,
one redirected, one closed), and the rules that send callers to them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from orientation.contact.models import AdviserTeam, PartnerQueue, RoutingRule
from orientation.contact.services import forget_routing_state
from orientation.directory.hours import weekdays
from orientation.directory.models import Organisation

ALWAYS = {"weekly": [{"day": day, "opens": "00:00", "closes": "23:59"} for day in range(7)]}
NEVER = {"weekly": [], "exceptions": []}


@dataclass
class Platform:
    team: AdviserTeam
    relayed: PartnerQueue
    redirected: PartnerQueue
    closed: PartnerQueue


def make_platform(
    *, first_level: str, relayed: str, redirected: str, closed: str = "sip:fermee@127.0.0.1:5099"
) -> Platform:
    forget_routing_state()
    organisation = Organisation.objects.create(name="Mission locale de Blois", typology="ML")
    team = AdviserTeam.objects.create(name="Conseillers du premier niveau", target=first_level, opening_hours=ALWAYS)
    relay = PartnerQueue.objects.create(
        organisation=organisation, name="Mission locale de Blois", target=relayed, transfer_mode="relay",
        opening_hours=ALWAYS, hourly_capacity=0, department="41",
    )  # fmt: skip
    redirect = PartnerQueue.objects.create(
        organisation=organisation, name="CIO de Blois", target=redirected, transfer_mode="redirect",
        opening_hours=ALWAYS, department="41",
    )  # fmt: skip
    shut = PartnerQueue.objects.create(
        organisation=organisation, name="Point information jeunesse", target=closed, transfer_mode="relay",
        opening_hours=NEVER, department="41",
    )  # fmt: skip
    RoutingRule.objects.create(name="Jeunes : mission locale", priority=10, profiles=["jeune-16-25"], queue=relay)
    RoutingRule.objects.create(name="Scolarité : CIO", priority=20, needs=["scolarite"], queue=redirect)
    RoutingRule.objects.create(
        name="Information jeunesse : PIJ", priority=30, needs=["information-jeunesse"], queue=shut
    )
    return Platform(team, relay, redirect, shut)


@pytest.fixture
def platform(db) -> Platform:
    found = make_platform(
        first_level="sip:premier-niveau@127.0.0.1:5070",
        relayed="sip:ml@127.0.0.1:5080",
        redirected="sip:accueil@cio-blois.example.org",
    )
    yield found
    forget_routing_state()


__all__ = ["ALWAYS", "NEVER", "Platform", "make_platform", "weekdays"]
