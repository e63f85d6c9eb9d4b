from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: staff of a partner organisation, of a prefecture, …

    Memberships of organisations and roles are attached to users, not stored here.
    """

    email = models.EmailField(_("adresse électronique"), unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("utilisateur")
