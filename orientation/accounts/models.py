"""Who signs in, and what they may act on: memberships of organisations and regional roles.

A user's rights come from rows, never from flags set by hand on a view: an organisation's
members and admins act for that organisation; the CCREFP secretariat and the prefecture
officers act for one region; national administrators see the whole country. The domain
apps scope their querysets with these rows (``Application.objects.visible_to(user)``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Who signs in: staff of a partner organisation, of a prefecture, … (password and second
    factor, the back-office), or a member of the public in their own space (``is_person``: an
    e-mailed link or OpenID Connect, no password, no back-office right, no second factor)."""

    # Null rather than "" when unknown, so that unique=True holds for users without one.
    email = models.EmailField(  # type: ignore[assignment]
        _("adresse électronique"), unique=True, null=True, blank=True
    )
    is_national_admin = models.BooleanField(
        _("administrateur national"),
        default=False,
        help_text=_("délégation à l’information et à l’orientation : voit les dossiers de toutes les régions"),
    )
    # Set only by the demo loader (orientation.demo.accounts), never in a form: the one-click
    # sign-in of /demo/ accepts these accounts alone, and only while the demo data is loaded.
    is_demo = models.BooleanField(_("compte de démonstration"), default=False, editable=False)
    # Set only by the person's-space services (orientation.persons): such an account never enters
    # the back-office, whatever else is set on it (www.backoffice.auth.staff_required).
    is_person = models.BooleanField(_("espace personnel"), default=False, editable=False)
    #: the last time the person used their space (renewed with the session, at most every few minutes)
    last_active_at = models.DateTimeField(_("dernière activité"), null=True, blank=True, editable=False)
    #: when the person was told their unused space would be erased (the daily task, after 2 years)
    inactivity_warned_at = models.DateTimeField(_("averti de l’inactivité le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("utilisateur")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("membre")
        ADMIN = "admin", _("administrateur de l’organisation")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("utilisateur"))
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("appartenance à une organisation")
        verbose_name_plural = _("appartenances à une organisation")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class RegionalRole(models.Model):
    class Role(models.TextChoices):
        CCREFP = "ccrefp", _("secrétariat du CCREFP")
        PREFECTURE = "prefecture", _("préfecture de région")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="regional_roles", verbose_name=_("utilisateur")
    )
    region = models.ForeignKey(
        "territories.Region", on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("région")
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("rôle régional")
        verbose_name_plural = _("rôles régionaux")
        constraints = [models.UniqueConstraint(fields=["user", "region", "role"], name="one_regional_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.region}"
