"""The phone platform's adviser console: today's callbacks, the interaction log, one-line
answers and documented answers within 72 hours, a referral opened from a call, and the
statistics with their charts. For the platform's advisers (permission « handle_callback »)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from dsfr.forms import DsfrBaseForm

from orientation.accounts.models import User
from orientation.contact import selectors, services
from orientation.contact.codelists import Channel, Need, Profile
from orientation.contact.models import Callback, Interaction
from orientation.www.backoffice.auth import ViewFunction, staff_required
from orientation.www.backoffice.charts import series_chart

_handle = permission_required("contact.handle_callback", raise_exception=True)


def advisers_only(view: ViewFunction) -> ViewFunction:
    return staff_required(_handle(view))


#: what a call's profile and need become in a first-level interview (the referral issue)
PUBLIC_OF_PROFILE = {
    Profile.PUPIL_OR_STUDENT: "etudiants", Profile.PARENT: "familles", Profile.YOUNG: "jeunes",
    Profile.JOB_SEEKER: "demandeurs-emploi", Profile.EMPLOYEE: "actifs", Profile.EMPLOYER: "tous-publics",
    Profile.OTHER: "tous-publics",
}  # fmt: skip
THEMES_OF_NEED = {
    Need.SCHOOLING: ["choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite"],
    Need.HIGHER_EDUCATION: ["se-former--trouver-sa-formation"],
    Need.TRAINING: ["se-former--trouver-sa-formation", "se-former--monter-son-dossier-de-formation"],
    Need.JOB_SEARCH: ["preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi"],
    Need.CAREER_CHANGE: ["choisir-un-metier--confirmer-son-choix-de-metier"],
    Need.YOUTH: ["choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite"],
    Need.OTHER: [],
}
AGE_OF_PROFILE = {Profile.PUPIL_OR_STUDENT: "16-25", Profile.YOUNG: "16-25"}
SITUATION_OF_PROFILE = {
    Profile.PUPIL_OR_STUDENT: "etudiant", Profile.YOUNG: "sans-emploi-ni-formation",
    Profile.JOB_SEEKER: "demandeur-emploi", Profile.EMPLOYEE: "salarie",
}  # fmt: skip


def referral_link(interaction: Interaction) -> str:
    """The first-level interview form, filled from what the caller said."""
    params: dict[str, Any] = {
        "public": PUBLIC_OF_PROFILE.get(Profile(interaction.profile), "tous-publics") if interaction.profile else "",
        "age_band": AGE_OF_PROFILE.get(interaction.profile, "26-44"),  # type: ignore[call-overload]
        "situation": SITUATION_OF_PROFILE.get(interaction.profile, "autre"),  # type: ignore[call-overload]
        "themes": THEMES_OF_NEED.get(Need(interaction.need), []) if interaction.need else [],
        "appel": interaction.pk,
    }
    return reverse("backoffice:interview_new") + "?" + urlencode(params, doseq=True)


class AnswerForm(DsfrBaseForm):
    answer = forms.CharField(label="Réponse donnée, en une ligne", max_length=300)
    documented = forms.BooleanField(label="Réponse documentée à envoyer sous 72 h", required=False)


class CallbackNoteForm(DsfrBaseForm):
    note = forms.CharField(label="Ce qui a été dit", max_length=300, required=False)


@advisers_only
def console(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    channel = request.GET.get("canal", "")
    log = Interaction.objects.visible_to(user).select_related("queue", "adviser")
    if channel in Channel.values:
        log = log.filter(channel=channel)
    callbacks = list(selectors.callbacks_of_the_day(today).visible_to(user))
    now = timezone.now()
    callbacks.sort(key=lambda callback: (callback.assigned_to_id != user.pk, callback.scheduled_for or now))
    return render(
        request,
        "www/backoffice/phone_console.html",
        {
            "title": "Console téléphonique",
            "callbacks": callbacks,
            "callbacks_ahead": list(selectors.callbacks_ahead(today).visible_to(user)),
            "tasks": selectors.open_tasks().visible_to(user)[:50],
            "log": [(interaction, referral_link(interaction)) for interaction in log[:100]],
            "channels": Channel.choices,
            "channel": channel,
            "now": now,
            "answer_form": AnswerForm(),
            "note_form": CallbackNoteForm(),
            "breadcrumb": [{"title": "Gestion", "url": reverse("backoffice:home")}, {"title": "Console téléphonique"}],
        },
    )


@require_POST
@advisers_only
def callback_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    callback = get_object_or_404(Callback.objects.visible_to(user), pk=pk)
    note = CallbackNoteForm(request.POST)
    text = note.cleaned_data["note"] if note.is_valid() else ""
    try:
        if action == "fait":
            services.callback_done(callback=callback, by_user=user, note=text)
            messages.success(request, "Rappel fait.")
        elif action == "sans-reponse":
            services.callback_no_answer(callback=callback, by_user=user)
            callback.refresh_from_db()
            messages.info(
                request,
                "Sans réponse : nouvel essai programmé."
                if callback.state == "scheduled"
                else "Trois essais sans réponse : rappel clos.",
            )
        elif action == "annuler":
            services.callback_cancel(callback=callback, by_user=user, note=text)
            messages.success(request, "Rappel annulé.")
        else:
            messages.error(request, "Action inconnue.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:phone")


@require_POST
@advisers_only
def interaction_answer(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = get_object_or_404(Interaction.objects.visible_to(request.user), pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        services.interaction_answer(
            interaction=interaction,
            by_user=request.user,  # type: ignore[arg-type]
            answer=form.cleaned_data["answer"],
            documented=form.cleaned_data["documented"],
        )
        messages.success(request, "Réponse enregistrée.")
    else:
        messages.error(request, "Écrivez la réponse donnée.")
    return redirect("backoffice:phone")


@require_POST
@advisers_only
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = get_object_or_404(Interaction.objects.visible_to(request.user), pk=pk)
    services.interaction_task_done(interaction=interaction, by_user=request.user)  # type: ignore[arg-type]
    messages.success(request, "Réponse documentée envoyée.")
    return redirect("backoffice:phone")


def statistics_context(days: int) -> dict[str, Any]:
    until = timezone.localdate()
    figures = selectors.interaction_statistics(since=until - timedelta(days=days - 1), until=until)
    return {
        "figures": figures,
        "days": days,
        "calls_chart": series_chart([(f"{day:%d/%m}", count) for day, count in figures.per_day]),
        "callbacks_chart": series_chart(
            [(f"{day:%d/%m}", count) for day, count in figures.callbacks_per_day], colour="#b34000"
        ),
    }


@advisers_only
def statistics(request: HttpRequest) -> HttpResponse:
    try:
        days = min(max(int(request.GET.get("jours", "30")), 1), 366)
    except ValueError:
        days = 30
    context = statistics_context(days)
    context.update(
        title="Statistiques de la plateforme téléphonique",
        breadcrumb=[
            {"title": "Gestion", "url": reverse("backoffice:home")},
            {"title": "Console téléphonique", "url": reverse("backoffice:phone")},
            {"title": "Statistiques"},
        ],
    )
    return render(request, "www/backoffice/phone_statistics.html", context)
