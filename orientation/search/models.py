"""What operators edit about search: the synonyms of common words."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Synonym(models.Model):
    """A word people type, and what it means in the catalogue ("nounou" → "garde d'enfant")."""

    term = models.CharField(_("mot tapé"), max_length=100, unique=True)
    expansion = models.CharField(_("équivaut à"), max_length=300)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("synonyme")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"
