from django.contrib import admin

from orientation.trainings.models import Action, Formation, Provider, Session
from orientation.utils.admin import AnnounceCatalogueChangeAdmin


@admin.register(Provider)
class ProviderAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["name", "siret", "city"]
    search_fields = ["name", "siret"]
    raw_id_fields = ["commune"]


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    fields = ["number", "place_name", "city", "hours_total", "price", "funders", "closed_at"]
    show_change_link = True


@admin.register(Formation)
class FormationAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["title", "number", "provider", "is_certifying", "closed_at"]
    list_filter = ["is_certifying", "exit_level"]
    list_select_related = ["provider"]
    search_fields = ["title", "number", "provider__name"]
    raw_id_fields = ["provider"]
    filter_horizontal = ["rome_fiches"]
    inlines = [ActionInline]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Action)
class ActionAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["formation", "number", "city", "price", "closed_at"]
    list_select_related = ["formation"]
    search_fields = ["number", "formation__title", "city"]
    raw_id_fields = ["formation", "provider", "commune"]
    inlines = [SessionInline]
