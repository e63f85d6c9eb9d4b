"""Writes of the label's workflow: each transition checks the table of allowed moves and who
may make it, writes an Event, and sends its e-mails after the commit.

Every public function here is a whole step: it runs in one transaction, so a failed step
leaves nothing half done. Dates are the Paris calendar day of the step.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from orientation.accounts.models import RegionalRole, User
from orientation.accounts.selectors import organisation_ids, region_ids
from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.labels import notifications, timeline
from orientation.labels.criteria import CRITERIA
from orientation.labels.models import (
    Application,
    ApplicationVersion,
    Attachment,
    Convention,
    Event,
    Grouping,
    Hearing,
    Label,
    Reminder,
    Withdrawal,
)
from orientation.labels.notifications import Mail, mail
from orientation.territories.models import Commune, EmploymentZone, LivingArea, Region
from orientation.utils.workflow import TransitionError, Workflow

SYSTEM = "system"


def _day(value: date) -> str:
    return date_format(value, "j F Y")


# Who may act ---------------------------------------------------------------------------


def user_acts_as(user: User | None, role: str, application: Application) -> bool:
    """Whether the user may make the transitions ``role`` makes on this file."""
    if role == SYSTEM:
        return user is None
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role == "applicant":
        if application.grouping_id is not None:
            assert application.grouping is not None
            if application.grouping.coordinator_contact_id == user.pk:
                return True
            return application.grouping.coordinator_id in organisation_ids(user, admin=True)
        return application.organisation_id in organisation_ids(user, admin=True)
    if role in (RegionalRole.Role.PREFECTURE, RegionalRole.Role.CCREFP):
        return application.region_id in region_ids(user, RegionalRole.Role(role))
    return False


def _require(user: User | None, role: str, application: Application) -> None:
    if not user_acts_as(user, role, application):
        raise PermissionDenied("Cette étape du dossier ne relève pas de votre rôle.")


def _acts_as(user: User | None, role: str, application: Application) -> bool:
    return user_acts_as(user, role, application)


#: the three workflows of the label, on the one engine (orientation.utils.workflow)
FLOWS: dict[type, Workflow] = {
    model: Workflow(model.TRANSITIONS, _acts_as, refusal="Cette étape du dossier ne relève pas de votre rôle.")
    for model in (Application, Label, Withdrawal)
}


def _move(
    obj: Application | Label | Withdrawal,
    to_state: str,
    *,
    by: User | None,
    action: str,
    note: str = "",
    application: Application,
) -> Event:
    """Check that (state → to_state) is in the object's table and that ``by`` may make it (the
    daily task, ``by`` None, acts for a silent CCREFP or applicant), then record the new state
    and the event."""

    def event(from_state: str, to_state: str) -> Event:
        return Event.objects.create(
            application=application,
            label=obj if isinstance(obj, Label) else obj.label if isinstance(obj, Withdrawal) else None,
            withdrawal=obj if isinstance(obj, Withdrawal) else None,
            at=timezone.now(),
            by=by,
            action=action,
            from_state=from_state,
            to_state=to_state,
            note=note,
        )

    return cast(Event, FLOWS[type(obj)].move(obj, to_state, actor=by, subject=application, event=event))


#: the roles a person may hold on a file (SYSTEM is the clock's)
ROLES = ("applicant", RegionalRole.Role.PREFECTURE, RegionalRole.Role.CCREFP)


def roles_held(user: User, application: Application) -> set[str]:
    """The roles this user holds on this file, each looked up once."""
    return {str(role) for role in ROLES if user_acts_as(user, role, application)}


def may_move(
    obj: Application | Label | Withdrawal, to_state: str, *, roles: set[str], application: Application
) -> bool:
    """Whether someone holding ``roles`` (``roles_held``) may make that change now."""
    return to_state in FLOWS[type(obj)].available(obj, actor=None, subject=application, roles=roles)


def _note(application: Application, by: User | None, action: str, note: str = "") -> Event:
    """An event that changes no state (a hearing, a declared interest, a reminder)."""
    return Event.objects.create(application=application, at=timezone.now(), by=by, action=action, note=note)


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
    notifications.send_after_commit(
        [
            mail(
                notifications.prefecture_emails(application),
                f"Nouvelle demande de label : {application.applicant_name}",
                f"{application.applicant_name} a déposé une demande de label ({application.get_kind_display()}), "
                f"version {number} du dossier.",
                f"Le dossier complet est à transmettre au CCREFP au plus tard le {_day(due)}.",
                application=application,
            ),
            mail(
                notifications.applicant_emails(application),
                "Votre demande de label est déposée",
                f"Votre demande de label « Orientation pour tous » a été déposée le {_day(application.submitted_on)} "
                f"(version {number} du dossier).",
                "La préfecture de région la transmet au CCREFP, qui rend son avis dans les 30 jours ; "
                "le préfet décide dans les 20 jours suivant l’avis.",
                application=application,
            ),
        ]
    )
    return version


@transaction.atomic
def application_return(*, application: Application, by_user: User, reasons: str) -> None:
    """The prefecture sends an incomplete file back to the applicant, saying what is missing."""
    if not reasons.strip():
        raise ValidationError({"reasons": "Dites ce qui manque au dossier."})
    application = Application.objects.select_for_update().get(pk=application.pk)
    application.submitted_on = None
    _move(application, Application.State.DRAFT, by=by_user, action="returned", note=reasons, application=application)
    notifications.send_after_commit(
        [
            mail(
                notifications.applicant_emails(application),
                "Votre dossier de label est à compléter",
                "La préfecture de région vous renvoie votre dossier pour le compléter :",
                reasons.strip(),
                application=application,
            )
        ]
    )


@transaction.atomic
def application_transmit(*, application: Application, by_user: User) -> None:
    application = Application.objects.select_for_update().get(pk=application.pk)
    application.transmitted_on = timezone.localdate()
    _move(application, Application.State.TRANSMITTED, by=by_user, action="transmitted", application=application)
    due = timeline.deadline(timeline.Step.OPINION, application.transmitted_on).due_on
    notifications.send_after_commit(
        [
            mail(
                notifications.ccrefp_emails(application),
                f"Avis à rendre : label de {application.applicant_name}",
                f"La préfecture de région vous transmet la demande de label de {application.applicant_name}.",
                f"L’avis du CCREFP est attendu au plus tard le {_day(due)} ; "
                "sans avis à cette date, il est réputé défavorable.",
                application=application,
            ),
            mail(
                notifications.applicant_emails(application),
                "Votre demande de label est transmise au CCREFP",
                f"Votre dossier a été transmis au CCREFP le {_day(application.transmitted_on)} ; "
                f"son avis est attendu au plus tard le {_day(due)}.",
                application=application,
            ),
        ]
    )


@transaction.atomic
def application_record_hearing(
    *, application: Application, by_user: User, held_on: date, attendees: str, notes: str = ""
) -> Hearing:
    application = Application.objects.get(pk=application.pk)
    _require(by_user, RegionalRole.Role.CCREFP, application)
    if application.state != Application.State.TRANSMITTED:
        raise TransitionError("Une audition se tient pendant l’examen du dossier par le CCREFP.")
    if not attendees.strip():
        raise ValidationError({"attendees": "Indiquez les personnes entendues."})
    hearing = Hearing.objects.create(application=application, held_on=held_on, attendees=attendees, notes=notes)
    _note(application, by_user, "hearing", f"Audition du {_day(held_on)} : {attendees.strip()}")
    return hearing


@transaction.atomic
def application_declare_interest(*, application: Application, by_user: User, member: User) -> None:
    """A committee member with a personal interest in the file is excluded from its opinion."""
    _require(by_user, RegionalRole.Role.CCREFP, application)
    application.interested_members.add(member)
    _note(application, by_user, "interest_declared", f"{member} : intérêt personnel, exclu(e) de l’avis")


def _opinion_mails(application: Application, due: date) -> list[Mail]:
    lines = [
        f"Avis du CCREFP sur la demande de label de {application.applicant_name} : "
        f"{application.get_opinion_display()}.",
    ]
    if application.opinion_reasons:
        lines += ["", "Motifs :", application.opinion_reasons]
    return [
        mail(
            notifications.prefecture_emails(application),
            f"Décision à prendre : label de {application.applicant_name}",
            *lines,
            "",
            f"La décision du préfet est attendue au plus tard le {_day(due)}.",
            application=application,
        ),
        mail(
            notifications.applicant_emails(application),
            "Avis du CCREFP sur votre demande de label",
            *lines,
            "",
            "Le préfet de région prend sa décision dans les 20 jours.",
            application=application,
        ),
    ]


@transaction.atomic
def application_record_opinion(*, application: Application, by_user: User, opinion: str, reasons: str) -> None:
    application = Application.objects.select_for_update().get(pk=application.pk)
    FLOWS[Application].require(application, Application.State.OPINION_GIVEN, actor=by_user)  # who, before what
    if opinion not in (Application.Opinion.FAVOURABLE, Application.Opinion.UNFAVOURABLE):
        raise ValidationError({"opinion": "L’avis est favorable ou défavorable."})
    if opinion == Application.Opinion.UNFAVOURABLE and not reasons.strip():
        raise ValidationError({"reasons": "Un avis défavorable est motivé."})
    if application.interested_members.filter(pk=by_user.pk).exists():
        raise PermissionDenied("Vous avez déclaré un intérêt personnel dans ce dossier : vous êtes exclu(e) de l’avis.")
    application.opinion, application.opinion_reasons = opinion, reasons.strip()
    application.opinion_on = timezone.localdate()
    excluded = [str(member) for member in application.interested_members.all()]
    note = f"{application.get_opinion_display()}. {application.opinion_reasons}".strip()
    if excluded:
        note += " Exclus de l’avis pour intérêt personnel : " + ", ".join(excluded) + "."
    _move(
        application, Application.State.OPINION_GIVEN, by=by_user, action="opinion", note=note, application=application
    )
    notifications.send_after_commit(
        _opinion_mails(application, timeline.deadline(timeline.Step.DECISION, application.opinion_on).due_on)
    )


def _record_deemed_opinion(application: Application) -> None:
    """The CCREFP's silence at the end of its 30 days: the opinion is deemed unfavourable, given
    on the last day of the period, from which the prefect's 20 days run."""
    assert application.transmitted_on is not None
    due = timeline.deadline(timeline.Step.OPINION, application.transmitted_on).due_on
    application.opinion = Application.Opinion.DEEMED_UNFAVOURABLE
    application.opinion_reasons = f"Pas d’avis du CCREFP au {_day(due)} : l’avis est réputé défavorable."
    application.opinion_on = due
    _move(
        application,
        Application.State.OPINION_GIVEN,
        by=None,
        action="opinion_deemed",
        note=application.opinion_reasons,
        application=application,
    )
    notifications.send_after_commit(
        [
            *_opinion_mails(application, timeline.deadline(timeline.Step.DECISION, due).due_on),
            mail(
                notifications.ccrefp_emails(application),
                f"Avis réputé défavorable : label de {application.applicant_name}",
                application.opinion_reasons,
                application=application,
            ),
        ]
    )


