"""The phone platform's settings, edited by its operators: advisers' teams, partner queues and
routing rules (lists of codes as JSON: ["jeune-16-25", "parent"]). A change applies within
five seconds on every web process (the routing state is read again)."""

from django.contrib import admin

from orientation.contact.models import AdviserTeam, Callback, CallbackEvent, Interaction, PartnerQueue, RoutingRule
from orientation.contact.services import forget_routing_state


class ForgetStateMixin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_routing_state()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_routing_state()


@admin.register(AdviserTeam)
class AdviserTeamAdmin(ForgetStateMixin):
    list_display = ["name", "target", "is_default"]


@admin.register(PartnerQueue)
class PartnerQueueAdmin(ForgetStateMixin):
    list_display = ["name", "organisation", "target", "transfer_mode", "hourly_capacity", "active"]
    list_filter = ["transfer_mode", "active"]
    raw_id_fields = ["organisation"]
    search_fields = ["name", "organisation__name"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ForgetStateMixin):
    list_display = ["priority", "name", "profiles", "needs", "departments", "queue", "active"]
    list_editable = ["active"]
    list_display_links = ["name"]
    ordering = ["priority"]


class CallbackEventInline(admin.TabularInline):
    model = CallbackEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "action", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ["scheduled_for", "state", "attempts", "queue", "assigned_to"]
    list_filter = ["state"]
    readonly_fields = ["interaction", "state", "attempts", "closed_at"]
    inlines = [CallbackEventInline]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["at", "channel", "profile", "need", "action", "queue", "outcome"]
    list_filter = ["channel", "action", "outcome"]
    readonly_fields = [field.name for field in Interaction._meta.fields]

    def has_add_permission(self, request):
        return False
