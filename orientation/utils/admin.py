"""Admin pieces shared by the domain apps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from orientation.utils.signals import announce_catalogue_change


class AnnounceCatalogueChangeAdmin(admin.ModelAdmin):
    """Back-office edits of what the search shows are announced once committed
    (``utils.signals.catalogue_changed``): the search subscribes and queues one rebuild, however
    many edits."""

    def _announce(self) -> None:
        announce_catalogue_change(f"admin:{self.model._meta.label_lower}")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        self._announce()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        self._announce()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        self._announce()
