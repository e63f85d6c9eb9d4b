from django.contrib import admin

from orientation.ingestion.models import ImportRun, RecordProvenance, Reject, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "label", "location", "contact_email"]
    list_filter = ["kind"]
    search_fields = ["name", "label"]


class RejectInline(admin.TabularInline):
    model = Reject
    extra = 0
    fields = ("file", "line", "record", "field", "reason")
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["source", "command", "started_at", "status", "created", "updated", "unchanged", "rejected"]
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
