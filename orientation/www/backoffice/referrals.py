"""First level and referral in the back-office: an adviser records an interview, reads the
informed suggestions and sends a referral; the receiving organisation answers; each
organisation keeps its service offers up to date. Every object is fetched through a
queryset scoped to the user: a referral the organisation neither sent nor received is a 404.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orientation.accounts.models import User
from orientation.accounts.selectors import organisation_ids
from orientation.contact import services as contact_services
from orientation.directory.models import Organisation, ServiceOffer
from orientation.interests import answers_code
from orientation.interests.questionnaire import questionnaire
from orientation.interests.scoring import profile
from orientation.referrals import selectors, services
from orientation.referrals.models import PERSONAL_FIELDS, Interview, Referral
from orientation.www.backoffice import referral_forms
from orientation.www.backoffice.auth import recent_second_factor_required, staff_required


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, str]]:
    crumbs = [
        {"title": "Gestion", "url": reverse("backoffice:home")},
        {"title": "Orientations", "url": reverse("backoffice:referrals")},
    ]
    return crumbs + [{"title": title, **({"url": url} if url else {})} for title, url in items]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_errors(form: Any, error: ValidationError) -> None:
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@staff_required
def referral_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = organisation_ids(user)
    rows = Referral.objects.visible_to(user).select_related("offer", "receiver_organisation", "sender_organisation")
    direction = request.GET.get("sens", "")
    if direction not in ("recues", "envoyees"):
        # Unsaid, the list opens on what waits for an answer: received referrals still open.
        direction = "recues" if rows.filter(receiver_organisation_id__in=mine).open().exists() else "envoyees"
    rows = (
        rows.filter(receiver_organisation_id__in=mine)
        if direction == "recues"
        else rows.filter(sender_organisation_id__in=mine)
    )
    state = request.GET.get("etat", "")
    if state in Referral.State.values:
        rows = rows.filter(state=state)
    organisations = Organisation.objects.filter(pk__in=mine).order_by("name")
    return render(
        request,
        "www/backoffice/referral_list.html",
        {
            "title": "Orientations",
            "direction": direction,
            "rows": rows[:300],
            "states": Referral.State.choices,
            "state": state,
            "counts": [
                (organisation, selectors.organisation_counts(organisation.pk)) for organisation in organisations
            ],
            "state_labels": dict(Referral.State.choices),
            "breadcrumb": [*_crumbs()[:-1], {"title": "Orientations"}],
        },
    )


@staff_required
def referral_counts_csv(request: HttpRequest) -> HttpResponse:
    """Each of the user's organisations: referrals sent and received, by state."""
    user = _user(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    states = Referral.State.values
    writer.writerow(["organisation", "sens", *states, "total"])
    for organisation in Organisation.objects.filter(pk__in=organisation_ids(user)).order_by("name"):
        counts = selectors.organisation_counts(organisation.pk)
        for direction, values in (("envoyées", counts.sent), ("reçues", counts.received)):
            writer.writerow([organisation.name, direction, *(values[state] for state in states), sum(values.values())])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orientations-par-etat.csv"'
    return response


@staff_required
def interview_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids(user)).order_by("name"))
    # Opened from a call in the phone console: what the caller said fills the form.
    initial: dict[str, object] = {
        name: request.GET[name] for name in ("public", "age_band", "situation", "commune") if request.GET.get(name)
    }
    if request.GET.getlist("themes"):
        initial["themes"] = request.GET.getlist("themes")
    call = request.POST.get("appel") or request.GET.get("appel") or ""
    form = referral_forms.InterviewForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = services.PersonDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            identifiers={"france_travail": data["identifier"]} if data["identifier"] else None,
        )
        try:
            interview = services.interview_record(
                adviser=user,
                organisation=data["organisation"],
                public=data["public"],
                age_band=data["age_band"],
                situation=data["situation"],
                themes=data["themes"],
                request=data["request"],
                commune=data["commune"],
                access_needs=data["access_needs"],
                consent=data["consent"],
                person=person,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if call.isdigit():
                contact_services.interaction_led_to_referral(interaction_id=int(call), by_user=user)
            return redirect("backoffice:interview", pk=interview.pk)
    return render(
        request,
        "www/backoffice/interview_new.html",
        {
            "title": "Premier accueil",
            "form": form,
            "organisations": organisations,
            "call": call if call.isdigit() else "",
            "breadcrumb": _crumbs(("Premier accueil", None)),
        },
    )


@staff_required
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interview = get_object_or_404(
        Interview.objects.visible_to(_user(request)).select_related("commune", "organisation"), pk=pk
    )
    return render(
        request,
        "www/backoffice/interview_detail.html",
        {
            "title": "Premier accueil : services suggérés",
            "interview": interview,
            "themes": interview.theme_labels,
            "suggestions": selectors.suggestions(interview),
            "referrals": interview.referrals.select_related("offer", "receiver_organisation"),
            "breadcrumb": _crumbs(("Premier accueil", None)),
        },
    )


@staff_required
@require_POST
def interview_interests(request: HttpRequest) -> HttpResponse:
    """The questionnaire the adviser ran with the person (its result page's form), attached to the
    interview chosen there, with the person's consent."""
    user = _user(request)
    chosen = request.POST.get("entretien", "")
    interview = get_object_or_404(Interview.objects.visible_to(user), pk=int(chosen) if chosen.isdigit() else 0)
    code = request.POST.get("r", "")
    answers = answers_code.decode(code)
    if len(answers) < len(questionnaire().items):
        messages.error(request, "Ce résultat est incomplet : le questionnaire n’a pas été terminé.")
        return redirect("backoffice:interview", pk=interview.pk)
    result = profile(answers)
    try:
        services.interview_attach_interests(
            interview=interview,
            adviser=user,
            code=result.code,
            scores=result.scores,
            answers=code,
            consent=bool(request.POST.get("consent")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('www:interests_result')}?r={code}")
    messages.success(request, "Le profil d’intérêts est joint à l’entretien.")
    return redirect("backoffice:interview", pk=interview.pk)


@staff_required
def referral_new(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    user = _user(request)
    interview = get_object_or_404(Interview.objects.visible_to(user), pk=pk)
    offer = get_object_or_404(ServiceOffer.objects.referrable().select_related("organisation", "place"), pk=offer_pk)
    form = referral_forms.SendForm(request.POST or None, request.FILES or None, consent=interview.consent_given)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral, links = services.referral_send(
                interview=interview,
                offer=offer,
                by_user=user,
                message=data["message"],
                share=data.get("share") or [],
                attachments=[data["attachment"]] if data.get("attachment") else [],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            # The person's link is shown once, to give it on the spot (it is not stored in clear).
            request.session[f"person-link-{referral.pk}"] = links.person
            messages.success(request, f"Orientation envoyée à {offer.organisation.name}.")
            return redirect("backoffice:referral", pk=referral.pk)
    outcome = selectors.offer_outcomes([offer.pk]).get(offer.pk)
    return render(
        request,
        "www/backoffice/referral_new.html",
        {
            "title": f"Orienter vers « {offer.name} »",
            "interview": interview,
            "offer": offer,
            "outcome": outcome,
            "form": form,
            "personal_fields": PERSONAL_FIELDS,
            "breadcrumb": _crumbs(
                ("Premier accueil", reverse("backoffice:interview", args=[interview.pk])), ("Orienter", None)
            ),
        },
    )


@staff_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = get_object_or_404(
        Referral.objects.visible_to(user).select_related("offer", "offer__place", "receiver_organisation", "commune"),
        pk=pk,
    )
    receives = referral.receiver_organisation_id in organisation_ids(user)
    services.referral_read(referral=referral, actor=services.Actor.of(user))
    if receives and referral.state == Referral.State.SENT:
        services.referral_mark_seen(referral=referral, actor=services.Actor.of(user))
        referral.refresh_from_db()
    # The answer form is offered when the workflow's table lets this user accept or refuse now.
    may_answer = Referral.State.ACCEPTED in services.FLOW.available(referral, actor=services.Actor.of(user))
    return render(
        request,
        "www/backoffice/referral_detail.html",
        {
            "title": f"Orientation vers « {referral.offer.name} »",
            "referral": referral,
            "receives": receives,
            "themes": referral.theme_labels,
            "shared": [str(PERSONAL_FIELDS[name]) for name in referral.shared_fields],
            "events": referral.events.select_related("by"),
            "answer_form": referral_forms.AnswerForm() if may_answer else None,
            "person_link": request.session.pop(f"person-link-{referral.pk}", None),
            "breadcrumb": _crumbs((f"N° {referral.pk}", None)),
        },
    )


def answer(referral: Referral, form: referral_forms.AnswerForm, actor: services.Actor) -> None:
    """Accept or refuse, from the back-office or the secure link."""
    data = form.cleaned_data
    if data["decision"] == "accept":
        services.referral_accept(referral=referral, actor=actor, message=data["message"])
    else:
        services.referral_refuse(
            referral=referral,
            actor=actor,
            reason=data["reason"],
            shown_to_person=data["shown_to_person"],
            message=data["message"],
        )


@require_POST
@staff_required
def referral_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = get_object_or_404(Referral.objects.received_by(user), pk=pk)
    form = referral_forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Réponse incomplète : " + " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect("backoffice:referral", pk=pk)
    try:
        answer(referral, form, services.Actor.of(user))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Réponse envoyée : le conseiller et la personne sont prévenus.")
    return redirect("backoffice:referral", pk=pk)


@recent_second_factor_required
def referral_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    user = _user(request)
    referral = get_object_or_404(Referral.objects.visible_to(user), pk=pk)
    attachment = get_object_or_404(referral.attachments, pk=attachment_pk)
    services.referral_read(referral=referral, actor=services.Actor.of(user))
    return FileResponse(attachment.document.open("rb"), as_attachment=True, filename=attachment.name)


@staff_required
def offer_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    offers = (
        ServiceOffer.objects.editable_by(user)
        .select_related("organisation", "place")
        .order_by("organisation__name", "name")
    )
    outcomes = selectors.offer_outcomes([offer.pk for offer in offers])
    return render(
        request,
        "www/backoffice/offer_list.html",
        {
            "title": "Vos services",
            "offers": [(offer, outcomes.get(offer.pk)) for offer in offers],
            "breadcrumb": [{"title": "Gestion", "url": reverse("backoffice:home")}, {"title": "Vos services"}],
        },
    )


@staff_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    offer = get_object_or_404(ServiceOffer.objects.editable_by(user).select_related("organisation", "place"), pk=pk)
    form = referral_forms.OfferForm(request.POST or None, offer=offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(offer=offer, by_user=user, fields=form.offer_fields())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Service mis à jour.")
            return redirect("backoffice:offers")
    return render(
        request,
        "www/backoffice/offer_edit.html",
        {
            "title": f"Service : {offer.name}",
            "offer": offer,
            "form": form,
            "breadcrumb": [
                {"title": "Gestion", "url": reverse("backoffice:home")},
                {"title": "Vos services", "url": reverse("backoffice:offers")},
                {"title": offer.name},
            ],
        },
    )


@require_POST
@staff_required
def offer_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(ServiceOffer.objects.editable_by(_user(request)), pk=pk)
    services.offer_confirm(offer=offer, by_user=_user(request))
    messages.success(request, f"« {offer.name} » confirmé à jour.")
    return redirect("backoffice:offers")
