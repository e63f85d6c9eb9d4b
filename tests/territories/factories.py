"""Territories for tests: a region, its department and a commune with coordinates."""

import factory

from orientation.territories.models import Commune, Department, Region
from orientation.utils.text import place_name_key


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "24"
    name = "Centre-Val de Loire"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "41"
    name = "Loir-et-Cher"
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"41{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    name_key = factory.LazyAttribute(lambda commune: place_name_key(commune.name))
    department = factory.SubFactory(DepartmentFactory)
    region = factory.SelfAttribute("department.region")
    latitude = 47.586
    longitude = 1.336

    class Params:
        #: no coordinates of its own: nothing can be placed on a map nor measured from it
        unlocated = factory.Trait(latitude=None, longitude=None)
