from django.contrib import admin

from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.utils.admin import AnnounceCatalogueChangeAdmin


class PlaceInline(admin.TabularInline):
    model = Place
    extra = 0
    fields = ["name", "postcode", "city", "commune", "geocoding_precision"]
    readonly_fields = ["commune", "geocoding_precision"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["name", "typology", "siret", "email"]
    list_filter = ["typology"]
    search_fields = ["name", "siret", "email"]
    inlines = [PlaceInline]


class ServiceOfferInline(admin.StackedInline):
    model = ServiceOffer
    extra = 0
    fields = ["name", "type", "level", "themes", "publics", "fees", "origin"]
    show_change_link = True


@admin.register(Place)
class PlaceAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["name", "organisation", "postcode", "city", "commune", "geocoding_precision"]
    list_filter = ["geocoding_precision", "organisation__typology"]
    list_select_related = ["organisation", "commune"]
    search_fields = ["name", "city", "postcode", "organisation__name"]
    raw_id_fields = ["organisation", "commune"]
    inlines = [ServiceOfferInline]


@admin.register(ServiceOffer)
class ServiceOfferAdmin(AnnounceCatalogueChangeAdmin):
    list_display = ["name", "organisation", "place", "type", "level", "origin", "last_checked_at"]
    list_filter = ["type", "level", "origin", "fees"]
    list_select_related = ["organisation", "place"]
    search_fields = ["name", "organisation__name", "place__name"]
    raw_id_fields = ["organisation", "place"]
