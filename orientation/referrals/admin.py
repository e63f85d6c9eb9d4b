"""Referrals in Django's admin: partner platforms are set here; referrals are read only
(their steps go through the services, from the back-office, the secure links and the API)."""

import secrets

from django.contrib import admin, messages

from orientation.referrals.models import Event, PartnerPlatform, PersonalDataAccess, Referral, TextMessage, token_digest


@admin.register(PartnerPlatform)
class PartnerPlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "endpoint_url", "active"]
    filter_horizontal = ["organisations"]
    exclude = ["token_digest"]
    actions = ["new_token"]

    def save_model(self, request, obj, form, change):
        if not obj.token_digest:
            token = secrets.token_urlsafe(32)
            obj.token_digest = token_digest(token)
            messages.warning(request, f"Jeton de {obj.name}, à lui transmettre (il ne sera plus affiché) : {token}")
        super().save_model(request, obj, form, change)

    @admin.action(description="Remplacer le jeton (l’ancien cesse de fonctionner)")
    def new_token(self, request, queryset):
        for partner in queryset:
            token = secrets.token_urlsafe(32)
            PartnerPlatform.objects.filter(pk=partner.pk).update(token_digest=token_digest(token))
            messages.warning(request, f"Nouveau jeton de {partner.name} (il ne sera plus affiché) : {token}")


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "actor", "action", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None):
        return False


OPERATOR_FIELDS: tuple[str, ...] = (
    "offer",
    "sender_name",
    "receiver_organisation",
    "state",
    "sent_at",
    "seen_at",
    "answered_at",
    "closed_at",
    "refusal_reason",
    "reminders_sent",
    "partner",
    "external_id",
    "attachments_purged_at",
    "anonymised_at",
)


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Without personal fields: the admin is for the operators, not for reading people's data."""

    list_display = ["pk", "offer", "sender_name", "state", "sent_at", "answered_at"]
    list_filter = ["state", "partner"]
    fields = OPERATOR_FIELDS
    readonly_fields = OPERATOR_FIELDS
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "interview", "referral"]
    list_filter = ["action"]
    readonly_fields = ["at", "user", "actor", "action", "interview", "referral"]


@admin.register(TextMessage)
class TextMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "phone", "sent_at"]
    readonly_fields = ["created_at", "phone", "body", "referral", "sent_at"]
