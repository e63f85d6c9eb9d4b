"""The label's objects in Django's admin, for national administrators: read mostly.

The workflow's steps are made in the back-office (/gestion/labels/), through the services,
so that every step is checked and recorded; the admin does not change states.
"""

from django.contrib import admin

from orientation.labels.models import Application, Convention, Event, Grouping, Label, Withdrawal


class ConventionInline(admin.TabularInline):
    model = Convention
    extra = 0


@admin.register(Grouping)
class GroupingAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "coordinator"]
    list_filter = ["region"]
    search_fields = ["name", "coordinator__name"]
    filter_horizontal = ["organisations"]
    raw_id_fields = ["coordinator", "coordinator_contact"]
    inlines = [ConventionInline]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ["at", "by", "action", "from_state", "to_state", "note"]
    readonly_fields = ["at", "by", "action", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "region", "state", "submitted_on", "transmitted_on", "opinion", "decided_on"]
    list_filter = ["state", "kind", "region", "opinion"]
    readonly_fields = ["state", "submitted_on", "transmitted_on", "opinion", "opinion_on", "decided_on"]
    raw_id_fields = ["organisation", "grouping", "renewal_of", "convention"]
    filter_horizontal = ["sites", "services", "living_areas", "employment_zones", "communes", "interested_members"]
    inlines = [EventInline]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "region", "state", "granted_on", "expires_on", "ended_on"]
    list_filter = ["state", "region"]
    readonly_fields = ["application", "state", "granted_on", "expires_on", "ended_on"]


@admin.register(Withdrawal)
class WithdrawalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "opened_on", "answered_on", "opinion_on", "decided_on"]
    list_filter = ["state"]
    readonly_fields = ["label", "state", "opened_on", "answered_on", "opinion_on", "decided_on"]
