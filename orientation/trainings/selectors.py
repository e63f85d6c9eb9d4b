"""Reads of the training offer for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from orientation.trainings.models import Action, Formation, Session


def training_detail(action_id: int) -> Action | None:
    """An open training action with its formation, providers, sessions and occupations."""
    return (
        Action.objects.open()
        .select_related("formation__provider", "provider", "commune")
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.filter(closed_at__isnull=True).order_by("start_date")),
            "formation__rome_fiches",
        )
        .filter(pk=action_id)
        .first()
    )


#: a week of full-time training, to say how long a number of hours lasts
FULL_TIME_HOURS_PER_WEEK = 35
#: the public site where a person spends their compte personnel de formation
CPF_SITE_URL = "https://www.moncompteformation.gouv.fr/"
#: France compétences' page of an RNCP certification (its code, digits only)
RNCP_PAGE_URL = "https://www.francecompetences.fr/recherche/rncp/{code}/"


def sessions_to_show(action: Action, today: date) -> list[Session]:
    """The sessions a person can still join or follow: those to come first (the soonest first),
    then those under way; finished ones are hidden. Uses the prefetched ``sessions``."""
    coming, under_way = [], []
    for session in action.sessions.all():
        if session.end_date is not None and session.end_date < today:
            continue
        if session.start_date is not None and session.start_date < today:
            under_way.append(session)
        else:
            coming.append(session)
    coming.sort(key=lambda session: (session.start_date is None, session.start_date or today))
    return coming + under_way


@dataclass(frozen=True)
class Duration:
    hours: int | None
    #: full-time weeks those hours make (35 h a week), rounded
    weeks: int | None
    #: how long the session lasts on the calendar, in months (or weeks below two months)
    months: int | None
    calendar_weeks: int | None


def duration(action: Action, session: Session | None) -> Duration:
    hours = action.hours_total
    weeks = max(1, round(hours / FULL_TIME_HOURS_PER_WEEK)) if hours else None
    months = calendar_weeks = None
    if session is not None and session.start_date and session.end_date and session.end_date >= session.start_date:
        days = (session.end_date - session.start_date).days + 1
        if days >= 56:
            months = max(2, round(days / 30.44))
        else:
            calendar_weeks = max(1, round(days / 7))
    return Duration(hours=hours, weeks=weeks, months=months, calendar_weeks=calendar_weeks)


@dataclass(frozen=True)
class Cpf:
    """Whether the compte personnel de formation can pay for it: a certification registered in
    the RNCP can be financed with it (Code du travail, art. L6323-6)."""

    rncp_codes: list[str]
    site_url: str = CPF_SITE_URL

    @property
    def eligible(self) -> bool:
        return bool(self.rncp_codes)

    @property
    def rncp_pages(self) -> list[tuple[str, str]]:
        return [
            (code, RNCP_PAGE_URL.format(code="".join(ch for ch in code if ch.isdigit()))) for code in self.rncp_codes
        ]


def cpf(formation: Formation) -> Cpf:
    return Cpf(rncp_codes=list(formation.rncp_codes) if formation.is_certifying else [])
