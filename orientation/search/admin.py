from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orientation.search.models import Synonym
from orientation.search.services import synonym_save


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansion", "updated_at"]
    search_fields = ["term", "expansion"]

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        synonym_save(term=obj.term, expansion=obj.expansion)
