"""E-mails of the workflows (label, referral): written in one voice, sent after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.db import transaction

logger = logging.getLogger(__name__)

SIGNATURE = "— Orientation pour tous, service public de l’orientation"


@dataclass(frozen=True)
class Mail:
    recipients: list[str]
    subject: str
    body: str


def compose(recipients: Iterable[str], subject: str, *lines: str, link: tuple[str, str] | None = None) -> Mail:
    """A mail in the platform's voice: greeting, lines, an optional (text, address) link, signature."""
    body = ["Bonjour,", "", *lines]
    if link is not None:
        body += ["", f"{link[0]} : {link[1]}"]
    body += ["", SIGNATURE]
    return Mail(
        sorted({address for address in recipients if address}), f"[Orientation pour tous] {subject}", "\n".join(body)
    )


def send_after_commit(mails: list[Mail]) -> None:
    """Send each mail once the transaction commits. A mail server that is down is logged and
    does not undo a step that is recorded: the back-office shows it, the daily tasks remind."""

    def send() -> None:
        messages = [EmailMessage(m.subject, m.body, None, m.recipients) for m in mails if m.recipients]
        if not messages:
            return
        try:
            get_connection().send_messages(messages)
        except OSError:
            logger.exception("Courriels non envoyés : %s", "; ".join(m.subject for m in mails))

    transaction.on_commit(send)
