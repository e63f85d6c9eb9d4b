"""« Qu'est-ce qui me correspondrait ? »: the interests questionnaire at /interets/, one screen
of six statements at a time, then the profile, its chart and the occupations that agree with
it. Nothing is stored: the answers travel in the link (``interests.answers_code``), so back,
resume and « come back later » work without an account and without JavaScript."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from orientation.interests import answers_code
from orientation.interests.questionnaire import TYPES, Item, questionnaire
from orientation.interests.scoring import profile
from orientation.interests.selectors import LEVEL_RANKS, LEVELS, domain_choices, proposals_for
from orientation.referrals.models import Interview
from orientation.referrals.services import INTERESTS_CONSENT

PER_SCREEN = 6
CHART_WIDTH = 240  # the longest bar, in the SVG's units


def _screens() -> list[list[Item]]:
    items = list(questionnaire().items)
    return [items[start : start + PER_SCREEN] for start in range(0, len(items), PER_SCREEN)]


def _url(name: str, **params: Any) -> str:
    kept = {key: value for key, value in params.items() if value not in ("", None)}
    return reverse(name) + ("?" + urlencode(kept) if kept else "")


def _crumbs(*links: tuple[str, str | None]) -> list[dict[str, str | None]]:
    return [{"title": "Accueil", "url": reverse("www:home")}, *({"title": t, "url": u} for t, u in links)]


def interests_intro(request: HttpRequest) -> HttpResponse:
    answers = answers_code.decode(request.GET.get("r", ""))
    resume = None
    if answers:
        resume = _next_step(answers)
    return render(
        request,
        "www/interests/intro.html",
        {
            "title": "Qu’est-ce qui me correspondrait ?",
            "count": len(questionnaire().items),
            "screens": len(_screens()),
            "start": _url("www:interests_questions", ecran=1),
            "resume": resume,
            "breadcrumb": _crumbs(("Mes centres d’intérêt", None)),
        },
    )


def _next_step(answers: dict[str, int]) -> str:
    """Where a person with these answers goes on: the first screen with a statement left, or
    their result."""
    code = answers_code.encode(answers)
    for number, screen in enumerate(_screens(), start=1):
        if any(item.id not in answers for item in screen):
            return _url("www:interests_questions", ecran=number, r=code)
    return _url("www:interests_result", r=code)


def interests_questions(request: HttpRequest) -> HttpResponse:
    screens = _screens()
    try:
        number = min(max(int(request.GET.get("ecran", "1")), 1), len(screens))
    except ValueError:
        number = 1
    screen = screens[number - 1]
    answers = answers_code.decode(request.GET.get("r", ""))
    missing: list[str] = []
    if request.GET.get("envoye"):
        scale = questionnaire().scale
        for item in screen:
            value = request.GET.get(item.id, "")
            if value.isdigit() and int(value) in scale:
                answers[item.id] = int(value)
            else:
                missing.append(item.id)
        if not missing:
            following = number + 1
            code = answers_code.encode(answers)
            if following <= len(screens):
                return redirect(_url("www:interests_questions", ecran=following, r=code))
            return redirect(_next_step(answers))
    code = answers_code.encode(answers)
    rows = [
        {
            "item": item,
            "value": answers.get(item.id),
            "missing": item.id in missing,
            "choices": sorted(questionnaire().scale.items()),
        }
        for item in screen
    ]
    return render(
        request,
        "www/interests/questions.html",
        {
            "title": f"Mes centres d’intérêt — écran {number} sur {len(screens)}",
            "number": number,
            "total": len(screens),
            "rows": rows,
            "code": code,
            "missing": missing,
            "back": _url("www:interests_questions", ecran=number - 1, r=code)
            if number > 1
            else _url("www:interests", r=code),
            "next_title": "Voir mon résultat" if number == len(screens) else "Écran suivant",
            "breadcrumb": _crumbs(("Mes centres d’intérêt", _url("www:interests", r=code)), (f"Écran {number}", None)),
        },
    )


def interests_result(request: HttpRequest) -> HttpResponse:
    answers = answers_code.decode(request.GET.get("r", ""))
    if len(answers) < len(questionnaire().items):
        return redirect(_next_step(answers))
    result = profile(answers)
    types = questionnaire().types
    bars = [
        {
            "type": kind,
            "label": types[kind][0],
            "score": result.scores[kind],
            "width": round(CHART_WIDTH * result.scores[kind] / 100, 1),
            "y": index * 28,
        }
        for index, kind in enumerate(TYPES)
    ]
    code = answers_code.encode(answers)
    domains = domain_choices()
    domain = request.GET.get("domaine", "")
    domain = domain if domain in dict(domains) else ""
    level = request.GET.get("niveau", "")
    level = level if level in LEVEL_RANKS else ""
    found = proposals_for(result, limit=12, domain=domain, level=level) if not result.flat else None
    # an adviser who ran it with a person may attach it to one of the day's interviews
    user = request.user
    interviews = []
    if (
        user.is_authenticated
        and getattr(user, "is_verified", lambda: False)()
        and not getattr(user, "is_person", False)
    ):
        since = timezone.now() - timedelta(days=7)
        interviews = list(Interview.objects.visible_to(user).filter(created_at__gte=since)[:20])
    return render(
        request,
        "www/interests/result.html",
        {
            "title": "Mon profil d’intérêts",
            "result": result,
            "bars": bars,
            "chart_height": len(TYPES) * 28,
            "chart_width": CHART_WIDTH + 130,
            "strongest": [(kind, *types[kind]) for kind in result.code],
            "all_types": [(kind, *types[kind]) for kind in TYPES],
            "proposals": found.proposals if found else [],
            "unknown_level": found.unknown_level if found else 0,
            "domains": domains,
            "domain": domain,
            "levels": LEVELS,
            "level": level,
            "again": _url("www:interests_questions", ecran=1, r=code),
            "answers": code,
            "interviews": interviews,
            "interests_consent": INTERESTS_CONSENT,
            "breadcrumb": _crumbs(("Mes centres d’intérêt", _url("www:interests")), ("Mon profil", None)),
        },
    )
