"""The label in the back-office: applicants fill in their file in steps and follow it; the
prefecture and the CCREFP instruct it within the statutory deadlines; everyone reads the
audit trail. Every object is fetched through a queryset scoped to the user: another
organisation's or region's file is a 404. Views check the form, call one service, redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from orientation.accounts.models import RegionalRole, User
from orientation.accounts.selectors import organisation_ids, region_ids
from orientation.directory.models import Organisation
from orientation.labels import selectors, services, timeline
from orientation.labels.criteria import CRITERIA
from orientation.labels.models import Application, Grouping, Label, Withdrawal
from orientation.territories.models import Commune, EmploymentZone, LivingArea, Region
from orientation.www import maps
from orientation.www.backoffice import label_forms
from orientation.www.backoffice.auth import reauthenticate, second_factor_is_recent, staff_required
from orientation.www.label_views import coverage_section, dashboard_context, region_param

STEPS = [
    ("sites", "Sites et services"),
    ("convention", "Convention du groupement"),
    ("engagements", "Engagements qualité"),
    ("territoire", "Territoire et besoins"),
    ("verification", "Vérification et dépôt"),
]


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, str]]:
    crumbs = [
        {"title": "Gestion", "url": reverse("backoffice:home")},
        {"title": "Label", "url": reverse("backoffice:labels")},
    ]
    return crumbs + [{"title": title, **({"url": url} if url else {})} for title, url in items]


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(  # type: ignore[arg-type]
            "region", "organisation", "grouping__coordinator", "grouping__coordinator_contact", "convention"
        ),
        pk=pk,
    )


def _steps_for(application: Application) -> list[tuple[str, str]]:
    return [step for step in STEPS if step[0] != "convention" or application.grouping_id]


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """The back-office's front page: what the user may open."""
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "www/backoffice/home.html",
        {
            "title": "Espace de gestion",
            "can_view_feeds": user.has_perm("ingestion.view_source"),
            "instructs": bool(
                region_ids(user, RegionalRole.Role.PREFECTURE) | region_ids(user, RegionalRole.Role.CCREFP)
            ),
            "organisations": Organisation.objects.filter(pk__in=organisation_ids(user)),
        },
    )


@dataclass
class Row:
    application: Application
    deadline: timeline.Deadline | None
    urgency: str


@staff_required
def application_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    applications = (
        Application.objects.visible_to(user)
        .select_related("region", "organisation", "grouping")
        .order_by("state", "-updated_at")
    )
    state = request.GET.get("etat", "")
    if state in Application.State.values:
        applications = applications.filter(state=state)
    rows = []
    for application in applications[:500]:
        deadline = application.current_deadline()
        rows.append(Row(application, deadline, deadline.urgency(today) if deadline else ""))
    admin_of = organisation_ids(user, admin=True)
    create_form = label_forms.ApplicationCreateForm(
        organisations=list(Organisation.objects.filter(pk__in=admin_of)),
        groupings=list(Grouping.objects.coordinated_by(user)),
    )
    return render(
        request,
        "www/backoffice/label_list.html",
        {
            "title": "Demandes de label",
            "rows": rows,
            "states": Application.State.choices,
            "state": state,
            "create_form": create_form if admin_of else None,
            "today": today,
            "breadcrumb": [*_crumbs(("Demandes", None))[:-1], {"title": "Label"}],
        },
    )


@require_POST
@staff_required
def application_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = label_forms.ApplicationCreateForm(
        request.POST,
        organisations=list(Organisation.objects.filter(pk__in=organisation_ids(user, admin=True))),
        groupings=list(Grouping.objects.coordinated_by(user)),
    )
    if not form.is_valid():
        messages.error(request, "Choisissez le candidat parmi vos organisations et groupements.")
        return redirect("backoffice:labels")
    try:
        application = services.application_create(by_user=user, **form.applicant_kwargs())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("backoffice:labels")
    return redirect("backoffice:label_step", pk=application.pk, step=STEPS[0][0])


def _deadlines(application: Application, today: date) -> list[dict[str, Any]]:
    """The instruction's steps as the page shows them: done on a day, or due by a day."""
    done = {
        "submitted": application.submitted_on,
        "transmission": application.transmitted_on,
        "opinion": application.opinion_on,
        "decision": application.decided_on,
    }
    current = application.current_deadline()
    rows: list[dict[str, Any]] = [{"label": "Dépôt du dossier", "done": done["submitted"], "actor": "candidat"}]
    for step in (timeline.Step.TRANSMISSION, timeline.Step.OPINION, timeline.Step.DECISION):
        rule = timeline.RULES[step]
        row: dict[str, Any] = {"label": rule.label, "done": done[step.value], "actor": rule.actor.value}
        if current is not None and current.step == step:
            row.update(due=current.due_on, urgency=current.urgency(today), days_left=current.days_left(today))
        rows.append(row)
    return rows


