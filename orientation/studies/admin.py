from django.contrib import admin

from orientation.studies.models import Study
from orientation.utils.admin import AnnounceCatalogueChangeAdmin


@admin.register(Study)
class StudyAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["identifier", "title", "kind", "level", "rncp_code", "closed_at"]
    list_filter = ["level", "kind"]
    search_fields = ["identifier", "title", "rncp_code"]
    raw_id_fields = ["onisep_fiches"]
