"""Writes of the label's workflow, one module per flow: ``applications`` (groupings,
conventions, the file and its submission), ``instruction`` (return, transmission, hearing,
opinion, decision), ``withdrawal``, ``daily`` (what the statutory clock does by itself), over
``flow`` (who may act, the tables on the one engine, the event rows).

Every public function is a whole step: it checks the table of allowed moves and who may make it
*before* it reads what was sent, runs in one transaction (a failed step leaves nothing half
done), writes an Event, and sends its e-mails after the commit (``labels.notifications``).
Dates are the Paris calendar day of the step. Callers import from this package.
"""

from orientation.labels.services.applications import (
    application_create,
    application_missing,
    application_set_commitments,
    application_set_convention,
    application_set_sites,
    application_set_territory,
    application_snapshot,
    application_submit,
    convention_add,
    grouping_create,
)
from orientation.labels.services.daily import labels_run_daily
from orientation.labels.services.flow import FLOWS, ROLES, SYSTEM, may_move, roles_held, user_acts_as
from orientation.labels.services.instruction import (
    application_decide,
    application_declare_interest,
    application_record_hearing,
    application_record_opinion,
    application_return,
    application_transmit,
)
from orientation.labels.services.withdrawal import (
    withdrawal_answer,
    withdrawal_decide,
    withdrawal_open,
    withdrawal_record_opinion,
)
from orientation.utils.workflow import TransitionError

__all__ = [
    "FLOWS",
    "ROLES",
    "SYSTEM",
    "TransitionError",
    "application_create",
    "application_decide",
    "application_declare_interest",
    "application_missing",
    "application_record_hearing",
    "application_record_opinion",
    "application_return",
    "application_set_commitments",
    "application_set_convention",
    "application_set_sites",
    "application_set_territory",
    "application_snapshot",
    "application_submit",
    "application_transmit",
    "convention_add",
    "grouping_create",
    "labels_run_daily",
    "may_move",
    "roles_held",
    "user_acts_as",
    "withdrawal_answer",
    "withdrawal_decide",
    "withdrawal_open",
    "withdrawal_record_opinion",
]
