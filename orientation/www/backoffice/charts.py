"""Small charts drawn as inline SVG on the server: they show without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from orientation.ingestion.models import ImportRun

BAR_WIDTH = 8
BAR_GAP = 2
ROW_HEIGHT = 28

#: the counts of a run shown in the chart, with their label and colour
MEASURES = [
    ("created", "créés", "#18753c"),
    ("updated", "mis à jour", "#000091"),
    ("unchanged", "inchangés", "#929292"),
    ("absent", "fermés ou absents", "#b34000"),
    ("rejected", "rejetés", "#ce0500"),
]
STATUS_COLOURS = {
    ImportRun.Status.SUCCEEDED: "#18753c",
    ImportRun.Status.FAILED: "#ce0500",
    ImportRun.Status.RUNNING: "#000091",
}


@dataclass
class Bar:
    x: int
    y: float
    height: float
    colour: str
    title: str


@dataclass
class ChartRow:
    label: str
    maximum: int
    bars: list[Bar]


@dataclass
class RunChart:
    width: int
    height: int
    status: list[Bar]
    rows: list[ChartRow]


def _bar_height(value: int, maximum: int, height: int) -> float:
    """A bar scaled to the series' maximum; a value that is not zero stays visible."""
    scaled = (height - 2) * value / maximum if maximum else 0
    return 1 if value and scaled < 1 else scaled


def run_chart(runs: list[ImportRun]) -> RunChart:
    """One row per count, each scaled to its own maximum (a reject count of 3 stays visible
    beside 200,000 unchanged records), above a row of squares for the runs' outcome."""
    width = max(len(runs), 1) * (BAR_WIDTH + BAR_GAP)
    status = [
        Bar(
            x=index * (BAR_WIDTH + BAR_GAP),
            y=0,
            height=BAR_WIDTH,
            colour=STATUS_COLOURS.get(ImportRun.Status(run.status), "#929292"),
            title=f"{timezone.localtime(run.started_at):%d/%m/%Y %H:%M} : {run.get_status_display()}",
        )
        for index, run in enumerate(runs)
    ]
    rows = []
    for attribute, label, colour in MEASURES:
        values = [getattr(run, attribute) for run in runs]
        maximum = max(values, default=0)
        bars = []
        for index, (run, value) in enumerate(zip(runs, values, strict=True)):
            height = _bar_height(value, maximum, ROW_HEIGHT)
            bars.append(
                Bar(
                    x=index * (BAR_WIDTH + BAR_GAP),
                    y=ROW_HEIGHT - height,
                    height=height,
                    colour=colour,
                    title=f"{timezone.localtime(run.started_at):%d/%m/%Y %H:%M} : {value} {label}",
                )
            )
        rows.append(ChartRow(label=label, maximum=maximum, bars=bars))
    return RunChart(width=width, height=ROW_HEIGHT, status=status, rows=rows)


@dataclass
class SeriesChart:
    """A small bar chart of one series (calls per day…), drawn as inline SVG; the page gives
    the same figures as a table."""

    width: int
    height: int
    maximum: int
    bars: list[Bar]


def series_chart(points: list[tuple[str, int]], *, colour: str = "#000091", height: int = 60) -> SeriesChart:
    maximum = max((value for _label, value in points), default=0)
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = _bar_height(value, maximum, height)
        bars.append(
            Bar(
                x=index * (BAR_WIDTH + BAR_GAP),
                y=height - bar_height,
                height=bar_height,
                colour=colour,
                title=f"{label} : {value}",
            )
        )
    return SeriesChart(width=max(len(points), 1) * (BAR_WIDTH + BAR_GAP), height=height, maximum=maximum, bars=bars)
