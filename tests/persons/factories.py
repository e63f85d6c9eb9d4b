"""The person's space for tests: a person (an account of the public, no password), entries of
each section, a share in each state, what a person saves."""

from datetime import date, timedelta

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from orientation.accounts.models import User
from orientation.persons.models import Entry, Reading, SavedItem, Section, Share


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne-publique-{n}")
    email = factory.LazyAttribute(lambda person: f"{person.username}@example.org")
    first_name = "Camille"
    last_name = "Durand"
    is_person = True
    password = factory.LazyFunction(lambda: make_password(None))  # unusable: a person has no password
    last_active_at = factory.LazyFunction(timezone.now)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    person = factory.SubFactory(PersonFactory)
    section = Section.DIPLOMAS
    title = "CAP cuisine"
    organisation = "Lycée hôtelier de Blois"
    place = "Blois"
    ended_on = date(2019, 6, 30)
    state = Entry.State.ACCEPTED

    class Params:
        job = factory.Trait(
            section=Section.JOBS,
            title="Commis de cuisine",
            organisation="Restaurant Le Bon Accueil",
            started_on=date(2019, 9, 1),
            ended_on=date(2022, 8, 31),
        )
        step = factory.Trait(section=Section.PROJECT, kind="etape", title="Rencontrer un conseiller", ended_on=None)
        proposed = factory.Trait(state=Entry.State.PROPOSED)


class ShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Share

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory("tests.directory.factories.OrganisationFactory")
    sections = factory.LazyFunction(lambda: [section.value for section in Section])
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=91))

    class Params:
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))
        expired = factory.Trait(expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1)))


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reading

    share = factory.SubFactory(ShareFactory)
    reader_name = "Aline Conseillère"
    organisation_name = factory.SelfAttribute("share.organisation.name")
    what = "passeport"


class SavedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedItem

    person = factory.SubFactory(PersonFactory)
    kind = "metier"
    key = "G1602"
    title = "Personnel de cuisine"