def _available_actions(application: Application, user: User, today: date) -> list[str]:
    """The steps this user may take now on this file, its label or its withdrawal: read from
    the workflows' own tables (labels.services.may_move), not a copy of them."""
    found = []
    roles = services.roles_held(user, application)

    def may(obj: Application | Label | Withdrawal, to_state: str) -> bool:
        return services.may_move(obj, to_state, roles=roles, application=application)

    if may(application, Application.State.TRANSMITTED):
        found += ["transmit", "return"]
    if may(application, Application.State.OPINION_GIVEN):  # while the CCREFP examines the file
        found += ["hearing", "interest", "opinion"]
    if may(application, Application.State.GRANTED):
        found.append("decide")
    label = getattr(application, "label", None)
    if label is not None:
        withdrawal = label.open_withdrawal()
        if withdrawal is None and may(label, Label.State.WITHDRAWN):
            found.append("withdrawal_open")
        if withdrawal is not None:
            for action, to_state in (
                ("withdrawal_answer", Withdrawal.State.AWAITING_OPINION),
                ("withdrawal_opinion", Withdrawal.State.AWAITING_DECISION),
                ("withdrawal_decide", Withdrawal.State.WITHDRAWN),
            ):
                if may(withdrawal, to_state):
                    found.append(action)
        if (
            label.state == Label.State.ACTIVE
            and not label.renewal_in_progress()
            and today >= label.renewal_opens_on
            and "applicant" in roles
        ):
            found.append("renew")
    return found


def _action_form(action: str, application: Application, data: Any = None) -> forms.Form:
    """The form of an action; prefixed by its name, so that several share a page."""
    form_class = ACTIONS[action][0]
    if form_class is label_forms.InterestForm:
        return label_forms.InterestForm(data, application=application, prefix=action)
    return form_class(data, prefix=action)


def readable_snapshot(content: dict[str, Any]) -> dict[str, Any]:
    """A frozen file as whoever instructs it reads it: each criterion by its name with the
    commitment and its evidence, the territory by names rather than codes."""
    names = {
        "living_areas": dict(
            LivingArea.objects.filter(code__in=content.get("living_areas", [])).values_list("code", "name")
        ),
        "employment_zones": dict(
            EmploymentZone.objects.filter(code__in=content.get("employment_zones", [])).values_list("code", "name")
        ),
        "communes": dict(Commune.objects.filter(code__in=content.get("communes", [])).values_list("code", "name")),
    }
    attachments: dict[str, list[dict[str, Any]]] = {}
    for item in content.get("attachments", []):
        attachments.setdefault(item["criterion"], []).append(item)
    return {
        **content,
        "criteria": [
            {
                "label": str(label),
                "commitment": content.get("commitments", {}).get(code, {}).get("commitment", ""),
                "evidence": content.get("commitments", {}).get(code, {}).get("evidence", ""),
                "attachments": attachments.get(code, []),
            }
            for code, label in CRITERIA.items()
        ],
        **{
            f"{kind}_named": [f"{names[kind].get(code, code)} ({code})" for code in content.get(kind, [])]
            for kind in names
        },
    }


@staff_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    label = getattr(application, "label", None)
    withdrawals = [(w, w.current_deadline()) for w in label.withdrawals.all()] if label else []
    latest = application.versions.order_by("-number").first()
    return render(
        request,
        "www/backoffice/label_detail.html",
        {
            "title": f"Demande de label : {application.applicant_name}",
            "application": application,
            "label": label,
            "withdrawals": [(w, deadline, deadline.urgency(today) if deadline else "") for w, deadline in withdrawals],
            "deadlines": _deadlines(application, today),
            "events": selectors.application_events(application),
            "versions": application.versions.all(),
            # Whoever instructs, gives an opinion or decides reads the file as it was submitted.
            "latest_version": latest,
            "snapshot": readable_snapshot(latest.content) if latest else None,
            "hearings": application.hearings.all(),
            "editable": Application.objects.editable_by(user).filter(pk=application.pk).exists(),
            "steps": _steps_for(application),
            "actions": {
                action: _action_form(action, application) for action in _available_actions(application, user, today)
            },
            "breadcrumb": _crumbs((application.applicant_name, None)),
        },
    )


