"""What every workflow's audit trail records (label applications, referrals…): STYLE rule 3,
« every transition writes an event row (who, when, from, to, why) »."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TransitionEvent(models.Model):
    """One step of a workflow: when, who, what, from which state to which, and why."""

    at = models.DateTimeField(_("le"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
        help_text=_("vide : quelqu’un sans compte (lien, personne) ou la plateforme, à l’échéance"),
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("état avant"), max_length=20, blank=True)
    to_state = models.CharField(_("état après"), max_length=20, blank=True)
    note = models.TextField(_("motif ou commentaire"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"
