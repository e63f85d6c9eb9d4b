"""The guidance and employment networks whose places we import, and what each offers.

A place of a network gives at least that network's base services: a CIO informs on
studies and occupations and holds guidance interviews, a mission locale receives and
supports 16-25 year olds, and so on. These base offers are marked as deduced from
the typology, so that an organisation sees what it has to confirm or complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orientation.directory.codelists import Public, ServiceType
from orientation.directory.models import ServiceOffer
from orientation.directory.typologies import Typology

CHOOSE_JOB = "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite"
STRENGTHS = "choisir-un-metier--identifier-ses-points-forts-et-ses-competences"
CONFIRM_JOB = "choisir-un-metier--confirmer-son-choix-de-metier"
FIND_TRAINING = "se-former--trouver-sa-formation"
TRAINING_FILE = "se-former--monter-son-dossier-de-formation"
JOB_OFFERS = "trouver-un-emploi--repondre-a-des-offres-demploi"
JOB_SEARCH = "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi"
CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"
ABROAD = "souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger"
HOUSING = "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement"
BUDGET = "difficultes-financieres--acquerir-une-autonomie-budgetaire"
RIGHTS = "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
OPPORTUNITIES = "choisir-un-metier--connaitre-les-opportunites-demploi"
FIRST = ServiceOffer.Level.FIRST
SECOND = ServiceOffer.Level.SECOND


@dataclass(frozen=True)
class BaseOffer:
    slug: str
    name: str
    description: str
    type: str
    level: str
    themes: tuple[str, ...]
    publics: tuple[str, ...]

    def row(self, *, organisation_id: int, place_id: int, **more: Any) -> dict[str, Any]:
        """The fields of this offer at a place of the network (``ServiceOffer``), free and
        met in person unless ``more`` says otherwise; a second-level service takes referrals."""
        return {
            "organisation_id": organisation_id,
            "place_id": place_id,
            "name": self.name,
            "description": self.description,
            "type": str(self.type),
            "level": str(self.level),
            "themes": list(self.themes),
            "publics": [str(public) for public in self.publics],
            "fees": "gratuit",
            "reception_modes": ["en-presentiel"],
            "mobilisation_modes": ["se-presenter", "telephoner"],
            "mobilisable_by": ["usagers", "professionnels"],
            "accepts_referrals": self.level == SECOND,
            **more,
        }


@dataclass(frozen=True)
class Network:
    typology: str
    publics: tuple[str, ...]
    offers: tuple[BaseOffer, ...]


NETWORKS: dict[str, Network] = {
    "cio": Network(
        Typology.CIO,
        (Public.JEUNES, Public.ETUDIANTS, Public.FAMILLES),
        (
            BaseOffer(
                "information",
                "Information sur les études, les formations et les métiers",
                "Accueil sans rendez-vous, documentation et réponses sur les filières, les diplômes et les métiers.",
                ServiceType.INFORMATION,
                FIRST,
                (CHOOSE_JOB, FIND_TRAINING),
                (Public.JEUNES, Public.ETUDIANTS, Public.FAMILLES),
            ),
            BaseOffer(
                "conseil",
                "Entretien de conseil en orientation",
                "Entretien individuel avec un psychologue de l’Éducation nationale pour construire un projet "
                "d’études ou de formation.",
                ServiceType.ACCOMPAGNEMENT,
                SECOND,
                (STRENGTHS, CONFIRM_JOB, FIND_TRAINING),
                (Public.JEUNES, Public.ETUDIANTS, Public.FAMILLES),
            ),
        ),
    ),
    "cij": Network(
        Typology.PIJ_BIJ,
        (Public.JEUNES, Public.ETUDIANTS),
        (
            BaseOffer(
                "information",
                "Information jeunesse : métiers, formations, jobs et mobilité",
                "Accueil anonyme et gratuit, documentation et réponses sur les métiers, les formations, les jobs, "
                "le logement et la mobilité internationale.",
                ServiceType.INFORMATION,
                FIRST,
                (CHOOSE_JOB, FIND_TRAINING, JOB_OFFERS, HOUSING, ABROAD),
                (Public.JEUNES, Public.ETUDIANTS),
            ),
            BaseOffer(
                "accompagnement",
                "Accompagnement des projets des jeunes",
                "Entretien individuel pour un projet de formation, de job, de départ à l’étranger ou d’engagement.",
                ServiceType.ACCOMPAGNEMENT,
                SECOND,
                (FIND_TRAINING, CV, ABROAD),
                (Public.JEUNES, Public.ETUDIANTS),
            ),
        ),
    ),
    "mission_locale": Network(
        Typology.ML,
        (Public.JEUNES,),
        (
            BaseOffer(
                "accueil",
                "Premier accueil des jeunes de 16 à 25 ans",
                "Accueil, information et premier diagnostic de la situation : emploi, formation, santé, logement, "
                "mobilité.",
                ServiceType.INFORMATION,
                FIRST,
                (CHOOSE_JOB, FIND_TRAINING, JOB_SEARCH),
                (Public.JEUNES,),
            ),
            BaseOffer(
                "accompagnement",
                "Accompagnement vers l’emploi et la formation",
                "Suivi par un conseiller référent, contrat d’engagement jeune, accès à la formation et à l’emploi.",
                ServiceType.ACCOMPAGNEMENT,
                SECOND,
                (FIND_TRAINING, TRAINING_FILE, JOB_SEARCH, CV),
                (Public.JEUNES,),
            ),
        ),
    ),
    "greta": Network(
        Typology.GRETA,
        (Public.ACTIFS, Public.DEMANDEURS_EMPLOI),
        (
            BaseOffer(
                "formation",
                "Formation continue des adultes",
                "Information, positionnement et inscription aux formations continues de l’Éducation nationale.",
                ServiceType.FORMATION,
                SECOND,
                (FIND_TRAINING, TRAINING_FILE),
                (Public.ACTIFS, Public.DEMANDEURS_EMPLOI),
            ),
        ),
    ),
    "suio": Network(
        Typology.SUIO,
        (Public.ETUDIANTS,),
        (
            BaseOffer(
                "information",
                "Information sur les études supérieures et les débouchés",
                "Documentation et accueil sur les cursus de l’université, les passerelles et les métiers.",
                ServiceType.INFORMATION,
                FIRST,
                (CHOOSE_JOB, FIND_TRAINING, OPPORTUNITIES),
                (Public.ETUDIANTS,),
            ),
            BaseOffer(
                "conseil",
                "Entretien d’orientation et de réorientation",
                "Entretien individuel pour choisir ou changer de cursus et préparer l’insertion professionnelle.",
                ServiceType.ACCOMPAGNEMENT,
                SECOND,
                (STRENGTHS, CONFIRM_JOB, FIND_TRAINING),
                (Public.ETUDIANTS,),
            ),
        ),
    ),
    "crous": Network(
        Typology.CROUS,
        (Public.ETUDIANTS,),
        (
            BaseOffer(
                "vie-etudiante",
                "Information sur la vie étudiante : bourses, logement, aides",
                "Bourses sur critères sociaux, logement étudiant, aides d’urgence et accompagnement social.",
                ServiceType.INFORMATION,
                FIRST,
                (HOUSING, BUDGET, RIGHTS),
                (Public.ETUDIANTS,),
            ),
        ),
    ),
    "apec": Network(
        Typology.APEC,
        (Public.ACTIFS, Public.DEMANDEURS_EMPLOI),
        (
            BaseOffer(
                "evolution",
                "Conseil en évolution professionnelle des cadres",
                "Entretiens avec un consultant pour un projet d’évolution ou de reconversion et la recherche d’emploi.",
                ServiceType.ACCOMPAGNEMENT,
                SECOND,
                (STRENGTHS, CONFIRM_JOB, JOB_SEARCH),
                (Public.ACTIFS, Public.DEMANDEURS_EMPLOI),
            ),
        ),
    ),
    "apecita": Network(
        Typology.APECITA,
        (Public.ACTIFS, Public.DEMANDEURS_EMPLOI),
        (
            BaseOffer(
                "evolution",
                "Conseil en évolution professionnelle (agriculture et agroalimentaire)",
                "Conseil aux cadres et techniciens de l’agriculture, de l’agroalimentaire et de l’environnement.",
                ServiceType.ACCOMPAGNEMENT,
                SECOND,
                (STRENGTHS, CONFIRM_JOB, JOB_SEARCH),
                (Public.ACTIFS, Public.DEMANDEURS_EMPLOI),
            ),
        ),
    ),
    "afpa": Network(
        Typology.AFPA,
        (Public.ACTIFS, Public.DEMANDEURS_EMPLOI),
        (
            BaseOffer(
                "formation",
                "Information et orientation vers la formation professionnelle des adultes",
                "Information sur les titres professionnels, positionnement et entrée en formation.",
                ServiceType.FORMATION,
                SECOND,
                (FIND_TRAINING, TRAINING_FILE),
                (Public.ACTIFS, Public.DEMANDEURS_EMPLOI),
            ),
        ),
    ),
    "france_travail": Network(
        Typology.FT,
        (Public.DEMANDEURS_EMPLOI, Public.ACTIFS, Public.JEUNES),
        (
            BaseOffer(
                "accueil",
                "Accueil et information des demandeurs d’emploi",
                "Inscription, indemnisation, offres d’emploi et information sur les aides et les formations.",
                ServiceType.INFORMATION,
                FIRST,
                (JOB_OFFERS, FIND_TRAINING, OPPORTUNITIES),
                (Public.DEMANDEURS_EMPLOI, Public.ACTIFS),
            ),
            BaseOffer(
                "accompagnement",
                "Accompagnement vers l’emploi et conseil en évolution professionnelle",
                "Suivi par un conseiller, projet professionnel, financement de formation.",
                ServiceType.ACCOMPAGNEMENT,
                SECOND,
                (JOB_SEARCH, TRAINING_FILE, CONFIRM_JOB),
                (Public.DEMANDEURS_EMPLOI, Public.ACTIFS),
            ),
        ),
    ),
}