def _step_form(step: str, application: Application, data: Any = None, files: Any = None) -> forms.Form:
    if step == "sites":
        initial = {"sites": application.sites.all(), "services": application.services.all()}
        return label_forms.SitesForm(data, application=application, initial=initial)
    if step == "convention":
        return label_forms.ConventionChoiceForm(
            data, application=application, initial={"convention": application.convention}
        )
    if step == "engagements":
        return label_forms.CommitmentsForm(data, files, application=application)
    if step == "territoire":
        territory: dict[str, Any] = {
            "living_areas": application.living_areas.all(),
            "employment_zones": application.employment_zones.all(),
            "communes": ", ".join(application.communes.values_list("code", flat=True)),
            "needs_analysis": application.needs_analysis,
        }
        return label_forms.TerritoryForm(data, application=application, initial=territory)
    return forms.Form(data)


def _save_step(step: str, form: forms.Form, application: Application, user: User) -> None:
    data = form.cleaned_data
    if step == "sites":
        services.application_set_sites(
            application=application, by_user=user, sites=list(data["sites"]), services=list(data["services"])
        )
    elif step == "convention":
        services.application_set_convention(application=application, by_user=user, convention=data["convention"])
    elif step == "engagements":
        assert isinstance(form, label_forms.CommitmentsForm)
        services.application_set_commitments(
            application=application, by_user=user, commitments=form.commitments(), attachments=form.attachments()
        )
    elif step == "territoire":
        services.application_set_territory(
            application=application,
            by_user=user,
            living_areas=list(data["living_areas"]),
            employment_zones=list(data["employment_zones"]),
            communes=data["communes"],
            needs_analysis=data["needs_analysis"],
        )


@staff_required
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    application = _application(request, pk)
    user: User = request.user  # type: ignore[assignment]
    steps = _steps_for(application)
    names = [name for name, _title in steps]
    if step not in names:
        raise Http404("Étape inconnue")
    if not Application.objects.editable_by(user).filter(pk=application.pk).exists():
        return redirect("backoffice:label_application", pk=application.pk)
    convention_form = label_forms.ConventionForm() if step == "convention" else None
    if request.method == "POST":
        form = _step_form(step, application, request.POST, request.FILES)
        if step == "convention" and request.FILES.get("document"):
            convention_form = label_forms.ConventionForm(request.POST, request.FILES)
            if convention_form.is_valid():
                try:
                    assert application.grouping is not None
                    convention = services.convention_add(
                        by_user=user, grouping=application.grouping, **convention_form.cleaned_data
                    )
                    services.application_set_convention(application=application, by_user=user, convention=convention)
                    messages.success(request, "Convention déposée et jointe au dossier.")
                    return redirect("backoffice:label_step", pk=pk, step=step)
                except ValidationError as error:
                    for field, errors in error.message_dict.items():
                        convention_form.add_error(field if field in convention_form.fields else None, errors)
        elif step == "verification":
            try:
                version = services.application_submit(application=application, by_user=user)
            except ValidationError as error:
                messages.error(request, "Le dossier est incomplet : " + " ".join(error.messages))
            else:
                messages.success(
                    request, f"Dossier déposé (version {version.number}) : la préfecture de région est prévenue."
                )
                return redirect("backoffice:label_application", pk=pk)
        elif form.is_valid():
            try:
                _save_step(step, form, application, user)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Brouillon enregistré.")
                index = names.index(step)
                return redirect("backoffice:label_step", pk=pk, step=names[min(index + 1, len(names) - 1)])
    else:
        form = _step_form(step, application)
    context: dict[str, Any] = {
        "title": f"Dossier de label : {dict(steps)[step]}",
        "application": application,
        "steps": steps,
        "step": step,
        "step_title": dict(steps)[step],
        "step_number": names.index(step) + 1,
        "form": form,
        "convention_form": convention_form,
        "breadcrumb": _crumbs(
            (application.applicant_name, reverse("backoffice:label_application", args=[pk])), (dict(steps)[step], None)
        ),
    }
    today = timezone.localdate()
    if step == "territoire":
        communes = selectors.application_served_communes(application)
        context["figures"] = selectors.territory_figures(communes, today=today)
        chosen = set(application.living_areas.values_list("pk", flat=True))
        _total, areas = selectors.coverage_of_region(application.region, today)
        context["territory_map"] = maps.coverage_map(
            [
                maps.Area(
                    name=area.living_area.name if area.living_area else "—",
                    points=area.points,
                    share=area.communes_share,
                    highlighted=bool(area.living_area and area.living_area.pk in chosen),
                    population=area.population,
                )
                for area in areas
            ],
            title=f"Bassins de vie de la région {application.region} : en bleu ceux que le dossier dessert",
        )
    if step == "verification":
        context["missing"] = services.application_missing(application)
        context["snapshot"] = readable_snapshot(services.application_snapshot(application))
    if step == "engagements":
        context["attachments"] = application.attachments.all()
    return render(request, "www/backoffice/label_step.html", context)


