"""Trainings for tests: a provider's formation, an action at a place, its sessions."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from orientation.trainings.models import Action, Formation, Provider, Session


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Organisme de formation n° {n}")
    city = "Blois"


class FormationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Formation

    number = factory.Sequence(lambda n: f"F-{n:05d}")
    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Agent de sécurité, promotion {n}")
    is_certifying = True
    rncp_codes = ["RNCP34507"]

    class Params:
        #: gone from its feed: kept, never shown
        closed = factory.Trait(closed_at=factory.LazyFunction(timezone.now))


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    number = factory.Sequence(lambda n: f"A-{n:05d}")
    formation = factory.SubFactory(FormationFactory)
    provider = factory.SelfAttribute("formation.provider")
    city = "Blois"
    postcode = "41000"
    latitude = 47.586
    longitude = 1.336

    class Params:
        closed = factory.Trait(closed_at=factory.LazyFunction(timezone.now))


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    number = factory.Sequence(lambda n: f"S-{n:05d}")
    action = factory.SubFactory(ActionFactory)
    start_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    end_date = factory.LazyAttribute(lambda session: session.start_date + timedelta(days=90))

    class Params:
        #: already started: shown as running, not as one to join
        started = factory.Trait(start_date=factory.LazyFunction(lambda: date.today() - timedelta(days=10)))
