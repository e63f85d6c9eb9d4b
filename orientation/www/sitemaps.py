"""sitemap.xml: every occupation, open training and place, for search engines."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from orientation.directory.models import Place
from orientation.occupations.models import RomeFiche
from orientation.trainings.models import Action


class OccupationSitemap(Sitemap[RomeFiche]):
    changefreq = "monthly"

    def items(self) -> QuerySet[RomeFiche]:
        return RomeFiche.objects.order_by("code").only("code")

    def location(self, item: RomeFiche) -> str:
        return reverse("www:occupation", args=[item.code])


class TrainingSitemap(Sitemap[Action]):
    changefreq = "daily"
    limit = 20000

    def items(self) -> QuerySet[Action]:
        return Action.objects.open().order_by("pk").only("pk", "updated_at")

    def location(self, item: Action) -> str:
        return reverse("www:training", args=[item.pk])

    def lastmod(self, item: Action):  # type: ignore[no-untyped-def]
        return item.updated_at


class PlaceSitemap(Sitemap[Place]):
    changefreq = "weekly"

    def items(self) -> QuerySet[Place]:
        return Place.objects.canonical().order_by("pk").only("pk", "updated_at")

    def location(self, item: Place) -> str:
        return reverse("www:place", args=[item.pk])

    def lastmod(self, item: Place):  # type: ignore[no-untyped-def]
        return item.updated_at


SITEMAPS = {"metiers": OccupationSitemap, "formations": TrainingSitemap, "lieux": PlaceSitemap}
