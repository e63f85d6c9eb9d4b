"""The quality criteria of the cahier des charges of 4 May 2011 (arrêté du 4 mai 2011).

An application states a commitment on each of them, with evidence; the CCREFP checks the
file against them. The codes are stable: they key the commitments stored in a file.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CRITERIA: dict[str, object] = {
    "accueil": _("Accueil individualisé et premier conseil pour toute personne, quelle que soit sa situation"),
    "information": _("Information exhaustive et objective sur les métiers, les formations et les certifications"),
    "conseil": _("Conseil personnalisé pour choisir en connaissance de cause"),
    "gratuite": _("Gratuité du service rendu"),
    "non_discrimination": _("Non-discrimination et égalité d’accès"),
    "neutralite": _("Neutralité et objectivité du conseil"),
    "confidentialite": _(
        "Confidentialité : premier accueil anonyme, données enregistrées seulement avec l’accord explicite "
        "de la personne"
    ),
    "accessibilite": _("Accessibilité : transports en commun, personnes handicapées, horaires d’ouverture"),
    "dematerialise": _("Accès au service dématérialisé et aux portails publics, avec une aide pour s’en servir"),
    "orientation_vers": _("Orientation vers un organisme mieux adapté, avec un rendez-vous si la personne l’accepte"),
    "autonomie": _("Développement de l’autonomie de la personne"),
}
