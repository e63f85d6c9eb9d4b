"""The back-office's lists and the API's lists read a fixed number of queries however long
they are: each is read with a few rows, then with four times as many, and must cost the same
(an N+1 shows as a difference) while showing every row (an empty list would prove nothing).
The rows are made by the domains' factories, in the states these lists show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orientation.accounts.models import Membership
from tests.accounts.factories import MembershipFactory, RegionalRoleFactory, UserFactory
from tests.conftest import login_verified
from tests.contact.factories import CallbackFactory, InteractionFactory
from tests.directory.factories import OrganisationFactory, PlaceFactory, ServiceOfferFactory
from tests.labels.factories import ApplicationFactory, LabelFactory
from tests.referrals.factories import ReferralFactory
from tests.studies.factories import StudyFactory
from tests.territories.factories import RegionFactory
from tests.trainings.factories import ActionFactory

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 12


def read(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response.content.decode()


def assert_fixed_cost(client: Client, url: str, make: Callable[[int], list[Any]], shown: Callable[[Any], str]) -> None:
    read(client, url)  # the first request of a session fills caches (content types, the second factor)
    rows = make(FEW)
    few, page = read(client, url)
    assert all(shown(row) in page for row in rows), "the first rows are listed"
    rows += make(MANY - FEW)
    many, page = read(client, url)
    assert all(shown(row) in page for row in rows), "every row is listed"
    assert many == few, f"{url}: {few} queries for {FEW} rows, {many} for {MANY}"


def staff(client: Client, **membership: Any) -> Any:
    user = UserFactory(is_staff=True)
    if membership:
        MembershipFactory(user=user, **membership)
    login_verified(client, user)
    return user


def test_the_referrals_list(client):
    organisation = OrganisationFactory()
    staff(client, organisation=organisation)

    def make(count: int) -> list[Any]:
        return [
            ReferralFactory(offer__organisation=organisation, **({"accepted": True} if i % 2 else {}))
            for i in range(count)
        ]

    assert_fixed_cost(client, "/gestion/orientations/", make, lambda referral: f"/gestion/orientations/{referral.pk}/")


def test_the_services_list(client):
    organisation = OrganisationFactory()
    staff(client, organisation=organisation, role=Membership.Role.ADMIN)

    def make(count: int) -> list[Any]:
        return [ServiceOfferFactory(organisation=organisation, referrable=True) for _ in range(count)]

    assert_fixed_cost(client, "/gestion/services/", make, lambda offer: f"/gestion/services/{offer.pk}/")


def test_the_label_files_list(client):
    region = RegionFactory()
    user = staff(client)
    RegionalRoleFactory(user=user, region=region)

    def make(count: int) -> list[Any]:
        return [ApplicationFactory(region=region, submitted=True) for _ in range(count)]

    assert_fixed_cost(client, "/gestion/labels/", make, lambda application: f"/gestion/labels/{application.pk}/")


def test_the_phone_console(client):
    user = staff(client)
    user.user_permissions.add(Permission.objects.get(codename="handle_callback"))

    def make(count: int) -> list[Any]:
        InteractionFactory.create_batch(count, task=True)
        # due now, so that they are the day's whatever the hour the test runs (at 23:30 an hour
        # ahead is tomorrow, and the console lists them under « à venir » without the button)
        return CallbackFactory.create_batch(count, scheduled_for=timezone.now())

    assert_fixed_cost(
        client, "/gestion/telephone/", make, lambda callback: f"/gestion/telephone/rappels/{callback.pk}/fait/"
    )


def test_the_api_lists_of_referrals_files_offers_and_labels(client):
    organisation = OrganisationFactory()
    region = RegionFactory()
    user = staff(client, organisation=organisation)
    RegionalRoleFactory(user=user, region=region)
    lists = [
        (
            "/api/v1/referrals",
            lambda count: ReferralFactory.create_batch(count, offer__organisation=organisation),
            lambda referral: f'"id": {referral.pk},',
        ),
        (
            "/api/v1/labels/applications",
            lambda count: ApplicationFactory.create_batch(count, region=region, transmitted=True),
            lambda application: f'"id": {application.pk},',
        ),
        (
            "/api/v1/offers?limit=1000",
            lambda count: ServiceOfferFactory.create_batch(count, referrable=True),
            lambda offer: f'"id": {offer.pk},',
        ),
        (
            "/api/v1/labels",
            lambda count: LabelFactory.create_batch(count, application__region=region),
            lambda label: f'"id": {label.pk},',
        ),
        (
            "/api/v1/labels/changes",
            lambda count: LabelFactory.create_batch(count, application__region=region),
            lambda label: f'"id": {label.pk},',
        ),
        (
            "/api/v1/trainings?limit=1000",
            lambda count: ActionFactory.create_batch(count),
            lambda action: f'"id": {action.pk},',
        ),
        (
            "/api/v1/places?limit=1000",
            lambda count: PlaceFactory.create_batch(count),
            lambda place: f'"id": {place.pk},',
        ),
        (
            "/api/v1/studies?limit=1000",
            lambda count: StudyFactory.create_batch(count),
            lambda study: f'"identifier": "{study.identifier}",',
        ),
    ]
    for url, make, shown in lists:
        assert_fixed_cost(client, url, make, shown)
