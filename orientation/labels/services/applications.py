"""The applicant's side: groupings and conventions, the application file, its
submission (a frozen version dated the day it is submitted).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import User
from orientation.accounts.selectors import organisation_ids
from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.labels import notifications, timeline
from orientation.labels.criteria import CRITERIA
from orientation.labels.models import Application, ApplicationVersion, Attachment, Convention, Grouping, Label
from orientation.labels.services.flow import _day, _move, _note, _require
from orientation.territories.models import Commune, EmploymentZone, LivingArea, Region

# Groupings and conventions ---------------------------------------------------------------


@transaction.atomic
def grouping_create(
    *,
    by_user: User,
    name: str,
    region: Region,
    coordinator: Organisation,
    organisations: list[Organisation],
    coordinator_contact: User | None = None,
) -> Grouping:
    """A grouping of organisations for a territory; its creator administers the coordinator."""
    if coordinator.pk not in organisation_ids(by_user, admin=True):
        raise PermissionDenied("Seul un administrateur de l’organisation coordinatrice peut créer le groupement.")
    members = {organisation.pk for organisation in organisations} | {coordinator.pk}
    if len(members) < 2:
        raise ValidationError({"organisations": "Un groupement réunit au moins deux organisations."})
    grouping = Grouping.objects.create(
        name=name.strip(), region=region, coordinator=coordinator, coordinator_contact=coordinator_contact or by_user
    )
    grouping.organisations.set(members)
    return grouping


@transaction.atomic
def convention_add(
    *, by_user: User, grouping: Grouping, document: UploadedFile, signatories: str, signed_on: date
) -> Convention:
    if grouping not in Grouping.objects.coordinated_by(by_user) and grouping.coordinator_contact_id != by_user.pk:
        raise PermissionDenied("Seule la coordination du groupement dépose sa convention.")
    name = document.name or ""
    if not name.lower().endswith(".pdf") or not document.read(5).startswith(b"%PDF-"):
        raise ValidationError({"document": f"« {name} » n’est pas un PDF : déposez la convention signée en PDF."})
    document.seek(0)
    if not [line for line in signatories.splitlines() if line.strip()]:
        raise ValidationError({"signatories": "Indiquez au moins un signataire."})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "La date de signature ne peut pas être dans le futur."})
    return Convention.objects.create(grouping=grouping, document=document, signatories=signatories, signed_on=signed_on)


# The application file --------------------------------------------------------------------


@transaction.atomic
def application_create(
    *,
    by_user: User,
    organisation: Organisation | None = None,
    grouping: Grouping | None = None,
    region: Region | None = None,
    renewal_of: Label | None = None,
) -> Application:
    """A new draft for an organisation alone or a grouping (or the renewal of a label)."""
    if (organisation is None) == (grouping is None):
        raise ValidationError("Une demande a un seul candidat : une organisation ou un groupement.")
    if grouping is not None:
        region = grouping.region
    if region is None:
        raise ValidationError({"region": "Indiquez la région où la demande est instruite."})
    application = Application(
        organisation=organisation,
        grouping=grouping,
        region=region,
        kind=Application.Kind.RENEWAL if renewal_of else Application.Kind.FIRST,
        renewal_of=renewal_of,
    )
    _require(by_user, "applicant", application)
    if renewal_of is not None and (
        renewal_of.state != Label.State.ACTIVE or timezone.localdate() < renewal_of.renewal_opens_on
    ):
        raise ValidationError(
            f"Le renouvellement du label n° {renewal_of.pk} s’ouvre le {_day(renewal_of.renewal_opens_on)}."
        )
    application.save()
    if renewal_of is not None:
        # A renewal is a first application again, which starts from the file that was granted.
        previous = renewal_of.application
        application.sites.set(previous.sites.all())
        application.services.set(previous.services.all())
        application.living_areas.set(previous.living_areas.all())
        application.employment_zones.set(previous.employment_zones.all())
        application.communes.set(previous.communes.all())
        application.commitments = previous.commitments
        application.convention = previous.convention
        application.needs_analysis = previous.needs_analysis
        application.save()
    _note(application, by_user, "created", str(application.get_kind_display()))
    return application


def _editable(application: Application, by_user: User) -> Application:
    if not Application.objects.editable_by(by_user).filter(pk=application.pk).exists():
        raise PermissionDenied("Ce dossier n’est pas un brouillon que vous pouvez modifier.")
    return application


@transaction.atomic
def application_set_sites(
    *, application: Application, by_user: User, sites: list[Place], services: list[ServiceOffer]
) -> None:
    _editable(application, by_user)
    allowed = application.applicant_organisation_ids()
    for place in sites:
        if place.organisation_id not in allowed:
            raise ValidationError({"sites": f"Le lieu « {place} » n’appartient à aucune organisation candidate."})
    for offer in services:
        if offer.organisation_id not in allowed:
            raise ValidationError({"services": f"Le service « {offer} » n’appartient à aucune organisation candidate."})
    application.sites.set(sites)
    application.services.set(services)
    application.save(update_fields=["updated_at"])


@transaction.atomic
def application_set_convention(*, application: Application, by_user: User, convention: Convention | None) -> None:
    _editable(application, by_user)
    if convention is not None and convention.grouping_id != application.grouping_id:
        raise ValidationError({"convention": "Cette convention n’est pas celle du groupement candidat."})
    application.convention = convention
    application.save(update_fields=["convention", "updated_at"])


@transaction.atomic
def application_set_commitments(
    *,
    application: Application,
    by_user: User,
    commitments: dict[str, dict[str, str]],
    attachments: list[tuple[str, UploadedFile]] | None = None,
) -> None:
    _editable(application, by_user)
    unknown = set(commitments) - set(CRITERIA)
    if unknown:
        raise ValidationError({"commitments": f"Critères inconnus : {', '.join(sorted(unknown))}."})
    application.commitments = {
        code: {"commitment": value.get("commitment", "").strip(), "evidence": value.get("evidence", "").strip()}
        for code, value in commitments.items()
    }
    application.save(update_fields=["commitments", "updated_at"])
    for criterion, document in attachments or []:
        if criterion not in CRITERIA:
            raise ValidationError({"attachments": f"Critère inconnu pour la pièce « {document.name} »."})
        Attachment.objects.create(
            application=application, criterion=criterion, document=document, name=document.name or criterion
        )


@transaction.atomic
def application_set_territory(
    *,
    application: Application,
    by_user: User,
    living_areas: list[LivingArea],
    employment_zones: list[EmploymentZone],
    communes: list[Commune],
    needs_analysis: str,
) -> None:
    _editable(application, by_user)
    application.living_areas.set(living_areas)
    application.employment_zones.set(employment_zones)
    application.communes.set(communes)
    application.needs_analysis = needs_analysis.strip()
    application.save(update_fields=["needs_analysis", "updated_at"])


def application_missing(application: Application) -> dict[str, str]:
    """What the file lacks before it can be submitted: field → what to do, in French."""
    missing: dict[str, str] = {}
    if not application.sites.exists():
        missing["sites"] = "Indiquez au moins un site d’accueil."
    if not application.services.exists():
        missing["services"] = "Indiquez les services offerts."
    if application.grouping_id is not None and application.convention_id is None:
        missing["convention"] = "Joignez la convention signée du groupement."
    lacking = [
        str(label)
        for code, label in CRITERIA.items()
        if not (application.commitments.get(code) or {}).get("commitment", "").strip()
    ]
    if lacking:
        missing["commitments"] = f"Engagement à écrire pour {len(lacking)} critère(s) : " + " ; ".join(lacking)
    if not (
        application.living_areas.exists() or application.employment_zones.exists() or application.communes.exists()
    ):
        missing["territory"] = "Choisissez le territoire desservi (bassins de vie, zones d’emploi ou communes)."
    if len(application.needs_analysis.strip()) < 200:
        missing["needs_analysis"] = "Rédigez l’analyse des besoins de la population (200 caractères au moins)."
    return missing


def application_snapshot(application: Application) -> dict[str, Any]:
    """The file's content as a plain document, frozen in a version when submitted."""
    convention = application.convention
    return {
        "applicant": application.applicant_name,
        "kind": application.kind,
        "region": application.region.code,
        "organisations": sorted(application.applicant_organisation_ids()),
        "sites": [
            {
                "id": place.pk,
                "name": place.name,
                "address": place.address,
                "postcode": place.postcode,
                "city": place.city,
                "opening_hours": place.opening_hours,
            }
            for place in application.sites.order_by("pk")
        ],
        "services": [{"id": offer.pk, "name": offer.name} for offer in application.services.order_by("pk")],
        "convention": {
            "id": convention.pk,
            "document": convention.document.name,
            "signatories": convention.signatory_list,
            "signed_on": convention.signed_on.isoformat(),
        }
        if convention
        else None,
        "commitments": application.commitments,
        "attachments": [
            {"id": item.pk, "criterion": item.criterion, "name": item.name, "document": item.document.name}
            for item in application.attachments.all()
        ],
        "living_areas": sorted(application.living_areas.values_list("code", flat=True)),
        "employment_zones": sorted(application.employment_zones.values_list("code", flat=True)),
        "communes": sorted(application.communes.values_list("code", flat=True)),
        "needs_analysis": application.needs_analysis,
    }


@transaction.atomic
def application_submit(*, application: Application, by_user: User) -> ApplicationVersion:
    """Check completeness, freeze a version of the file, and hand it to the prefecture."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _editable(application, by_user)
    missing = application_missing(application)
    if missing:
        raise ValidationError(missing)
    application.submitted_on = timezone.localdate()
    _move(application, Application.State.SUBMITTED, by=by_user, action="submitted", application=application)
    number = application.versions.count() + 1
    version = ApplicationVersion.objects.create(
        application=application, number=number, content=application_snapshot(application)
    )
    due = timeline.deadline(timeline.Step.TRANSMISSION, application.submitted_on).due_on
    notifications.send_after_commit(notifications.submitted(application, number=number, due=due))
    return version
