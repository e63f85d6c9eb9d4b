from django.contrib import admin

from orientation.territories.models import (
    Commune,
    Department,
    EmploymentZone,
    Epci,
    FormerCommune,
    LivingArea,
    PostalCode,
    Region,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "zone"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name"]


@admin.register(EmploymentZone)
class EmploymentZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "unemployment_rate", "unemployment_period", "name_is_derived"]
    list_select_related = ["region"]
    search_fields = ["code", "name"]


@admin.register(LivingArea)
class LivingAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_is_derived"]
    search_fields = ["code", "name"]


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]


class FormerCommuneInline(admin.TabularInline):
    model = FormerCommune
    fk_name = "commune"
    extra = 0
    fields = ("code", "name", "kind", "latitude", "longitude")
    readonly_fields = fields


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "population", "employment_zone", "living_area", "coordinates_source"]
    list_select_related = ["department", "employment_zone", "living_area"]
    list_filter = ["kind", "zone", "coordinates_source", "region"]
    search_fields = ["code", "name", "name_key"]
    raw_id_fields = ["parent", "department", "region", "employment_zone", "living_area", "epci"]
    inlines = [FormerCommuneInline]


@admin.register(FormerCommune)
class FormerCommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "commune"]
    list_select_related = ["commune"]
    search_fields = ["code", "name"]
    raw_id_fields = ["commune"]


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "name", "line5", "delivery_label", "commune"]
    list_select_related = ["commune"]
    search_fields = ["postcode", "name", "line5"]
    raw_id_fields = ["commune"]