def _withdrawal(application: Application) -> Withdrawal:
    label = getattr(application, "label", None)
    withdrawal = label.open_withdrawal() if label else None
    if withdrawal is None:
        raise Http404("Aucune procédure de retrait en cours")
    return withdrawal


def _label(application: Application) -> Label:
    label = getattr(application, "label", None)
    if label is None:
        raise Http404("Aucun label pour ce dossier")
    return label


#: action → (form, what it does with the user, the file and the cleaned data, message)
ACTIONS: dict[str, tuple[Callable[..., forms.Form], Callable[[User, Application, dict[str, Any]], Any], str]] = {
    "transmit": (
        forms.Form,
        lambda u, a, d: services.application_transmit(application=a, by_user=u),
        "Dossier transmis au CCREFP.",
    ),
    "return": (
        label_forms.ReasonsForm,
        lambda u, a, d: services.application_return(application=a, by_user=u, reasons=d["reasons"]),
        "Dossier renvoyé au candidat pour être complété.",
    ),
    "hearing": (
        label_forms.HearingForm,
        lambda u, a, d: services.application_record_hearing(application=a, by_user=u, **d),
        "Audition enregistrée.",
    ),
    "interest": (
        label_forms.InterestForm,
        lambda u, a, d: services.application_declare_interest(application=a, by_user=u, member=d["member"]),
        "Intérêt personnel enregistré : ce membre est exclu de l’avis.",
    ),
    "opinion": (
        label_forms.OpinionForm,
        lambda u, a, d: services.application_record_opinion(
            application=a, by_user=u, opinion=d["opinion"], reasons=d["reasons"]
        ),
        "Avis enregistré : la préfecture est prévenue.",
    ),
    "decide": (
        label_forms.DecisionForm,
        lambda u, a, d: services.application_decide(
            application=a, by_user=u, grant=d["decision"] == "grant", reasons=d["reasons"]
        ),
        "Décision enregistrée et notifiée.",
    ),
    "withdrawal_open": (
        label_forms.GroundsForm,
        lambda u, a, d: services.withdrawal_open(label=_label(a), by_user=u, grounds=d["grounds"]),
        "Procédure de retrait engagée : l’organisation est prévenue.",
    ),
    "withdrawal_answer": (
        label_forms.AnswerForm,
        lambda u, a, d: services.withdrawal_answer(withdrawal=_withdrawal(a), by_user=u, answer=d["answer"]),
        "Réponse enregistrée et transmise au comité.",
    ),
    "withdrawal_opinion": (
        label_forms.OpinionForm,
        lambda u, a, d: services.withdrawal_record_opinion(
            withdrawal=_withdrawal(a), by_user=u, opinion=d["opinion"], reasons=d["reasons"]
        ),
        "Avis sur le retrait enregistré.",
    ),
    "withdrawal_decide": (
        label_forms.WithdrawalDecisionForm,
        lambda u, a, d: services.withdrawal_decide(
            withdrawal=_withdrawal(a), by_user=u, withdraw=d["decision"] == "withdraw", reasons=d["reasons"]
        ),
        "Décision sur le retrait enregistrée et notifiée.",
    ),
    "renew": (
        forms.Form,
        lambda u, a, d: services.application_create(
            by_user=u, organisation=a.organisation, grouping=a.grouping, region=a.region, renewal_of=_label(a)
        ),
        "Demande de renouvellement créée à partir du dossier labellisé.",
    ),
}


#: the prefect's decisions: asked again for the second factor when it is not recent
DECISIONS = {"decide", "withdrawal_decide"}