def _notify_decision(application: Application, subject: str, lines: list[str]) -> None:
    """A prefect's decision is notified to the applicant, the CCREFP and the national delegate."""
    notifications.send_after_commit(
        [
            mail(recipients, subject, *lines, application=application)
            for recipients in (
                notifications.applicant_emails(application),
                notifications.ccrefp_emails(application),
                notifications.national_emails(),
            )
        ]
    )


@transaction.atomic
def application_decide(*, application: Application, by_user: User, grant: bool, reasons: str) -> Label | None:
    """The prefect grants the label or refuses it with reasons; the applicant, the CCREFP and
    the national administrator are notified."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    to_state = Application.State.GRANTED if grant else Application.State.REFUSED
    FLOWS[Application].require(application, to_state, actor=by_user)  # who, before what
    if not grant and not reasons.strip():
        raise ValidationError({"reasons": "Un refus est motivé."})
    today = timezone.localdate()
    application.decided_on, application.decision_reasons = today, reasons.strip()
    _move(
        application,
        to_state,
        by=by_user,
        action="granted" if grant else "refused",
        note=reasons,
        application=application,
    )
    label = None
    if grant:
        label = Label.objects.create(
            application=application,
            region=application.region,
            granted_on=today,
            expires_on=timeline.label_expires_on(today),
        )
        _note(application, by_user, "label_granted", f"Label en vigueur jusqu’au {_day(label.expires_on)}")
        if application.renewal_of is not None:
            previous = Label.objects.select_for_update().get(pk=application.renewal_of.pk)
            previous.ended_on = today
            _move(
                previous,
                Label.State.RENEWED,
                by=by_user,
                action="renewed",
                application=previous.application,
                note=f"Renouvelé par le label n° {label.pk}",
            )
        decision = (
            f"Le préfet de région attribue le label « Orientation pour tous » du {_day(today)} au "
            f"{_day(label.expires_on)} à {application.applicant_name}."
        )
    else:
        decision = f"Le préfet de région refuse le label « Orientation pour tous » à {application.applicant_name}."
    lines = [decision, *(["", "Motifs :", application.decision_reasons] if application.decision_reasons else [])]
    subject = f"Décision sur le label : {application.applicant_name} — {'attribué' if grant else 'refusé'}"
    _notify_decision(application, subject, lines)
    return label


# Withdrawal ------------------------------------------------------------------------------


@transaction.atomic
def withdrawal_open(*, label: Label, by_user: User, grounds: str) -> Withdrawal:
    """The prefecture states which condition or clause is no longer met; the organisation has
    30 days to answer in writing."""
    application = label.application
    _require(by_user, RegionalRole.Role.PREFECTURE, application)
    if label.state != Label.State.ACTIVE:
        raise TransitionError(f"Le label n° {label.pk} n’est pas en vigueur.")
    if label.open_withdrawal() is not None:
        raise TransitionError(f"Une procédure de retrait du label n° {label.pk} est déjà en cours.")
    if not grounds.strip():
        raise ValidationError({"grounds": "Indiquez la condition ou la clause qui n’est plus remplie."})
    withdrawal = Withdrawal.objects.create(label=label, grounds=grounds.strip(), opened_on=timezone.localdate())
    Event.objects.create(
        application=application,
        label=label,
        withdrawal=withdrawal,
        at=timezone.now(),
        by=by_user,
        action="withdrawal_opened",
        to_state=withdrawal.state,
        note=withdrawal.grounds,
    )
    due = timeline.deadline(timeline.Step.WITHDRAWAL_ANSWER, withdrawal.opened_on).due_on
    notifications.send_after_commit(
        [
            mail(
                notifications.applicant_emails(application),
                "Procédure de retrait de votre label",
                "Le préfet de région engage une procédure de retrait du label « Orientation pour tous » :",
                withdrawal.grounds,
                "",
                f"Vous pouvez y répondre par écrit jusqu’au {_day(due)}.",
                application=application,
            ),
            mail(
                notifications.ccrefp_emails(application),
                f"Procédure de retrait : label de {application.applicant_name}",
                f"Une procédure de retrait est engagée ; la réponse de l’organisation est attendue le {_day(due)}, "
                "puis l’avis du comité dans les 30 jours.",
                application=application,
            ),
        ]
    )
    return withdrawal


@transaction.atomic
def withdrawal_answer(*, withdrawal: Withdrawal, by_user: User | None, answer: str) -> None:
    """The organisation's written answer (``by_user`` None: the 30 days passed without one)."""
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    application = withdrawal.label.application
    today = timezone.localdate()
    if by_user is None:
        due = timeline.deadline(timeline.Step.WITHDRAWAL_ANSWER, withdrawal.opened_on).due_on
        withdrawal.answered_on, note = due, f"Pas de réponse écrite au {_day(due)}."
    else:
        if not answer.strip():
            raise ValidationError({"answer": "Écrivez votre réponse aux motifs du retrait."})
        withdrawal.answer, withdrawal.answered_on, note = answer.strip(), today, answer.strip()
    _move(
        withdrawal,
        Withdrawal.State.AWAITING_OPINION,
        by=by_user,
        action="withdrawal_answered",
        note=note,
        application=application,
    )
    due = timeline.deadline(timeline.Step.WITHDRAWAL_OPINION, withdrawal.answered_on).due_on
    notifications.send_after_commit(
        [
            mail(
                notifications.ccrefp_emails(application),
                f"Avis à rendre sur le retrait du label de {application.applicant_name}",
                note,
                "",
                f"L’avis du comité est attendu au plus tard le {_day(due)}.",
                application=application,
            )
        ]
    )


