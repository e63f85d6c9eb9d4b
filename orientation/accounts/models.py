from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: staff of a partner organisation, of a prefecture, …

    Memberships of organisations and roles are attached to users, not stored here.
    """

    # Null rather than "" when unknown, so that unique=True holds for users without one.
    email = models.EmailField(  # type: ignore[assignment]
        _("adresse électronique"), unique=True, null=True, blank=True
    )

    class Meta:
        verbose_name = _("utilisateur")
