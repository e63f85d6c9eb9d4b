"""Typologies of organisations.

The values are those of the data·inclusion list of structure typologies (schema v0),
the exchange format of places and services between French public platforms, plus the
guidance networks that list does not name. Each extension maps to the closest
data·inclusion value for exports.
"""

from __future__ import annotations

from django.db import models


class Typology(models.TextChoices):
    ACI = "ACI", "Structures porteuses d’ateliers et chantiers d’insertion (ACI)"
    ACIPHC = "ACIPHC", "SIAE — Atelier chantier d’insertion premières heures en chantier"
    AFPA = "AFPA", "Agence nationale pour la formation professionnelle des adultes (AFPA)"
    AI = "AI", "Associations intermédiaires (AI)"
    ASE = "ASE", "Aide sociale à l’enfance (ASE)"
    ASSO = "ASSO", "Associations"
    ASSO_CHOMEUR = "ASSO_CHOMEUR", "Associations de chômeurs"
    AVIP = "AVIP", "Crèche À Vocation d’Insertion Professionnelle (AVIP)"
    AUTRE = "Autre", "Autre"
    BIB = "BIB", "Bibliothèque / Médiathèque"
    CAARUD = "CAARUD", "CAARUD - Centre d’accueil et d’accompagnement à la réduction de risques pour usagers de drogues"
    CADA = "CADA", "Centres d’accueil de demandeurs d’asile (CADA)"
    CAF = "CAF", "Caisses d’allocation familiale (CAF)"
    CAP_EMPLOI = "CAP_EMPLOI", "Cap Emploi"
    CAVA = "CAVA", "Centres d’adaptation à la vie active (CAVA)"
    CC = "CC", "Communautés de Commune"
    CCAS = "CCAS", "Centres communaux d’action sociale (CCAS)"
    CCONS = "CCONS", "Chambres consulaires (CCI, CMA, CA)"
    CD = "CD", "Conseils Départementaux (CD)"
    CDAS = "CDAS", "Centre Départementale d’Action Sociale (CDAS)"
    CFP = "CFP", "Centre des Finances Publiques (CFP)"
    CHRS = "CHRS", "Centres d’hébergement et de réinsertion sociale (CHRS)"
    CHU = "CHU", "Centres d’hébergement d’urgence (CHU)"
    CIAS = "CIAS", "Centres intercommunaux d’action sociale (CIAS)"
    CIDFF = "CIDFF", "Centres d’information sur les droits des femmes et des familles (CIDFF)"
    CITMET = "CITMET", "Cité des métiers"
    CMP = "CMP", "Centre Médico-Psychologique (CMP)"
    CMS = "CMS", "Centre Médico-Social (CMS)"
    CPAM = "CPAM", "Caisse Primaire d’Assurance Maladie (CPAM)"
    CPH = "CPH", "Centres provisoires d’hébergement (CPH)"
    CS = "CS", "Centre social"
    CSAPA = "CSAPA", "CSAPA - Centre de soins, d’accompagnement et de prévention en addictologie"
    CSC = "CSC", "Centre Socio-Culturel (CSC)"
    DEETS = "DEETS", "Directions de l’Economie, de l’Emploi, du Travail et des Solidarités (DEETS)"
    DEPT = "DEPT", "Services sociaux du Conseil départemental"
    DIPLP = "DIPLP", "Délégation interministérielles à la prévention et à la lutte contre la pauvreté"
    E2C = "E2C", "E2C - École de la 2e chance"
    EA = "EA", "Entreprise adaptée (EA)"
    EATT = "EATT", "Entreprise Adaptée (EATT)"
    EI = "EI", "Entreprises d’insertion (EI)"
    EITI = "EITI", "Entreprises d’insertion par le travail indépendant (EITI)"
    ENM = "ENM", "Espace Numérique Mobile (ENM)"
    EPCI = "EPCI", "Intercommunalité (EPCI)"
    EPI = "EPI", "Espace Public Internet (EPI)"
    EPIDE = "EPIDE", "EPIDE - Établissement pour l’insertion dans l’emploi"
    EPN = "EPN", "Espace Public Numérique (EPN)"
    ES = "ES", "Épicerie Solidaire"
    ESS = "ESS", "Entreprise de l’Économie Sociale et Solidaire"
    ETABL_PRI = "ETABL_PRI", "Établissement privé"
    ETABL_PUB = "ETABL_PUB", "Établissement public"
    ETAT = "ETAT", "Service de l’État"
    ETTI = "ETTI", "Entreprises de travail temporaire d’insertion (ETTI)"
    EVS = "EVS", "Espace de Vie Sociale (EVS)"
    FABLAB = "FABLAB", "Fablab / Atelier partagé"
    FAIS = "FAIS", "Fédérations d’acteurs de l’insertion et de la solidarité"
    FT = "FT", "France Travail"
    GEIQ = "GEIQ", "Groupements d’employeurs pour l’insertion et la qualification (GEIQ)"
    HUDA = "HUDA", "HUDA - Hébergement d’urgence pour demandeurs d’asile"
    LA_POSTE = "LA_POSTE", "Bureau de poste / Agence postale"
    MDE = "MDE", "Maison de l’emploi"
    MDEF = "MDEF", "Maison de l’emploi et de la formation"
    MDPH = "MDPH", "Maison Départementale des Personnes Handicapées"
    MDS = "MDS", "Maison Départementale des Solidarités"
    MJC = "MJC", "Maison des jeunes et de la culture"
    ML = "ML", "Mission Locale"
    MQ = "MQ", "Maison de quartier"
    MSA = "MSA", "Mutualité Sociale Agricole"
    MSAP = "MSAP", "Maison de Services Au Public (MSAP)"
    MUNI = "MUNI", "Municipalités"
    OACAS = "OACAS", "Structures agréées Organisme d’accueil communautaire et d’activité solidaire (OACAS)"
    ODC = "ODC", "Organisation délégataire d’un CD"
    OF = "OF", "Organisme de formations"
    OIL = "OIL", "Opérateur d’intermédiation locative"
    OPCS = "OPCS", "Organisation porteuse de la clause sociale"
    PAD = "PAD", "Point d’Accès au Droit"
    PENSION = "PENSION", "Pension de famille / résidence accueil"
    PI = "PI", "Point Information (PI)"
    PIJ_BIJ = "PIJ_BIJ", "Points et bureaux information jeunesse (PIJ/BIJ)"
    PIMMS = "PIMMS", "Point Information Médiation Multi Services (PIMMS)"
    PJJ = "PJJ", "Protection judiciaire de la jeunesse (PJJ)"
    PLIE = "PLIE", "Plans locaux pour l’insertion et l’emploi (PLIE)"
    PREF = "PREF", "Préfecture, Sous-Préfecture"
    PREVENTION = "PREVENTION", "Service ou club de prévention"
    REG = "REG", "Région"
    RESSOURCERIE = "RESSOURCERIE", "Ressourcerie"
    RFS = "RFS", "Réseau France Services"
    RS_FJT = "RS_FJT", "Résidence sociale / FJT - Foyer de Jeunes Travailleurs"
    SCP = "SCP", "Services et clubs de prévention"
    SPIP = "SPIP", "Services pénitentiaires d’insertion et de probation (SPIP)"
    TIERS_LIEUX = "TIERS_LIEUX", "Tiers lieu & coworking"
    UDAF = "UDAF", "Union Départementale d’Aide aux Familles (UDAF)"
    # Guidance networks of the public guidance service missing from data·inclusion.
    CIO = "CIO", "Centre d’information et d’orientation (CIO)"
    SUIO = "SUIO", "Service universitaire d’information et d’orientation (SUIO)"
    GRETA = "GRETA", "Groupement d’établissements pour la formation continue (GRETA)"
    CROUS = "CROUS", "Centre régional des œuvres universitaires et scolaires (CROUS)"
    APEC = "APEC", "Association pour l’emploi des cadres (Apec)"
    APECITA = "APECITA", "Association pour l’emploi des cadres de l’agriculture (Apecita)"


#: our extensions → the data·inclusion typology used when exporting
DATA_INCLUSION_EQUIVALENT = {
    Typology.CIO: Typology.ETABL_PUB,
    Typology.SUIO: Typology.ETABL_PUB,
    Typology.GRETA: Typology.OF,
    Typology.CROUS: Typology.ETABL_PUB,
    Typology.APEC: Typology.ASSO,
    Typology.APECITA: Typology.ASSO,
}


def data_inclusion_typology(typology: str) -> str:
    return str(DATA_INCLUSION_EQUIVALENT.get(Typology(typology), typology))