@transaction.atomic
def withdrawal_record_opinion(*, withdrawal: Withdrawal, by_user: User, opinion: str, reasons: str) -> None:
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    application = withdrawal.label.application
    if opinion not in (Application.Opinion.FAVOURABLE, Application.Opinion.UNFAVOURABLE):
        raise ValidationError({"opinion": "L’avis sur le retrait est favorable ou défavorable."})
    if not reasons.strip():
        raise ValidationError({"reasons": "L’avis sur un retrait est motivé."})
    withdrawal.opinion, withdrawal.opinion_reasons, withdrawal.opinion_on = (
        opinion,
        reasons.strip(),
        timezone.localdate(),
    )
    _move(
        withdrawal,
        Withdrawal.State.AWAITING_DECISION,
        by=by_user,
        action="withdrawal_opinion",
        note=f"{withdrawal.get_opinion_display()}. {withdrawal.opinion_reasons}",
        application=application,
    )
    due = timeline.deadline(timeline.Step.WITHDRAWAL_DECISION, withdrawal.opinion_on).due_on
    notifications.send_after_commit(
        [
            mail(
                notifications.prefecture_emails(application),
                f"Décision de retrait à notifier : label de {application.applicant_name}",
                f"Avis du comité sur le retrait : {withdrawal.get_opinion_display()}.",
                withdrawal.opinion_reasons,
                "",
                f"La décision est à notifier au plus tard le {_day(due)}.",
                application=application,
            )
        ]
    )


