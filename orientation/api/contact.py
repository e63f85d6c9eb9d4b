"""The phone platform's statistics in the API, for its advisers and the national team."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from orientation.api.errors import ApiError
from orientation.api.schemas import ErrorOut
from orientation.api.security import staff_session
from orientation.contact.selectors import interaction_statistics

contact = Router(tags=["Plateforme téléphonique"])


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class PhoneCountOut(Schema):
    code: str
    label: str
    count: int


class PhoneDayOut(Schema):
    day: Any
    contacts: int
    callbacks: int


class PhoneStatisticsOut(Schema):
    since: Any
    until: Any
    total: int
    first_level_share: float
    forwarded_share: float
    callback_share: float
    callback_delay_minutes: float | None
    callbacks_done: int
    per_day: list[PhoneDayOut]
    by_profile: list[PhoneCountOut]
    by_need: list[PhoneCountOut]
    by_decision: list[PhoneCountOut]
    by_partner: list[PhoneCountOut]
    by_channel: dict[str, int]


@contact.get(
    "/statistics",
    response={200: PhoneStatisticsOut, 401: ErrorOut, 403: ErrorOut},
    auth=staff_session,
    summary="Appels et rappels par jour, profil, besoin, décision et partenaire",
    description="`days` : les N derniers jours (30 par défaut, 366 au plus). Parts répondues au premier niveau, "
    "transférées et en rappel ; délai médian d’un rappel. Pour les conseillers de la plateforme.",
)
def statistics(request: HttpRequest, days: int = 30) -> dict[str, Any]:
    if not request.user.has_perm("contact.handle_callback") and not getattr(request.user, "is_national_admin", False):
        raise Forbidden("Réservé aux conseillers de la plateforme et à l’administration nationale.")
    days = min(max(days, 1), 366)
    until = timezone.localdate()
    figures = interaction_statistics(since=until - timedelta(days=days - 1), until=until)
    callbacks = dict(figures.callbacks_per_day)
    return {
        "since": figures.since,
        "until": figures.until,
        "total": figures.total,
        "first_level_share": round(figures.first_level_share, 4),
        "forwarded_share": round(figures.forwarded_share, 4),
        "callback_share": round(figures.callback_share, 4),
        "callback_delay_minutes": figures.callback_delay_minutes,
        "callbacks_done": figures.callbacks_done,
        "per_day": [{"day": day, "contacts": count, "callbacks": callbacks[day]} for day, count in figures.per_day],
        "by_profile": [{"code": c, "label": label, "count": n} for c, label, n in figures.by_profile],
        "by_need": [{"code": c, "label": label, "count": n} for c, label, n in figures.by_need],
        "by_decision": [{"code": c, "label": label, "count": n} for c, label, n in figures.by_action],
        "by_partner": [{"code": name, "label": name, "count": n} for name, n in figures.by_partner],
        "by_channel": figures.by_channel,
    }
