"""Print the share of each region's communes and population that lies in a territory served
by a label in force; with --region, each of its bassins de vie as well."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from orientation.labels.selectors import coverage_by_region, coverage_of_region
from orientation.territories.models import Region


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="code INSEE d’une région : le détail par bassin de vie")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        line = "{:<40} {:>7} / {:<7} {:>6.1%}   {:>10} / {:<10} {:>6.1%}"
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"--region {options['region']!r} : aucune région de ce code.")
            total, areas = coverage_of_region(region, today)
            self.stdout.write(f"{region} au {today:%d/%m/%Y} : communes couvertes, population couverte")
            for area in areas:
                name = str(area.living_area) if area.living_area else "(sans bassin de vie)"
                self.stdout.write(
                    line.format(
                        name[:40],
                        area.communes_covered,
                        area.communes,
                        area.communes_share,
                        area.population_covered,
                        area.population,
                        area.population_share,
                    )
                )
            rows = [("Total", total)]
        else:
            self.stdout.write(f"Couverture au {today:%d/%m/%Y} : communes couvertes, population couverte")
            rows = [(str(item.region), item) for item in coverage_by_region(today) if item.communes]
        for name, item in rows:
            self.stdout.write(
                line.format(
                    name[:40],
                    item.communes_covered,
                    item.communes,
                    item.communes_share,
                    item.population_covered,
                    item.population,
                    item.population_share,
                )
            )
