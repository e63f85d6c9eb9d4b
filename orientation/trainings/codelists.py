"""The LHEO code lists the portal shows in words."""

from __future__ import annotations

#: LHEO « code-financeur » (dictionary of funders, codes 0 to 20). The codes 18 to 20 are
#: valid in the XSD without a published label: they are shown with their number.
FUNDERS = {
    "0": "Autre financeur",
    "1": "Financeur (code obsolète)",
    "2": "Conseil régional",
    "3": "Fonds social européen (FSE)",
    "4": "France Travail",
    "5": "Entreprise",
    "6": "ACSÉ",
    "7": "Agefiph",
    "8": "Conseil départemental",
    "9": "Commune",
    "10": "La personne elle-même",
    "11": "État — ministère chargé de l’emploi",
    "12": "État — ministère de l’Éducation nationale",
    "13": "État — autre",
    "14": "Fonds européens — autre",
    "15": "Collectivité territoriale — autre",
    "16": "Opérateur de compétences (OPCO)",
    "17": "OPACIF (congé individuel de formation)",
}


def funder_label(code: str) -> str:
    return FUNDERS.get(str(code), f"Financeur (code LHEO {code})")


#: LHEO « modalités d'enseignement » → (the search's filter value, how the portal says it)
TEACHING_MODES = {
    "0": ("presentiel", "Sur place"),
    "1": ("mixte", "En partie à distance"),
    "2": ("distance", "Entièrement à distance"),
}
