"""The demo's person of the public (``data/persons.json``): her space, her filled passport, shared
with the mission locale de Blois, whose demo adviser has proposed one entry. Written through the
person's-space services, like anyone's; loading again changes nothing. Her address is the demo
referral's, so that referral appears in her space."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import User
from orientation.demo import content
from orientation.demo.accounts import DemoAccount, demo_users_by_role
from orientation.directory.models import Organisation
from orientation.persons import services
from orientation.persons.rules import EntryValues
from orientation.referrals import services as referral_services


def _values(row: dict[str, Any]) -> EntryValues:
    today = timezone.localdate()
    days = row.get("next_step_in_days")
    ago = row.get("started_on_days_ago")
    return EntryValues(
        title=row.get("title", ""),
        kind=row.get("kind", ""),
        organisation=row.get("organisation", ""),
        place=row.get("place", ""),
        started_on=today - timedelta(days=ago) if ago else _day(row.get("started_on")),
        ended_on=_day(row.get("ended_on")),
        due_on=today + timedelta(days=days) if days else None,
        hours=row.get("hours"),
        occupation=row.get("rome", ""),
        skills=list(row.get("skills", [])),
    )


def demo_person_account() -> DemoAccount:
    """The demo person as the demo page lists her, beside the back-office's roles."""
    row = content.read("persons")["person"]
    return DemoAccount(
        username=row["username"],
        name=f"{row['first_name']} {row['last_name']}",
        role=row["role"],
        tries=[(label, url) for label, url in row["try"]],
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@transaction.atomic
def load_demo_person() -> int:
    """Create the demo person once, with her passport; returns how many were created."""
    data = content.read("persons")
    row = data["person"]
    if User.objects.filter(username=row["username"]).exists():
        return 0
    mission = Organisation.objects.filter(name=data["share"]["organisation"]).first()
    adviser = demo_users_by_role().get(f"member:{data['share']['organisation']}")
    if mission is None or adviser is None:
        return 0  # not the demo's database
    person = User(
        username=row["username"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"],
        is_person=True,
        is_demo=True,
        last_active_at=timezone.now(),
    )
    person.set_unusable_password()
    person.save()
    for entry in data["entries"]:
        services.entry_save(person=person, section=entry["section"], values=_values(entry))
    share, _created = services.share_create(
        person=person, organisation=mission, sections=data["share"]["sections"], months=data["share"]["months"]
    )
    proposal = data["proposal"]
    services.entry_propose(
        share=share,
        adviser=adviser,
        section=proposal["section"],
        values=_values({**proposal, "organisation": ""}),
    )
    for kind, key in data["saved"]:
        services.saved_item_add(person=person, kind=kind, key=key)
    referral_services.referrals_link_person(person=person)
    return 1