@require_POST
@staff_required
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = _application(request, pk)
    if action not in ACTIONS:
        raise Http404("Action inconnue")
    _form_class, run, done = ACTIONS[action]
    # Who may act is checked before the form is read: someone else's step is a 403, not a form error.
    if action not in _available_actions(application, request.user, timezone.localdate()):  # type: ignore[arg-type]
        raise PermissionDenied("Cette étape du dossier ne relève pas de votre rôle, ou n’est plus possible.")
    if action in DECISIONS and not second_factor_is_recent(request):
        return reauthenticate(request, reverse("backoffice:label_application", args=[pk]))
    form = _action_form(action, application, request.POST)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label} : {' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
            if name in form.fields
        ]
        messages.error(request, "Formulaire incomplet. " + " ".join(problems))
        return redirect("backoffice:label_application", pk=pk)
    try:
        result = run(request.user, application, form.cleaned_data)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("backoffice:label_application", pk=pk)
    messages.success(request, done)
    if action == "renew":
        return redirect("backoffice:label_step", pk=result.pk, step=STEPS[0][0])
    return redirect("backoffice:label_application", pk=pk)


@staff_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    application = _application(request, pk)
    version = get_object_or_404(application.versions, number=number)
    return render(
        request,
        "www/backoffice/label_version.html",
        {
            "title": f"Dossier déposé, version {number}",
            "application": application,
            "version": version,
            "snapshot": readable_snapshot(version.content),
            "breadcrumb": _crumbs(
                (application.applicant_name, reverse("backoffice:label_application", args=[pk])),
                (f"Version {number}", None),
            ),
        },
    )


@staff_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """A piece of evidence of a file, for those who may read the file."""
    application = _application(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    return FileResponse(attachment.document.open("rb"), as_attachment=True, filename=attachment.name)


@staff_required
def convention_download(request: HttpRequest, pk: int, convention_id: int) -> FileResponse:
    """A grouping's signed convention, for its members and the instructing region."""
    grouping = get_object_or_404(Grouping.objects.visible_to(request.user), pk=pk)  # type: ignore[arg-type]
    convention = get_object_or_404(grouping.conventions, pk=convention_id)
    name = f"convention-{grouping.pk}-{convention.signed_on:%Y%m%d}.pdf"
    return FileResponse(
        convention.document.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@staff_required
def grouping_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    coordinators = list(Organisation.objects.filter(pk__in=organisation_ids(user, admin=True)))
    form = label_forms.GroupingForm(request.POST or None, coordinators=coordinators)
    if request.method == "POST" and form.is_valid():
        try:
            grouping = services.grouping_create(by_user=user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Groupement créé : déposez maintenant sa convention signée.")
            return redirect("backoffice:label_grouping", pk=grouping.pk)
    return render(
        request,
        "www/backoffice/grouping_list.html",
        {
            "title": "Groupements",
            "groupings": Grouping.objects.visible_to(user).select_related("region", "coordinator"),
            "form": form if coordinators else None,
            "breadcrumb": _crumbs(("Groupements", None)),
        },
    )


@staff_required
def grouping_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    grouping = get_object_or_404(Grouping.objects.visible_to(user).select_related("region", "coordinator"), pk=pk)
    coordinates = grouping in Grouping.objects.coordinated_by(user) or grouping.coordinator_contact_id == user.pk
    form = label_forms.ConventionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not coordinates:
            raise PermissionDenied("Seule la coordination du groupement dépose sa convention.")
        if form.is_valid():
            try:
                services.convention_add(by_user=user, grouping=grouping, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Convention déposée.")
                return redirect("backoffice:label_grouping", pk=pk)
    return render(
        request,
        "www/backoffice/grouping_detail.html",
        {
            "title": f"Groupement : {grouping}",
            "grouping": grouping,
            "organisations": grouping.organisations.all(),
            "conventions": grouping.conventions.all(),
            "form": form if coordinates else None,
            "breadcrumb": _crumbs(("Groupements", reverse("backoffice:label_groupings")), (str(grouping), None)),
        },
    )


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    if user.is_national_admin:
        regions = None
    else:
        ids = region_ids(user, RegionalRole.Role.PREFECTURE) | region_ids(user, RegionalRole.Role.CCREFP)
        if not ids:
            raise PermissionDenied(
                "Le tableau de bord est celui des préfectures, des CCREFP et de l’administration nationale."
            )
        regions = Region.objects.filter(pk__in=ids)
    context = dashboard_context(today, regions)
    context.update(coverage_section(region_param(request, regions), today))
    context.update(regions=regions if regions is not None else Region.objects.order_by("name"))
    context.update(title="Tableau de bord du label", public=False, breadcrumb=_crumbs(("Tableau de bord", None)))
    return render(request, "www/labels/dashboard.html", context)
