"""The first level and the referral for tests: an interview, and a referral in each state of
its table (``Referral.TRANSITIONS``) as the services would leave it."""

from datetime import timedelta

import factory
from django.utils import timezone

from orientation.referrals.models import Interview, Referral, RefusalReason
from orientation.referrals.rules import CONSENT_WORDING

THEME = "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi"


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    organisation = factory.SubFactory("tests.directory.factories.OrganisationFactory")
    adviser = factory.SubFactory("tests.accounts.factories.UserFactory")
    public = "jeunes"
    age_band = "16-25"
    situation = "sans-emploi-ni-formation"
    themes = [THEME]
    request = "Cherche un accompagnement pour trouver un emploi."

    class Params:
        consenting = factory.Trait(
            consent_given=True,
            consent_wording=CONSENT_WORDING,
            consent_at=factory.LazyFunction(timezone.now),
            first_name="Inès",
            last_name="Martin",
            email="ines@example.org",
        )


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    interview = factory.SubFactory(InterviewFactory)
    offer = factory.SubFactory("tests.directory.factories.ServiceOfferFactory", referrable=True)
    sender_organisation = factory.SelfAttribute("interview.organisation")
    sender = factory.SelfAttribute("interview.adviser")
    sender_name = factory.LazyAttribute(lambda referral: f"{referral.sender} ({referral.sender_organisation.name})")
    sender_email = factory.LazyAttribute(lambda referral: referral.sender.email)
    receiver_organisation = factory.SelfAttribute("offer.organisation")
    public = factory.SelfAttribute("interview.public")
    age_band = factory.SelfAttribute("interview.age_band")
    situation = factory.SelfAttribute("interview.situation")
    themes = factory.SelfAttribute("interview.themes")
    sent_at = factory.LazyFunction(timezone.now)
    state = Referral.State.SENT

    class Params:
        seen = factory.Trait(state=Referral.State.SEEN, seen_at=factory.LazyFunction(timezone.now))
        accepted = factory.Trait(
            state=Referral.State.ACCEPTED,
            answered_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
        )
        refused = factory.Trait(
            state=Referral.State.REFUSED,
            refusal_reason=RefusalReason.values[0],
            answered_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
        )
        expired = factory.Trait(
            state=Referral.State.EXPIRED,
            sent_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=31)),
            closed_at=factory.LazyFunction(timezone.now),
        )
        withdrawn = factory.Trait(state=Referral.State.WITHDRAWN, closed_at=factory.LazyFunction(timezone.now))
