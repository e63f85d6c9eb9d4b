from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from orientation.search.models import Synonym
from orientation.search.services import synonym_save
from orientation.search.tasks import queue_rebuild


class ReindexAfterEditMixin(admin.ModelAdmin):
    """Back-office edits of what the search shows reach the index: once the change is
    committed, a rebuild is queued for the worker (one at a time, however many edits)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        transaction.on_commit(queue_rebuild)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(queue_rebuild)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        transaction.on_commit(queue_rebuild)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansion", "updated_at"]
    search_fields = ["term", "expansion"]

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        synonym_save(term=obj.term, expansion=obj.expansion)
