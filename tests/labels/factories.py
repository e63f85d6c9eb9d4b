"""Label files for tests, in each state of their table (``Application.TRANSITIONS``), with the
dates the services would have written; a label, active or ended; a withdrawal under way.

For a file walked through its steps by the services (and their e-mails), see
``tests.labels.conftest``: these factories are for the pages and lists that read files."""

from datetime import timedelta

import factory
from django.utils import timezone

from orientation.labels import timeline
from orientation.labels.models import Application, Label, Withdrawal


def _today():
    return timezone.localdate()


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    region = factory.SubFactory("tests.territories.factories.RegionFactory")
    organisation = factory.SubFactory("tests.directory.factories.OrganisationFactory")
    needs_analysis = "Les jeunes du Vendômois sans solution après la 3e."
    state = Application.State.DRAFT

    class Params:
        submitted = factory.Trait(state=Application.State.SUBMITTED, submitted_on=factory.LazyFunction(_today))
        transmitted = factory.Trait(
            state=Application.State.TRANSMITTED,
            submitted_on=factory.LazyFunction(_today),
            transmitted_on=factory.LazyFunction(_today),
        )
        opinion_given = factory.Trait(
            state=Application.State.OPINION_GIVEN,
            submitted_on=factory.LazyFunction(_today),
            transmitted_on=factory.LazyFunction(_today),
            opinion=Application.Opinion.FAVOURABLE,
            opinion_on=factory.LazyFunction(_today),
        )
        granted = factory.Trait(
            state=Application.State.GRANTED,
            submitted_on=factory.LazyFunction(_today),
            transmitted_on=factory.LazyFunction(_today),
            opinion=Application.Opinion.FAVOURABLE,
            opinion_on=factory.LazyFunction(_today),
            decided_on=factory.LazyFunction(_today),
        )
        refused = factory.Trait(
            state=Application.State.REFUSED,
            submitted_on=factory.LazyFunction(_today),
            decided_on=factory.LazyFunction(_today),
            decision_reasons="Aucun site n’accueille sans rendez-vous.",
        )


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    application = factory.SubFactory(ApplicationFactory, granted=True)
    region = factory.SelfAttribute("application.region")
    granted_on = factory.LazyFunction(_today)
    expires_on = factory.LazyAttribute(lambda label: timeline.label_expires_on(label.granted_on))
    state = Label.State.ACTIVE

    class Params:
        expired = factory.Trait(
            state=Label.State.EXPIRED,
            granted_on=factory.LazyFunction(lambda: _today() - timedelta(days=5 * 366)),
            ended_on=factory.LazyAttribute(lambda label: label.expires_on),
        )
        withdrawn = factory.Trait(state=Label.State.WITHDRAWN, ended_on=factory.LazyFunction(_today))


class WithdrawalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Withdrawal

    label = factory.SubFactory(LabelFactory)
    grounds = "Le site de Vendôme n’accueille plus sans rendez-vous."
    opened_on = factory.LazyFunction(_today)
    state = Withdrawal.State.AWAITING_ANSWER

    class Params:
        answered = factory.Trait(
            state=Withdrawal.State.AWAITING_OPINION,
            answer="Rouvert le lundi.",
            answered_on=factory.LazyFunction(_today),
        )
