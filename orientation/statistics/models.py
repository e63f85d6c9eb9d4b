"""The audience, counted without cookies or personal data: only aggregated figures, by day.

A row is one count of one day: page views of a page type, visits (estimated), entry pages,
referring sites (their domain), device classes, searches by kind, searches that found nothing
(by kind, and their words), the department of the places searched. Nothing else is kept: no
address, no user agent, no identifier (``statistics.audience`` says how they are counted).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    PAGE_VIEWS = "page", _("pages vues, par type de page")
    VISITS = "visit", _("visites (estimées)")
    ENTRIES = "entry", _("pages d’entrée, par type de page")
    REFERRERS = "referrer", _("sites d’où l’on vient (domaine)")
    DEVICES = "device", _("type d’appareil")
    SEARCHES = "search", _("recherches, par type de résultat")
    EMPTY_SEARCHES = "search_empty", _("recherches sans résultat, par type de résultat")
    EMPTY_TERMS = "search_empty_term", _("mots des recherches sans résultat")
    SEARCHED_DEPARTMENTS = "search_department", _("département du lieu cherché")
    SEARCH_RESULTS = "search_results", _("recherches par type et nombre de résultats")


#: the ranges of a search's number of results (``Metric.SEARCH_RESULTS`` keys are « kind:range »)
RESULT_RANGES = ["0", "1-9", "10-49", "50-199", "200+"]


def result_range(total: int) -> str:
    for bound, name in ((1, "0"), (10, "1-9"), (50, "10-49"), (200, "50-199")):
        if total < bound:
            return name
    return "200+"


class AudienceCount(models.Model):
    day = models.DateField(_("jour"))
    metric = models.CharField(_("mesure"), max_length=20, choices=Metric.choices)
    key = models.CharField(_("valeur"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("nombre"), default=0)

    class Meta:
        verbose_name = _("compte d’audience")
        verbose_name_plural = _("comptes d’audience")
        constraints = [models.UniqueConstraint(fields=["day", "metric", "key"], name="one_count_per_day_metric_key")]
        indexes = [models.Index(fields=["metric", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.key}: {self.count}"
