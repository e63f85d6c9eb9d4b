from django.contrib import admin

from orientation.occupations.models import (
    Appellation,
    DomaineProfessionnel,
    GrandDomaine,
    InterestCentre,
    MobilityLink,
    OnisepFiche,
    OnisepSynonym,
    RomeFiche,
    Sector,
    Skill,
    Theme,
)
from orientation.utils.admin import AnnounceCatalogueChangeAdmin


class AppellationInline(admin.TabularInline):
    model = Appellation
    extra = 0
    fields = ["code", "label", "masculine", "feminine", "is_main"]


class MobilityInline(admin.TabularInline):
    model = MobilityLink
    fk_name = "source"
    extra = 0
    raw_id_fields = ["target"]


@admin.register(RomeFiche)
class RomeFicheAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["code", "title", "domaine", "is_regulated", "is_executive", "riasec_major"]
    list_filter = ["domaine__grand_domaine", "is_regulated", "is_executive", "riasec_major"]
    list_select_related = ["domaine"]
    search_fields = ["code", "title", "appellations__label"]
    inlines = [AppellationInline, MobilityInline]


@admin.register(Appellation)
class AppellationAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["code", "label", "fiche", "is_main"]
    list_select_related = ["fiche"]
    search_fields = ["code", "label", "masculine", "feminine"]
    raw_id_fields = ["fiche"]


class OnisepSynonymInline(admin.TabularInline):
    model = OnisepSynonym
    extra = 0


@admin.register(OnisepFiche)
class OnisepFicheAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["identifier", "name", "min_level"]
    search_fields = ["identifier", "name", "synonyms__name"]
    filter_horizontal = ["rome_fiches"]
    raw_id_fields = ["related"]
    inlines = [OnisepSynonymInline]


for model in (GrandDomaine, DomaineProfessionnel, InterestCentre, Sector, Theme, Skill):
    admin.site.register(model, search_fields=["code", "label"], list_display=["code", "label"])