@transaction.atomic
def withdrawal_decide(*, withdrawal: Withdrawal, by_user: User, withdraw: bool, reasons: str) -> None:
    """The prefect withdraws the label (which ends it and the right to the logo) or keeps it."""
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    application = withdrawal.label.application
    if not reasons.strip():
        raise ValidationError({"reasons": "La décision est motivée."})
    today = timezone.localdate()
    withdrawal.decided_on, withdrawal.decision_reasons = today, reasons.strip()
    to_state = Withdrawal.State.WITHDRAWN if withdraw else Withdrawal.State.MAINTAINED
    _move(withdrawal, to_state, by=by_user, action="withdrawal_decided", note=reasons, application=application)
    if withdraw:
        label = Label.objects.select_for_update().get(pk=withdrawal.label_id)
        label.ended_on = today
        _move(label, Label.State.WITHDRAWN, by=by_user, action="label_withdrawn", note=reasons, application=application)
        text = (
            f"Le préfet de région retire le label « Orientation pour tous » de {application.applicant_name} "
            f"à compter du {_day(today)}. L’usage du logo « Orientation pour tous » prend fin à cette date."
        )
    else:
        text = f"Le préfet de région maintient le label « Orientation pour tous » de {application.applicant_name}."
    subject = f"Décision sur le retrait du label : {application.applicant_name}"
    _notify_decision(application, subject, [text, "", "Motifs :", withdrawal.decision_reasons])


