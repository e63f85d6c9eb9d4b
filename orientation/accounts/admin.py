from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

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
