"""Studies for tests: an Onisep Idéo formation, open or closed."""

import factory
from django.utils import timezone

from orientation.studies.models import Study


class StudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Study

    identifier = factory.Sequence(lambda n: f"FOR.{90000 + n}")
    title = factory.Sequence(lambda n: f"BTS étude n° {n}")
    kind = "brevet de technicien supérieur"
    level = "Bac + 2"

    class Params:
        closed = factory.Trait(closed_at=factory.LazyFunction(timezone.now))