# The daily task ------------------------------------------------------------------------


def _remind_once(key: str, mails: list[Mail]) -> bool:
    _, created = Reminder.objects.get_or_create(key=key, defaults={"sent_at": timezone.now()})
    if created:
        notifications.send_after_commit(mails)
    return created


def _who_must_act(actor: timeline.Actor, application: Application) -> list[str]:
    if actor == timeline.Actor.PREFECTURE:
        return notifications.prefecture_emails(application)
    if actor == timeline.Actor.CCREFP:
        return notifications.ccrefp_emails(application)
    return notifications.applicant_emails(application)


def _remind_deadline(prefix: str, deadline: timeline.Deadline, application: Application, today: date) -> int:
    urgency = deadline.urgency(today)
    if urgency == timeline.Urgency.ON_TIME:
        return 0
    late = urgency == timeline.Urgency.LATE
    what = str(deadline.rule.label)
    subject = f"{'En retard' if late else 'Échéance proche'} : {what} — {application.applicant_name}"
    line = (
        f"L’échéance du {_day(deadline.due_on)} est dépassée : {what.lower()}."
        if late
        else f"{what} au plus tard le {_day(deadline.due_on)} ({deadline.days_left(today)} jour(s))."
    )
    key = f"{prefix}:{deadline.step}:{deadline.started_on.isoformat()}:{urgency}"
    sent = _remind_once(
        key, [mail(_who_must_act(deadline.rule.actor, application), subject, line, application=application)]
    )
    return int(sent)


