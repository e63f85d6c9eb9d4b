"""E-mails of the workflows (label, referral): written in one voice, in templates that each
app keeps under ``templates/mail/<app>/``, sent after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template import Context, Engine
from django.urls import reverse
from django.utils import timezone

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


#: mails are plain text: nothing in them is HTML-escaped (a name with « & » stays as it is)
_TEXT = Engine(app_dirs=True, autoescape=False)


def render(
    template: str, context: dict[str, Any], recipients: Iterable[str], *, link: tuple[str, str] | None = None
) -> Mail:
    """A mail written in a template (``mail/<app>/<name>.txt``): its first line is the subject,
    the rest the lines between the greeting and the signature. Lines are kept as written,
    trailing spaces and runs of blank lines (what a ``{% if %}`` leaves) are trimmed to one."""
    subject, _, body = render_text(template, context).partition("\n")
    lines: list[str] = []
    for line in body.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return compose(recipients, subject.strip(), *lines, link=link)


def render_text(template: str, context: dict[str, Any]) -> str:
    """A template of plain text (a mail, an SMS) rendered without HTML escaping."""
    return _TEXT.get_template(template).render(Context(context, autoescape=False))


def site_url(name: str, *args: object) -> str:
    """The address of a page of the platform, as a mail or an SMS writes it."""
    return settings.SITE_URL + reverse(name, args=args)


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


class FolderBackend(BaseEmailBackend):
    """The laptop's outgoing mail: each message written as an .eml file under EMAIL_FILE_PATH
    (var/mail/), to read with any mail reader or a text editor; the log says only the message's
    id and how many recipients it had: never an address, a subject or a link."""

    def send_messages(self, email_messages: Any) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            mime = message.message()
            message_id = str(mime["Message-ID"]).strip("<>")
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{message_id.split('@', 1)[0]}.eml"
            (folder / name).write_bytes(mime.as_bytes())
            logger.info("Courriel %s écrit dans %s (%d destinataire(s))", message_id, folder, len(message.recipients()))
            sent += 1
        return sent
