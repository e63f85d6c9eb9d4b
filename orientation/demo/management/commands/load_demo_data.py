"""Load the demo data written for this project (see orientation/demo/content.py).

About 50 occupations, 500 training actions and 100 reception places with their
service offers, in 19 communes of three regions, all fictional except the names and
approximate positions of the communes. Idempotent: loading twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from orientation.demo import content
from orientation.demo.accounts import load_demo_accounts
from orientation.demo.labels import load_demo_labels
from orientation.demo.persons import load_demo_person
from orientation.demo.phone import load_demo_contacts, load_demo_phone_platform
from orientation.demo.referrals import load_demo_referrals
from orientation.directory.hours import weekdays
from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.directory.networks import NETWORKS
from orientation.ingestion.base import ImportCommand, ImportContext, Upserter, replace_children
from orientation.ingestion.models import Source
from orientation.occupations.models import (
    Appellation,
    DomaineProfessionnel,
    FicheSkill,
    GrandDomaine,
    MobilityLink,
    OnisepFiche,
    RomeFiche,
    Skill,
)
from orientation.occupations.services import fiches_skill_riasec_refresh
from orientation.studies.models import Study
from orientation.territories.models import Commune, Department, EmploymentZone, LivingArea, PostalCode, Region
from orientation.trainings.generator import PUBLICS, fictional_siret
from orientation.trainings.models import Action, Formation, Provider, Session
from orientation.utils.text import place_name_key

SEED = 2012
ACTION_COUNT = 500
PLACE_LABELS = {
    "cio": "Centre d’information et d’orientation (CIO) {of_city}",
    "mission_locale": "Mission locale {of_city}",
    "cij": "Point information jeunesse {of_city}",
    "france_travail": "France Travail {city}",
    "greta": "GRETA {of_city}",
    "suio": "Service universitaire d’information et d’orientation {of_city}",
}
FUNDERS = ["2", "4", "5", "10", "16"]  # LHEO codes: région, France Travail, entreprise, la personne, OPCO


def of_town(city: str) -> str:
    """« de Blois », « d’Orléans », « du Mans »: the French preposition before a town's name."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if city.startswith(article):
            return contracted + city[len(article) :]
    return ("d’" if city[0] in "AEIOUYÂÉÈÊÎÔ" else "de ") + city


def place_label(network: str, city: str) -> str:
    return PLACE_LABELS[network].format(city=city, of_city=of_town(city))


def slug(text: str) -> str:
    return place_name_key(text).lower().replace(" ", "-")