@transaction.atomic
def labels_run_daily(*, today: date | None = None) -> dict[str, int]:
    """What the statutory clock does by itself, once a day: record the CCREFP's deemed opinions
    and the withdrawal answers that never came, remind whoever must act when a step turns amber
    or red, open renewals (reminding the coordinator) and end expired labels. Running it twice
    on a day does nothing more."""
    today = today or timezone.localdate()
    counts = {"deemed_opinions": 0, "unanswered_withdrawals": 0, "reminders": 0, "renewal_reminders": 0, "expired": 0}
    waiting = Application.objects.select_for_update(of=("self",)).filter(state=Application.State.TRANSMITTED)
    for application in waiting.select_related("region", "grouping", "grouping__coordinator_contact"):
        assert application.transmitted_on is not None
        if timeline.opinion_is_deemed_unfavourable(application.transmitted_on, today):
            _record_deemed_opinion(application)
            counts["deemed_opinions"] += 1
    for withdrawal in Withdrawal.objects.filter(state=Withdrawal.State.AWAITING_ANSWER):
        if today > timeline.deadline(timeline.Step.WITHDRAWAL_ANSWER, withdrawal.opened_on).due_on:
            withdrawal_answer(withdrawal=withdrawal, by_user=None, answer="")
            counts["unanswered_withdrawals"] += 1
    open_states = [Application.State.SUBMITTED, Application.State.TRANSMITTED, Application.State.OPINION_GIVEN]
    for application in Application.objects.filter(state__in=open_states).select_related("grouping"):
        deadline = application.current_deadline()
        if deadline is not None:
            counts["reminders"] += _remind_deadline(f"application:{application.pk}", deadline, application, today)
    for withdrawal in Withdrawal.objects.filter(
        state__in=[
            Withdrawal.State.AWAITING_ANSWER,
            Withdrawal.State.AWAITING_OPINION,
            Withdrawal.State.AWAITING_DECISION,
        ]
    ).select_related("label__application"):
        deadline = withdrawal.current_deadline()
        if deadline is not None:
            counts["reminders"] += _remind_deadline(
                f"withdrawal:{withdrawal.pk}", deadline, withdrawal.label.application, today
            )
    for label in Label.objects.filter(state=Label.State.ACTIVE).with_renewal_state().select_related("application"):
        application = label.application
        if today >= label.expires_on:
            label.ended_on = label.expires_on
            _move(
                label,
                Label.State.EXPIRED,
                by=None,
                action="label_expired",
                application=application,
                note=f"Label arrivé à échéance le {_day(label.expires_on)}",
            )
            counts["expired"] += 1
            continue
        if today >= label.renewal_opens_on and not label.renewal_in_progress():
            reminded = _remind_once(
                f"label:{label.pk}:renewal:{(label.expires_on - today).days // 30}",
                [
                    mail(
                        notifications.applicant_emails(application),
                        "Renouvellement de votre label « Orientation pour tous »",
                        f"Votre label expire le {_day(label.expires_on)}. Sa demande de renouvellement est ouverte "
                        "depuis le " + _day(label.renewal_opens_on) + " : elle se dépose comme une première "
                        "demande, à partir du dossier qui a été labellisé.",
                        application=application,
                    )
                ],
            )
            counts["renewal_reminders"] += int(reminded)
    return counts
