"""What a caller tells the platform: who they are and what they need (the keypad menu, the
web form and the SIP proxy's headers all use these codes)."""

from __future__ import annotations

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.TextChoices):
    PUPIL_OR_STUDENT = "eleve-etudiant", _("élève ou étudiant")
    PARENT = "parent", _("parent")
    YOUNG = "jeune-16-25", _("jeune de 16 à 25 ans")
    JOB_SEEKER = "demandeur-emploi", _("demandeur d’emploi")
    EMPLOYEE = "salarie", _("salarié")
    EMPLOYER = "employeur", _("employeur")
    OTHER = "autre", _("autre")


class Need(models.TextChoices):
    SCHOOLING = "scolarite", _("scolarité")
    HIGHER_EDUCATION = "etudes-superieures", _("études supérieures")
    TRAINING = "formation-financement", _("formation et financement")
    JOB_SEARCH = "recherche-emploi", _("recherche d’emploi")
    CAREER_CHANGE = "reconversion", _("reconversion")
    YOUTH = "information-jeunesse", _("information jeunesse")
    OTHER = "autre", _("autre")


class Action(models.TextChoices):
    ANSWER = "answer", _("réponse au premier niveau")
    FORWARD = "forward", _("transfert vers un partenaire")
    CALLBACK = "callback", _("rappel programmé")


class Channel(models.TextChoices):
    SIP = "sip", _("téléphone (SIP)")
    VOICE = "voice", _("téléphone (plateforme vocale)")
    WEB = "web", _("formulaire « Être rappelé »")


class TransferMode(models.TextChoices):
    RELAY = "relay", _("relayé par le proxy")
    REDIRECT = "redirect", _("redirigé (302) vers le partenaire")


#: the moments a person may ask to be called back in: key → (from, until, how the form says it)
CALLBACK_SLOTS: dict[str, tuple[time, time, str]] = {
    "matin": (time(9), time(12), "le matin (9 h – 12 h)"),
    "midi": (time(12), time(14), "entre 12 h et 14 h"),
    "apres-midi": (time(14), time(18), "l’après-midi (14 h – 18 h)"),
}
