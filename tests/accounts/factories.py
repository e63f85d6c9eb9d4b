"""People of the back-office: an organisation's member or admin, a region's staff, the
national administrator; each signed in by ``tests.conftest.login_verified``."""

import factory

from orientation.accounts.models import Membership, RegionalRole, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("mot-de-passe-de-test")
    is_staff = False

    class Params:
        national = factory.Trait(is_national_admin=True)
        inactive = factory.Trait(is_active=False)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory("tests.directory.factories.OrganisationFactory")
    role = Membership.Role.MEMBER

    class Params:
        admin = factory.Trait(role=Membership.Role.ADMIN)


class RegionalRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalRole

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory("tests.territories.factories.RegionFactory")
    role = RegionalRole.Role.PREFECTURE

    class Params:
        ccrefp = factory.Trait(role=RegionalRole.Role.CCREFP)
