"""The demo's phone platform, written for this project: first-level advisers open on working
days, the demo's missions locales and CIO of Blois, Nantes and Angers as partner queues, and
rules by profile and need. Loading again changes nothing (found by name)."""

from __future__ import annotations

from orientation.accounts.models import User
from orientation.contact import services
from orientation.contact.models import AdviserTeam, Interaction, PartnerQueue, RoutingRule
from orientation.demo import content
from orientation.directory.hours import weekdays
from orientation.directory.models import Organisation


def load_demo_phone_platform() -> int:
    """Create the demo platform once; returns how many queues were created."""
    if AdviserTeam.objects.filter(name="Conseillers du premier niveau").exists():
        return 0
    AdviserTeam.objects.create(
        name="Conseillers du premier niveau",
        target="sip:premier-niveau@127.0.0.1:5070",
        opening_hours=weekdays("08:30", "19:00"),
    )
    created = 0
    queues = {}
    for key, name, department in [
        ("ml-blois", "Mission locale de Blois", "41"),
        ("cio-blois", "Centre d’information et d’orientation (CIO) de Blois", "41"),
        ("ml-nantes", "Mission locale de Nantes", "44"),
    ]:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            continue
        queues[key] = PartnerQueue.objects.create(
            organisation=organisation,
            name=name,
            target=f"sip:accueil@{key}.example.org",
            transfer_mode="redirect" if key.startswith("cio") else "relay",
            departments=[department],
            department=department,
            opening_hours=weekdays("09:00", "17:00", lunch=("12:30", "13:30")),
            hourly_capacity=12,
        )
        created += 1
    rules = [
        ("Jeunes du Loir-et-Cher : mission locale de Blois", 10, ["jeune-16-25"], [], ["41"], "ml-blois"),
        ("Jeunes de Loire-Atlantique : mission locale de Nantes", 11, ["jeune-16-25"], [], ["44"], "ml-nantes"),
        ("Scolarité en Loir-et-Cher : CIO de Blois", 20, [], ["scolarite", "etudes-superieures"], ["41"], "cio-blois"),
        ("Employeurs : premier niveau", 90, ["employeur"], [], [], None),
    ]
    for name, priority, profiles, needs, departments, queue in rules:
        if queue is not None and queue not in queues:
            continue
        RoutingRule.objects.create(
            name=name,
            priority=priority,
            profiles=profiles,
            needs=needs,
            departments=departments,
            queue=queues.get(queue) if queue else None,
        )
    return created


def load_demo_contacts() -> int:
    """Give the demo's phone adviser a day's work, once (``data/contacts.json``): calls routed
    by the rules, one with a documented answer due within 72 hours, and callbacks asked from the
    web form; made through the phone platform's services, like real contacts. Returns how many."""
    adviser = User.objects.filter(is_demo=True, user_permissions__codename="handle_callback").first()
    if adviser is None or Interaction.objects.exists():
        return 0
    # The rules were just written by this loader, not through the admin: a process that routed
    # calls before (a test server, a second load) must not route on the rules it remembers.
    services.forget_routing_state()
    data = content.read("contacts")
    for call in data["calls"]:
        _decision, interaction = services.call_route(
            profile=call["profile"], need=call["need"], department=call["department"], caller=call["caller"]
        )
        if call.get("documented_answer"):
            services.interaction_answer(
                interaction=interaction, by_user=adviser, answer=call["documented_answer"], documented=True
            )
    for callback in data["callbacks"]:
        services.callback_request(
            number=callback["number"],
            profile=callback["profile"],
            need=callback["need"],
            department=callback["department"],
            preferred_slots=callback["slots"],
            consent=True,
        )
    return len(data["calls"]) + len(data["callbacks"])
