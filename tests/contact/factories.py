"""Contacts with the phone platform for tests: a call and its outcome, a callback in each
state of its table (``Callback.TRANSITIONS``)."""

from datetime import timedelta

import factory
from django.utils import timezone

from orientation.contact.codelists import Action, Channel
from orientation.contact.models import Callback, Interaction


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    at = factory.LazyFunction(timezone.now)
    channel = Channel.SIP
    profile = "parent"
    need = "information-jeunesse"
    action = Action.ANSWER
    reason = "Premier niveau ouvert."

    class Params:
        answered = factory.Trait(outcome=Interaction.Outcome.ANSWERED, answer="Renseigné sur le BIJ")
        #: a documented answer promised within 72 hours
        task = factory.Trait(
            outcome=Interaction.Outcome.TASK,
            answer="Liste des formations envoyée",
            task_due_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=72)),
        )
        web = factory.Trait(channel=Channel.WEB, action=Action.CALLBACK, reason="Demande de rappel en ligne.")


class CallbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Callback

    interaction = factory.SubFactory(InteractionFactory, web=True, outcome=Interaction.Outcome.CALLBACK)
    number = "+33254000000"
    scheduled_for = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    state = Callback.State.SCHEDULED

    class Params:
        done = factory.Trait(
            state=Callback.State.DONE, number="", attempts=1, closed_at=factory.LazyFunction(timezone.now)
        )
        unanswered = factory.Trait(
            state=Callback.State.NO_ANSWER,
            number="",
            attempts=Callback.MAX_ATTEMPTS,
            closed_at=factory.LazyFunction(timezone.now),
        )
        cancelled = factory.Trait(
            state=Callback.State.CANCELLED, number="", closed_at=factory.LazyFunction(timezone.now)
        )
