"""The statutory timeline of the label « Orientation pour tous » (decree 2011-487,
Code du travail R6111-1 to R6111-5): who must act, by which day, and how late it is.

Pure functions of dates: the application and withdrawal workflows (their models and
services come next) ask them for each step's due date, the colour it shows, and whether
the CCREFP's silence has become an unfavourable opinion.

Periods are counted as the code de procédure civile does (art. 641): in days, from the day
after the event that starts the step (a file sent to the CCREFP on 1 March must have its
opinion by 31 March; on 1 April, without one, the opinion is deemed unfavourable); in
months or years, to the same day of the month, or the month's last day when it has none.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Actor(StrEnum):
    APPLICANT = "applicant"
    PREFECTURE = "prefecture"
    CCREFP = "ccrefp"


class Step(StrEnum):
    #: the prefecture sends the complete file to the CCREFP
    TRANSMISSION = "transmission"
    #: the CCREFP gives its opinion on conformity (none: unfavourable)
    OPINION = "opinion"
    #: the prefect grants or refuses, with reasons
    DECISION = "decision"
    #: withdrawal: the organisation answers the grounds in writing
    WITHDRAWAL_ANSWER = "withdrawal_answer"
    #: withdrawal: the committee gives its opinion
    WITHDRAWAL_OPINION = "withdrawal_opinion"
    #: withdrawal: the prefect notifies the decision
    WITHDRAWAL_DECISION = "withdrawal_decision"


@dataclass(frozen=True)
class Rule:
    days: int
    actor: Actor
    #: what the person who must act reads
    label: str | Promise


RULES: dict[Step, Rule] = {
    Step.TRANSMISSION: Rule(8, Actor.PREFECTURE, _("Transmettre le dossier complet au CCREFP")),
    Step.OPINION: Rule(30, Actor.CCREFP, _("Rendre l’avis du CCREFP")),
    Step.DECISION: Rule(20, Actor.PREFECTURE, _("Décider : attribution ou refus motivé")),
    Step.WITHDRAWAL_ANSWER: Rule(30, Actor.APPLICANT, _("Répondre par écrit aux motifs du retrait")),
    Step.WITHDRAWAL_OPINION: Rule(30, Actor.CCREFP, _("Rendre l’avis sur le retrait")),
    Step.WITHDRAWAL_DECISION: Rule(30, Actor.PREFECTURE, _("Notifier la décision de retrait")),
}

LABEL_YEARS = 5
RENEWAL_MONTHS_BEFORE_EXPIRY = 3


class Urgency(StrEnum):
    ON_TIME = "on_time"
    #: amber: a quarter of the period or less is left (at least the last 2 days)
    SOON = "soon"
    #: red: the due day has passed
    LATE = "late"


@dataclass(frozen=True)
class Deadline:
    step: Step
    #: the day of the event that started the step (submission, transmission, opinion…)
    started_on: date
    due_on: date

    @property
    def rule(self) -> Rule:
        return RULES[self.step]

    def days_left(self, today: date) -> int:
        """Days until the due day (0 on the due day, negative once it has passed)."""
        return (self.due_on - today).days

    def urgency(self, today: date) -> Urgency:
        left = self.days_left(today)
        if left < 0:
            return Urgency.LATE
        if left <= max(2, self.rule.days // 4):
            return Urgency.SOON
        return Urgency.ON_TIME


def deadline(step: Step, started_on: date) -> Deadline:
    return Deadline(step=step, started_on=started_on, due_on=started_on + timedelta(days=RULES[step].days))


def opinion_is_deemed_unfavourable(transmitted_on: date, today: date) -> bool:
    """No opinion by the end of the 30 days counts as unfavourable: true from day 31."""
    return today > deadline(Step.OPINION, transmitted_on).due_on


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def label_expires_on(granted_on: date) -> date:
    """The day a label granted on that day expires: five years later, the same day of the
    month, or the month's last day when it has none (code de procédure civile, art. 641)."""
    return _add_months(granted_on, 12 * LABEL_YEARS)


def renewal_opens_on(granted_on: date) -> date:
    """Renewal is asked for 3 months before the label expires."""
    return _add_months(label_expires_on(granted_on), -RENEWAL_MONTHS_BEFORE_EXPIRY)