class Command(ImportCommand):
    help = __doc__
    source_name = "demo"
    source_kind = Source.Kind.DEMO
    source_label = "Données de démonstration"

    path_required = False

    def run_import(self, context: ImportContext, path: str) -> None:
        self.context = context
        self.random = random.Random(SEED)
        communes = self._territories()
        fiches = self._occupations()
        self._places(communes)
        self._trainings(communes, fiches)
        self._studies(fiches)
        if accounts := load_demo_accounts():
            self.stderr.write(f"{accounts} comptes de démonstration créés (un par rôle, voir /demo/).")
        if load_demo_labels():
            self.stderr.write("Dossiers de label de démonstration créés.")
        if load_demo_referrals():
            self.stderr.write("Orientation de démonstration envoyée (mission locale de Blois → CIO de Blois).")
        if load_demo_person():
            self.stderr.write(
                "Espace personnel de démonstration créé (Inès Exemple, passeport partagé avec la mission locale)."
            )
        if load_demo_phone_platform():
            self.stderr.write("Plateforme téléphonique de démonstration créée.")
        if contacts := load_demo_contacts():
            self.stderr.write(f"{contacts} contacts de démonstration (appels et demandes de rappel).")

    def _territories(self) -> dict[str, int]:
        regions = Upserter(self.context, Region, "code", label="régions")
        for code, name, zone in content.REGIONS:
            regions.add(code, {"name": name, "zone": zone})
        region_pks = regions.finish().pk_by_key
        departments = Upserter(self.context, Department, "code", label="départements")
        region_of: dict[str, str] = {}
        for code, name, region in content.DEPARTMENTS:
            departments.add(code, {"name": name, "region_id": region_pks[region], "zone": "metro"})
            region_of[code] = region
        department_pks = departments.finish().pk_by_key
        zones = Upserter(self.context, EmploymentZone, "code", label="zones d’emploi")
        zone_names = sorted({row[7] for row in content.COMMUNES})
        zone_codes = {name: f"D{index:03d}" for index, name in enumerate(zone_names, start=1)}
        for name, code in zone_codes.items():
            zones.add(code, {"name": name, "name_is_derived": False, "region_id": None})
        zone_pks = zones.finish().pk_by_key
        living_areas = Upserter(self.context, LivingArea, "code", label="bassins de vie")
        for code, name, *_rest in content.COMMUNES:
            living_areas.add(code, {"name": name, "name_is_derived": False})
        living_area_pks = living_areas.finish().pk_by_key
        communes = Upserter(self.context, Commune, "code", label="communes")
        for code, name, department, postcode, latitude, longitude, population, zone in content.COMMUNES:
            communes.add(
                code,
                {
                    "name": name,
                    "name_key": place_name_key(name),
                    "kind": Commune.Kind.COMMUNE,
                    "department_id": department_pks[department],
                    "region_id": region_pks[region_of[department]],
                    "postcodes": [postcode],
                    "population": population,
                    "latitude": latitude,
                    "longitude": longitude,
                    "coordinates_source": Commune.CoordinatesSource.PROVIDED,
                    "employment_zone_id": zone_pks[zone_codes[zone]],
                    "living_area_id": living_area_pks[code],
                },
            )
        commune_pks = communes.finish().pk_by_key
        postcodes = Upserter(self.context, PostalCode, "key", label="codes postaux")
        for code, name, _department, postcode, latitude, longitude, *_rest in content.COMMUNES:
            postcodes.add(
                f"{postcode}-{code}-",
                {
                    "postcode": postcode,
                    "commune_id": commune_pks[code],
                    "insee_code": code,
                    "name": name.upper(),
                    "name_key": place_name_key(name),
                    "line5": "",
                    "delivery_label": name.upper(),
                    "latitude": latitude,
                    "longitude": longitude,
                },
            )
        postcodes.finish()
        return commune_pks

    def _occupations(self) -> dict[str, int]:
        grands = Upserter(self.context, GrandDomaine, "code", label="grands domaines")
        for code, label in content.GRAND_DOMAINES:
            grands.add(code, {"label": label})
        grand_pks = grands.finish().pk_by_key
        domaines = Upserter(self.context, DomaineProfessionnel, "code", label="domaines professionnels")
        for code, label in content.DOMAINES:
            domaines.add(code, {"label": label, "grand_domaine_id": grand_pks[code[0]]})
        domaine_pks = domaines.finish().pk_by_key
        fiches = Upserter(self.context, RomeFiche, "code", label="fiches métiers")
        for code, domaine, masculine, feminine, definition, access, _others, mobility in content.OCCUPATIONS:
            title = masculine if masculine == feminine else f"{masculine} / {feminine}"
            fiches.add(
                code,
                {
                    "title": title,
                    "domaine_id": domaine_pks[domaine],
                    "definition": definition,
                    "access": access,
                    "riasec_major": content.OCCUPATION_RIASEC[code][0],
                    "riasec_minor": content.OCCUPATION_RIASEC[code][1],
                },
                extra={"mobility": mobility},
            )
        result = fiches.finish()
        appellations = Upserter(self.context, Appellation, "code", label="appellations")
        for code, _domaine, masculine, feminine, _definition, _access, others, _mobility in content.OCCUPATIONS:
            titles = [(masculine, feminine, True), *((m, f, False) for m, f in others)]
            for index, (male, female, is_main) in enumerate(titles):
                appellations.add(
                    f"D{code}{index}",  # fits the OGR code field, never a real (numeric) code
                    {
                        "fiche_id": result.pk_by_key[code],
                        "label": male if male == female else f"{male} / {female}",
                        "masculine": male,
                        "feminine": female,
                        "is_main": is_main,
                    },
                )
        appellations.finish()
        changed = [result.pk_by_key[code] for code in result.changed]
        links = [
            MobilityLink(source_id=result.pk_by_key[code], target_id=result.pk_by_key[target], order=order)
            for code, *_middle, mobility in content.OCCUPATIONS
            if code in result.changed
            for order, target in enumerate(mobility, start=1)
            if target in result.pk_by_key
        ]
        replace_children(MobilityLink, "source", changed, links)
        self._skills(result.pk_by_key, fiches_changed=bool(result.changed))
        return result.pk_by_key

    def _skills(self, fiches: dict[str, int], *, fiches_changed: bool) -> None:
        """Macro-skills (with their RIASEC types), the skills they gather, and the fiches' links."""
        upserter = Upserter(self.context, Skill, "code", label="compétences")
        for row in content.SKILLS:
            riasec = row.get("riasec", "")
            upserter.add(
                row["code"],
                {"label": row["label"], "kind": row["kind"], "riasec_major": riasec[:1], "riasec_minor": riasec[1:2]},
            )
        skill_result = upserter.finish()
        skills = skill_result.pk_by_key
        if not (skill_result.changed or fiches_changed):
            return  # loaded again: nothing to write
        for row in content.SKILLS:
            if row.get("macro"):
                Skill.objects.filter(pk=skills[row["code"]]).update(macro_id=skills[row["macro"]])
        pks = sorted(fiches.values())
        links = {
            (fiches[code], skills[row["code"]]) for row in content.SKILLS for code in row["fiches"] if code in fiches
        }
        replace_children(
            FicheSkill, "fiche", pks, [FicheSkill(fiche_id=fiche, skill_id=skill) for fiche, skill in sorted(links)]
        )
        fiches_skill_riasec_refresh()

    def _studies(self, fiches: dict[str, int]) -> None:
        """Onisep métiers linked to the demo's fiches, and the studies that lead to them."""
        sheets = Upserter(self.context, OnisepFiche, "identifier", label="fiches métiers Onisep")
        for sheet in content.ONISEP_SHEETS:
            sheets.add(
                sheet["identifier"],
                {
                    "name": sheet["name"],
                    "name_feminine": sheet["feminine"],
                    "name_masculine": sheet["masculine"],
                    "hook": f"<p>{sheet['hook']}</p>",
                    "min_level": sheet["min_level"],
                    "rome_codes": sheet["rome"],
                },
            )
        sheet_result = sheets.finish()
        replace_children(
            OnisepFiche.rome_fiches.through,
            "onisepfiche",
            [sheet_result.pk_by_key[key] for key in sheet_result.changed],
            [
                OnisepFiche.rome_fiches.through(
                    onisepfiche_id=sheet_result.pk_by_key[sheet["identifier"]], romefiche_id=fiches[code]
                )
                for sheet in content.ONISEP_SHEETS
                if sheet["identifier"] in sheet_result.changed
                for code in sheet["rome"]
            ],
        )
        studies = Upserter(self.context, Study, "identifier", label="études")
        for study in content.STUDIES:
            studies.add(
                study["identifier"],
                {
                    "title": study["title"],
                    "kind": study["kind"],
                    "kind_acronym": study["kind_acronym"],
                    "level": study["level"],
                    "certification_level": study["certification_level"],
                    "duration": study["duration"],
                    "rncp_code": study["rncp"],
                    "url": f"https://www.francecompetences.fr/recherche/rncp/{study['rncp']}/" if study["rncp"] else "",
                    "summary": f"<p>{study['summary']}</p>",
                    "further_studies": [{"kind": "poursuite d'études", "studies": study["further"]}]
                    if study["further"]
                    else [],
                    "job_ids": study["sheets"],
                },
            )
        study_result = studies.finish()
        replace_children(
            Study.onisep_fiches.through,
            "study",
            [study_result.pk_by_key[key] for key in study_result.changed],
            [
                Study.onisep_fiches.through(
                    study_id=study_result.pk_by_key[study["identifier"]], onisepfiche_id=sheet_result.pk_by_key[job]
                )
                for study in content.STUDIES
                if study["identifier"] in study_result.changed
                for job in study["sheets"]
            ],
        )

    def _places(self, communes: dict[str, int]) -> None:
        organisations = Upserter(self.context, Organisation, None, label="organisations")
        places = Upserter(self.context, Place, None, label="lieux")
        offers = Upserter(self.context, ServiceOffer, None, label="offres de service")
        plan: list[tuple[str, str, str]] = []  # (commune code, network, key)
        for code, _name, *_rest in content.COMMUNES:
            networks = content.PLACE_NETWORKS_BIG if code in content.BIG_TOWNS else content.PLACE_NETWORKS_SMALL
            plan += [(code, network, f"{network}-{code}") for network in networks]
        plan += [("75056", "cij", "cij-75056-2"), ("75056", "mission_locale", "mission_locale-75056-2")]
        plan += [("44109", "cij", "cij-44109-2"), ("44109", "mission_locale", "mission_locale-44109-2")]
        by_code = {row[0]: row for row in content.COMMUNES}
        for commune_code, network, key in plan:
            _code, city, _department, postcode, latitude, longitude, *_rest = by_code[commune_code]
            suffix = " — antenne 2" if key.endswith("-2") else ""
            organisations.add(
                f"org-{key}",
                {
                    "name": place_label(network, city) + suffix,
                    "typology": str(NETWORKS[network].typology),
                    "email": f"contact@{network.replace('_', '-')}-{slug(city)}.example.org",
                    "website": f"https://{network.replace('_', '-')}-{slug(city)}.example.org/",
                    "phone": "02 " + " ".join(str(self.random.randint(10, 99)) for _pair in range(4)),
                },
            )
        organisation_pks = organisations.finish().pk_by_key
        for commune_code, network, key in plan:
            _code, city, _department, postcode, latitude, longitude, *_rest = by_code[commune_code]
            hours = weekdays("09:00", "17:00", lunch=("12:30", "13:30"))
            if network == "cij":
                hours["weekly"].append({"day": 5, "opens": "10:00", "closes": "12:30"})
            places.add(
                key,
                {
                    "organisation_id": organisation_pks[f"org-{key}"],
                    "name": place_label(network, city) + (" — antenne 2" if key.endswith("-2") else ""),
                    "address": f"{self.random.randint(1, 120)} {self.random.choice(content.STREETS)}",
                    "postcode": postcode,
                    "city": city,
                    "commune_id": communes[commune_code],
                    "latitude": round(latitude + self.random.uniform(-0.012, 0.012), 6),
                    "longitude": round(longitude + self.random.uniform(-0.012, 0.012), 6),
                    "geocoding_precision": Place.GeocodingPrecision.PROVIDED,
                    "opening_hours": hours,
                    "accessibility": {
                        "wheelchair": self.random.random() < 0.8,
                        "public_transport": "Bus, arrêt à 200 m",
                    },
                    "languages": ["fr", "en"] if self.random.random() < 0.4 else ["fr"],
                    "publics": [str(public) for public in NETWORKS[network].publics],
                },
            )
        place_pks = places.finish().pk_by_key
        checked = datetime(2026, 9, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
        for commune_code, network, key in plan:
            for offer in NETWORKS[network].offers:
                second = offer.level == ServiceOffer.Level.SECOND
                offers.add(
                    f"{key}:{offer.slug}",
                    offer.row(
                        organisation_id=organisation_pks[f"org-{key}"],
                        place_id=place_pks[key],
                        reception_modes=["en-presentiel", "a-distance"] if network == "cij" else ["en-presentiel"],
                        zone_served=[commune_code[:2]],
                        mobilisation_modes=["se-presenter", "telephoner", "envoyer-un-courriel"],
                        origin=ServiceOffer.Origin.DECLARED,
                        last_checked_at=checked,
                        mobilisation_link=f"https://{network.replace('_', '-')}-{slug(by_code[commune_code][1])}"
                        f".example.org/rendez-vous/{offer.slug}"
                        if second
                        else "",
                        weekly_capacity=20 if second else None,
                    ),
                )
        offers.finish()

    def _trainings(self, communes: dict[str, int], fiches: dict[str, int]) -> None:
        providers = Upserter(self.context, Provider, None, label="organismes de formation")
        towns = content.COMMUNES
        for index, name in enumerate(content.PROVIDERS):
            town = towns[index % len(towns)]
            providers.add(
                f"provider-{index}",
                {
                    "name": name,
                    # fictional, in a range no real company holds, but what LHEO asks of a provider
                    "siret": fictional_siret(random.Random(f"provider-{index}")),
                    "activity_number": f"24{37000000 + index * 7919:09d}",
                    "address": f"{(index * 7) % 90 + 3} {content.STREETS[index % len(content.STREETS)]}",
                    "postcode": town[3],
                    "city": town[1],
                    "commune_id": communes[town[0]],
                    "email": f"contact@{place_name_key(name).lower().replace(' ', '-')[:30]}.example.org",
                },
            )
        provider_pks = providers.finish().pk_by_key
        formations = Upserter(self.context, Formation, None, label="formations")
        formation_list: list[tuple[str, str, tuple[Any, ...]]] = []
        for code, items in content.FORMATIONS.items():
            for index, item in enumerate(items):
                formation_list.append((f"formation-{code}-{index}", code, item))
        titles = {row[0]: (row[2], row[4]) for row in content.OCCUPATIONS}
        for position, (key, code, (title, level, certifying, _hours, rncp)) in enumerate(formation_list):
            job, definition = titles[code]
            formations.add(
                key,
                {
                    "number": key.upper(),
                    "provider_id": provider_pks[f"provider-{position % len(content.PROVIDERS)}"],
                    "title": title,
                    "objective": f"Se former au métier de {job.lower()} : {definition[0].lower()}{definition[1:]}",
                    "content": "Modules professionnels, mises en situation en atelier et période en entreprise.",
                    "expected_results": f"{title} ; attestation de compétences."
                    if certifying
                    else "Attestation de fin de formation.",
                    "path_kind": "1",  # LHEO parcours de formation: en groupe
                    "entry_level": "0",  # information non communiquée
                    "general_objective": "6" if certifying else "3",  # certification, or professionalisation
                    "is_certifying": certifying,
                    "rncp_codes": [rncp] if rncp else [],
                    "rome_codes": [code],
                    "exit_level": level,
                    # The contact-formation of LHEO: who answers about this training and enrols.
                    "contact": {
                        "name": "Service des inscriptions",
                        "phone": f"02 47 {40 + position % 50:02d} {10 + position % 80:02d} {20 + position % 70:02d}",
                        "email": f"inscriptions-{position}@formation.example.org",
                        "website": "",
                    },
                },
                extra={"rome": [code]},
            )
        formation_result = formations.finish()
        Formation.rome_fiches.through.objects.filter(
            formation_id__in=[formation_result.pk_by_key[key] for key in formation_result.changed]
        ).delete()
        Formation.rome_fiches.through.objects.bulk_create(
            [
                Formation.rome_fiches.through(formation_id=formation_result.pk_by_key[key], romefiche_id=fiches[code])
                for key, code, _item in formation_list
                if key in formation_result.changed
            ]
        )
        actions = Upserter(self.context, Action, None, label="actions de formation")
        sessions = Upserter(self.context, Session, None, label="sessions")
        today = date(2026, 9, 1)
        action_rows = []
        for number in range(ACTION_COUNT):
            key, code, (title, _level, _certifying, hours, _rncp) = formation_list[number % len(formation_list)]
            town = towns[(number * 7 + number // len(formation_list)) % len(towns)]
            work_study = self.random.random() < 0.3
            price = Decimal(hours) * Decimal(self.random.choice([9, 11, 13, 15]))
            action_key = f"action-{number}"
            action_rows.append((action_key, hours))
            actions.add(
                action_key,
                {
                    "number": action_key.upper(),
                    "formation_id": formation_result.pk_by_key[key],
                    "provider_id": provider_pks[f"provider-{number % len(content.PROVIDERS)}"],
                    "place_name": f"Site de {town[1]}",
                    "address": f"{self.random.randint(1, 90)} {self.random.choice(content.STREETS)}",
                    "postcode": town[3],
                    "city": town[1],
                    "commune_id": communes[town[0]],
                    "latitude": round(town[4] + self.random.uniform(-0.02, 0.02), 6),
                    "longitude": round(town[5] + self.random.uniform(-0.02, 0.02), 6),
                    "rhythm": "Temps plein"
                    if not work_study
                    else "Alternance : 2 semaines en centre, 2 semaines en entreprise",
                    "is_work_study": work_study,
                    # LHEO modalités d'enseignement: 0 on site, 1 mixed, 2 entirely at a distance
                    "teaching_mode": self.random.choices(["0", "1", "2"], weights=[75, 15, 10])[0],
                    "hours_total": hours,
                    "price": str(price.quantize(Decimal("1"))),
                    "funders": sorted(self.random.sample(FUNDERS, 2)),
                    "publics": [PUBLICS[number % len(PUBLICS)]],  # not drawn: the demo's other draws stay
                    "entry_exit_mode": "0",  # LHEO: entries and exits at fixed dates (the sessions')
                    "url": f"https://formation.example.org/actions/{action_key}",
                    "entry_conditions": "Entretien de motivation ; aucun diplôme exigé."
                    if hours < 1000
                    else "Dossier et entretien.",
                },
            )
        action_result = actions.finish()
        for action_key, hours in action_rows:
            start = today + timedelta(days=self.random.randint(0, 300))
            weeks = max(1, hours // 35)
            for index in range(1 + (self.random.random() < 0.3)):
                begin = start + timedelta(days=index * 120)
                sessions.add(
                    f"{action_key}-session-{index}",
                    {
                        "number": f"{action_key}-{index}".upper(),
                        "action_id": action_result.pk_by_key[action_key],
                        "start_date": begin.isoformat(),
                        "end_date": (begin + timedelta(weeks=weeks)).isoformat(),
                        "registration_start": (begin - timedelta(days=75)).isoformat(),
                        "registration_end": (begin - timedelta(days=10)).isoformat(),
                        "recruitment": Session.Recruitment.OPEN
                        if self.random.random() < 0.85
                        else Session.Recruitment.SUSPENDED,
                    },
                )
        sessions.finish()
