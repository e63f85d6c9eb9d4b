"""E-mails about feeds: the source's contact hears of a failed import."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from orientation.ingestion.models import ImportRun

logger = logging.getLogger(__name__)

#: rejects quoted in the e-mail; the health page lists them all
REJECTS_IN_EMAIL = 20


def failed_run_message(run: ImportRun) -> tuple[str, str]:
    """Subject and body of the e-mail about a failed run."""
    source = run.source
    started = timezone.localtime(run.started_at)
    subject = f"[Orientation pour tous] Échec de l’import « {source} » du {started:%d/%m/%Y à %H:%M}"
    lines = [
        "Bonjour,",
        "",
        f"L’import de la source « {source} » ({source.name}) a échoué le {started:%d/%m/%Y à %H:%M}.",
        "Rien n’a été enregistré : l’offre publiée avant cet import reste en ligne.",
        "",
        f"Fichier lu : {run.location}",
        "",
        "Motif :",
        run.message,
    ]
    rejects = list(run.rejects.all()[:REJECTS_IN_EMAIL])
    if rejects:
        lines += ["", f"Enregistrements refusés ({run.rejected} au total) :"]
        lines += [f"  - {reject.describe()}" for reject in rejects]
    health_url = settings.SITE_URL + reverse("backoffice:feed_health_source", args=[source.name])
    lines += [
        "",
        f"État du flux et détail des rejets : {health_url}",
        "",
        "Une fois le fichier corrigé, le prochain import planifié le reprendra ; "
        "vous pouvez aussi demander à l’équipe d’exploitation de le relancer.",
        "",
        "— Orientation pour tous, plateforme d’échange des données",
    ]
    return subject, "\n".join(lines)


def notify_failed_run(run: ImportRun) -> int:
    """Tell the source's contact (and the operators listed in settings) that a run failed.

    A mail server that is down must not turn a recorded failure into a crash: the
    error is logged and the run stays on the health page. Returns the number of
    messages sent.
    """
    recipients = [email for email in [run.source.contact_email, *settings.IMPORT_ALERT_EMAILS] if email]
    if not recipients:
        return 0
    subject, body = failed_run_message(run)
    try:
        return send_mail(subject, body, None, recipients)
    except OSError:
        logger.exception("Courriel d’échec de l’import %s (source %s) non envoyé", run.pk, run.source.name)
        return 0
