from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from orientation.accounts import services
from orientation.accounts.models import Membership, RegionalRole, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["organisation"]


class RegionalRoleInline(admin.TabularInline):
    model = RegionalRole
    extra = 0


@admin.register(User)
class OrientationUserAdmin(UserAdmin):
    inlines = [MembershipInline, RegionalRoleInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_national_admin"]
    list_filter = ["is_staff", "is_national_admin", "regional_roles__role"]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Orientation pour tous", {"fields": ["is_national_admin"]}))

    actions = ["reset_second_factor", "send_enrolment_link"]

    @admin.action(description="Réinitialiser la double authentification (l’utilisateur l’active de nouveau)")
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            services.second_factor_reset(user=user, by_user=request.user)
        self.message_user(request, f"Double authentification réinitialisée pour {queryset.count()} compte(s).")

    @admin.action(description="Envoyer un lien d’activation de la double authentification")
    def send_enrolment_link(self, request, queryset):
        for user in queryset:
            try:
                services.enrolment_link_send(user=user)
            except services.EnrolmentError as error:
                self.message_user(request, f"{user.username} : {error}", level=messages.WARNING)
            else:
                self.message_user(request, f"{user.username} : lien envoyé.")
