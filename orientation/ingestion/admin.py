from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from orientation.ingestion.models import ImportRun, RecordProvenance, Reject, Source
from orientation.ingestion.services import source_queue_import, source_update_schedule, source_validate


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "name",
            "label",
            "kind",
            "location",
            "contact_email",
            "enabled",
            "frequency",
            "run_at",
            "weekday",
            "reject_threshold_percent",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        candidate = Source(**{name: cleaned.get(name) for name in ("kind", "location", "frequency") if name in cleaned})
        candidate.location = candidate.location or ""
        try:
            source_validate(source=candidate)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                self.add_error(field_name if field_name in self.fields else None, messages)
        return cleaned


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["name", "kind", "label", "frequency", "next_run_at", "enabled", "contact_email", "health_link"]
    list_filter = ["kind", "frequency", "enabled"]
    search_fields = ["name", "label"]
    readonly_fields = ["next_run_at", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "label", "kind", "location", "contact_email"]}),
        (_("Planification"), {"fields": ["enabled", "frequency", "run_at", "weekday", "next_run_at"]}),
        (_("Contrôle"), {"fields": ["reject_threshold_percent", "created_at"]}),
    ]
    actions = ["import_now"]

    @admin.display(description=_("état du flux"))
    def health_link(self, source: Source) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("backoffice:feed_health_source", args=[source.name]), _("voir")
        )

    def save_model(self, request: HttpRequest, obj: Source, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        source_update_schedule(source=obj)

    @admin.action(description=_("Importer maintenant (mettre en file pour le worker)"), permissions=["change"])
    def import_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        queued = sum(source_queue_import(source=source) for source in queryset)
        self.message_user(request, _("%(count)d import(s) mis en file.") % {"count": queued})


class RejectInline(admin.TabularInline):
    model = Reject
    extra = 0
    fields = ("file", "line", "record", "field", "reason")
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "command",
        "started_at",
        "status",
        "created",
        "updated",
        "unchanged",
        "absent",
        "rejected",
    ]
    list_filter = ["status", "source"]
    list_select_related = ["source"]
    readonly_fields = [field.name for field in ImportRun._meta.fields]
    inlines = [RejectInline]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RecordProvenance)
class RecordProvenanceAdmin(admin.ModelAdmin):
    list_display = ["source", "content_type", "external_id", "object_id", "last_changed_run"]
    list_filter = ["source", "content_type"]
    search_fields = ["external_id"]
    raw_id_fields = ["first_run", "last_changed_run"]
