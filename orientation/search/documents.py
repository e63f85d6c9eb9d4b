"""What is indexed: occupations, open training actions, canonical places and open studies, as documents."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from orientation.directory.models import Place, ServiceOffer
from orientation.occupations.models import Appellation, OnisepFiche, RomeFiche
from orientation.search.analysis import gender_variants
from orientation.search.query import Kind
from orientation.studies.models import Study
from orientation.trainings.codelists import TEACHING_MODES
from orientation.trainings.models import Action, Session
from orientation.utils.html import html_to_text

BODY_LIMIT = 4000


@dataclass
class SearchDocument:
    kind: Kind
    key: str
    title: str
    #: other names: appellations in both genders, Onisep names, organisation, provider
    names: str
    #: descriptive text, for matching and for the highlighted extract
    body: str
    subtitle: str = ""
    #: "facet:value" pairs, for filters and facet counts
    tags: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    #: how general the record is (an occupation's number of names): ranks "infirmier en soins
    #: généraux" before "infirmier scolaire" for "infirmière"
    weight: float = 0.0
    #: a training's next session start (Sort.START); None: no coming session dated
    starts_on: date | None = None

    def prepared(self) -> SearchDocument:
        # The engines split words on apostrophes: « l’infirmière » indexes « infirmière ».
        self.body = self.body[:BODY_LIMIT]
        # « Toiletteuse pour chiens » is found by « toiletteur » too.
        variants = gender_variants(self.title)
        if variants:
            self.names = f"{self.names} ; {' '.join(variants)}" if self.names else " ".join(variants)
        return self


def occupation_documents() -> Iterator[SearchDocument]:
    fiches = RomeFiche.objects.select_related("domaine__grand_domaine").prefetch_related(
        Prefetch("appellations", queryset=Appellation.objects.only("fiche_id", "masculine", "feminine")),
        Prefetch("onisep_fiches", queryset=OnisepFiche.objects.prefetch_related("synonyms")),
    )
    for fiche in fiches.iterator(chunk_size=500):
        names: set[str] = set()
        for appellation in fiche.appellations.all():
            names.update((appellation.masculine, appellation.feminine))
        for onisep in fiche.onisep_fiches.all():
            names.update(filter(None, (onisep.name, onisep.name_feminine, onisep.name_masculine)))
            for synonym in onisep.synonyms.all():
                names.update(filter(None, (synonym.name, synonym.feminine, synonym.masculine)))
        domaine = fiche.domaine
        tags = [f"code:{fiche.code}"]
        if domaine is not None:
            tags.append(f"domaine:{domaine.grand_domaine.code}")
        yield SearchDocument(
            kind=Kind.OCCUPATION,
            key=fiche.code,
            title=fiche.title,
            names=" ; ".join(sorted(names)),
            body=fiche.definition,
            subtitle=f"{fiche.code} · {domaine.label}" if domaine else fiche.code,
            tags=tags,
            weight=float(len(names)),
        ).prepared()


def training_documents(today: date | None = None) -> Iterator[SearchDocument]:
    today = today or timezone.localdate()
    actions = (
        Action.objects.open()
        .select_related("formation__provider", "provider", "commune__department")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=Session.objects.filter(closed_at__isnull=True, start_date__gte=today).only(
                    "action_id", "start_date"
                ),
            )
        )
    )
    for action in actions.iterator(chunk_size=2000):
        formation = action.formation
        provider = action.provider or formation.provider
        commune = action.commune
        city = commune.name if commune else action.city
        tags = [f"funder:{code}" for code in action.funders]
        if commune is not None and commune.department_id:
            tags.append(f"department:{commune.department.code}")
        tags.append("work_study:oui" if action.is_work_study else "work_study:non")
        tags.append("certifying:oui" if formation.is_certifying else "certifying:non")
        if formation.exit_level:
            tags.append(f"level:{formation.exit_level}")
        tags += [f"rome:{code}" for code in formation.rome_codes]
        # the certification it prepares: a study that prepares the same one points to it
        tags += sorted({f"rncp:{digits}" for digits in map(rncp_digits, formation.rncp_codes) if digits})
        # Payable with the CPF: a certification registered in the RNCP (trainings.selectors.cpf).
        tags.append("cpf:oui" if formation.is_certifying and formation.rncp_codes else "cpf:non")
        if action.teaching_mode in TEACHING_MODES:
            tags.append(f"modality:{TEACHING_MODES[action.teaching_mode][0]}")
        # The months its coming sessions start in, for « Début : en mars 2027 ».
        starts = sorted(session.start_date for session in action.sessions.all() if session.start_date)
        tags += sorted({f"start:{start:%Y-%m}" for start in starts})
        yield SearchDocument(
            kind=Kind.TRAINING,
            key=str(action.pk),
            title=formation.title,
            names=" ; ".join(
                filter(None, [provider.name if provider else "", city, *formation.rncp_codes, *formation.rome_codes])
            ),
            body=" ".join(filter(None, [formation.objective, formation.content, action.rhythm])),
            subtitle=" · ".join(filter(None, [provider.name if provider else "", city])),
            tags=tags,
            latitude=action.latitude,
            longitude=action.longitude,
            starts_on=starts[0] if starts else None,
        ).prepared()


def place_documents() -> Iterator[SearchDocument]:
    places = (
        Place.objects.canonical()
        .select_related("organisation", "commune__department")
        .prefetch_related(Prefetch("service_offers", queryset=ServiceOffer.objects.order_by("pk")))
    )
    for place in places.iterator(chunk_size=500):
        organisation = place.organisation
        commune = place.commune
        city = commune.name if commune else place.city
        offers = list(place.service_offers.all())
        tags = [f"typology:{organisation.typology}", *(f"public:{public}" for public in place.publics)]
        if commune is not None and commune.department_id:
            tags.append(f"department:{commune.department.code}")
        tags += sorted({f"theme:{theme}" for offer in offers for theme in offer.themes})
        yield SearchDocument(
            kind=Kind.PLACE,
            key=str(place.pk),
            title=place.name,
            names=" ; ".join(filter(None, [organisation.name, organisation.get_typology_display(), city])),
            body=" ".join(f"{offer.name}. {offer.description}" for offer in offers),
            subtitle=" · ".join(filter(None, [organisation.get_typology_display(), city])),
            tags=tags,
            latitude=place.latitude,
            longitude=place.longitude,
        ).prepared()


def rncp_digits(code: str) -> str:
    """« RNCP34567 », « 34567 » → « 34567 »: how LHEO and Onisep both end up written."""
    return "".join(character for character in code if character.isdigit())


def study_documents() -> Iterator[SearchDocument]:
    studies = Study.objects.open().prefetch_related(
        Prefetch("onisep_fiches", queryset=OnisepFiche.objects.prefetch_related("rome_fiches"))
    )
    for study in studies.iterator(chunk_size=500):
        sheets = list(study.onisep_fiches.all())
        rome_codes = sorted({fiche.code for sheet in sheets for fiche in sheet.rome_fiches.all()})
        tags = [f"rome:{code}" for code in rome_codes]
        if study.level:
            tags.append(f"study_level:{study.level}")
        if study.kind:
            tags.append(f"study_kind:{study.kind}")
        if study.rncp_code:
            tags.append(f"rncp:{study.rncp_code}")
        yield SearchDocument(
            kind=Kind.STUDY,
            key=study.identifier,
            title=study.title,
            names=" ; ".join(
                filter(
                    None,
                    [study.acronym, study.kind, study.kind_acronym, *(sheet.name for sheet in sheets), study.rncp_code],
                )
            ),
            body=" ".join(filter(None, [html_to_text(study.summary), *(domain["label"] for domain in study.domains)])),
            subtitle=" · ".join(filter(None, [study.kind, study.level, study.duration])),
            tags=tags,
        ).prepared()


def all_documents() -> Iterator[SearchDocument]:
    yield from occupation_documents()
    yield from training_documents()
    yield from place_documents()
    yield from study_documents()
