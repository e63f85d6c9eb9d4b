"""The person's own space at /mon-espace/: signing in by an e-mailed link (or OpenID Connect,
``person_oidc``), the passport orientation-formation by section, documents, proposals of
advisers, shares and who read them, what was saved, followed searches, referrals, and the
person's data: seen, exported and erased in one place.

Every page here is private (never cached, never indexed); every write is a POST to a service;
a person reaches only their own rows (their queryset), anything else is a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from orientation.accounts.models import User
from orientation.directory.models import Organisation
from orientation.interests import answers_code
from orientation.interests.questionnaire import questionnaire
from orientation.interests.scoring import profile
from orientation.persons import oidc, selectors, services
from orientation.persons.backends import PersonLinkBackend
from orientation.persons.documents import passport_document
from orientation.persons.models import Entry, EntryAttachment, SavedKind, SavedSearch, Section, Share
from orientation.persons.pdf import passport_pdf
from orientation.persons.rules import SECTION_HINTS, WITH_DOCUMENTS
from orientation.referrals import services as referral_services
from orientation.referrals.models import PERSONAL_FIELDS, Referral
from orientation.search.query import Kind
from orientation.search.selectors import locate
from orientation.trainings.models import Action
from orientation.utils.http import address_digest, client_address
from orientation.www import person_forms
from orientation.www.referral_views import private
from orientation.www.search_views import FACETS, HIDDEN_FILTERS

ViewFunction = Callable[..., HttpResponseBase]


def _crumbs(*links: tuple[str, str | None]) -> list[dict[str, str | None]]:
    return [
        {"title": "Accueil", "url": reverse("www:home")},
        {"title": "Mon espace", "url": reverse("www:person_space") if links else None},
        *({"title": title, "url": url} for title, url in links),
    ]


def _is_person(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and getattr(request.user, "is_person", False))


def person_required(view: ViewFunction) -> ViewFunction:
    """Signed in to one's own space; else to the space's sign-in, and back here after."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _is_person(request):
            target = request.get_full_path() if request.method == "GET" else request.POST.get("suite", "")
            suffix = f"?suite={quote(target)}" if _safe_next(request, target) else ""
            return redirect(reverse("www:person_space") + suffix)
        return view(request, *args, **kwargs)

    return private(wrapped)


def _person(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _safe_next(request: HttpRequest, target: str) -> bool:
    return (
        bool(target)
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False)
        and (target.startswith("/"))
    )


def _form_errors(form: Any, error: ValidationError) -> None:
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# -- signing in ---------------------------------------------------------------------------


@private
def space(request: HttpRequest) -> HttpResponse:
    """The space's front door: what it is and the sign-in for a visitor; the summary for a person."""
    next_url = request.GET.get("suite", "")
    if not _is_person(request):
        return render(
            request,
            "www/persons/sign_in.html",
            {
                "title": "Mon espace",
                "form": person_forms.SignInForm(),
                "next": next_url if _safe_next(request, next_url) else "",
                "oidc": oidc.oidc_enabled(),
                "oidc_name": settings.OIDC_PROVIDER_NAME,
                "staff": request.user.is_authenticated,
                "breadcrumb": _crumbs(),
            },
        )
    person = _person(request)
    counts = Entry.objects.filter(person=person).aggregate(
        passport=Count("pk", filter=Q(state=Entry.State.ACCEPTED)),
        proposed=Count("pk", filter=Q(state=Entry.State.PROPOSED)),
    )
    return render(
        request,
        "www/persons/space.html",
        {
            "title": "Mon espace",
            "person": person,
            "counts": counts,
            "saved": selectors.saved_items_of(person).count(),
            "searches": selectors.saved_searches_of(person).count(),
            "shares": Share.objects.filter(person=person).active().count(),
            "referrals": selectors.referrals_of(person).count(),
            "breadcrumb": _crumbs(),
        },
    )


@private
@require_POST
def sign_in(request: HttpRequest) -> HttpResponse:
    form = person_forms.SignInForm(request.POST)
    next_url = request.POST.get("suite", "")
    next_url = next_url if _safe_next(request, next_url) else ""
    context = {
        "title": "Mon espace",
        "form": form,
        "next": next_url,
        "oidc": oidc.oidc_enabled(),
        "oidc_name": settings.OIDC_PROVIDER_NAME,
        "breadcrumb": _crumbs(),
    }
    if not form.is_valid():
        return render(request, "www/persons/sign_in.html", context, status=422)
    client = address_digest(client_address(request)) or "inconnu"
    try:
        services.sign_in_link_request(email=form.cleaned_data["email"], client=client, next_url=next_url)
    except ValidationError as error:
        _form_errors(form, error)
        return render(request, "www/persons/sign_in.html", context, status=422)
    except services.TooManyLinks:
        form.add_error(
            "email", "Trop de liens demandés pour cette adresse ou depuis votre connexion : réessayez dans une heure."
        )
        return render(request, "www/persons/sign_in.html", context, status=429)
    except services.LinksUnavailable:
        form.add_error(None, "L’envoi des liens est momentanément indisponible : réessayez dans quelques minutes.")
        return render(request, "www/persons/sign_in.html", context, status=503)
    return render(
        request,
        "www/persons/link_sent.html",
        {"title": "Vérifiez votre messagerie", "minutes": settings.PERSON_LINK_MINUTES, "breadcrumb": _crumbs()},
    )


def _signed_in(request: HttpRequest, person: User, next_url: str) -> HttpResponse:
    login(request, person, backend="orientation.persons.backends.PersonLinkBackend")
    request.session.set_expiry(settings.PERSON_SESSION_DAYS * 86400)
    joined = services.person_signed_in(person=person)
    if joined:
        messages.info(
            request, f"{joined} demande(s) d’accompagnement faite(s) avec votre accord rejoigne(nt) votre espace."
        )
    return redirect(next_url if _safe_next(request, next_url) else reverse("www:person_space"))


@private
def link(request: HttpRequest) -> HttpResponse:
    """The e-mailed link: the page asks for one click before the link is used, so that a mail
    scanner that opens every link does not spend it."""
    token = (request.POST if request.method == "POST" else request.GET).get(settings.SESAME_TOKEN_NAME, "")
    next_url = (request.POST if request.method == "POST" else request.GET).get("suite", "")
    if request.method != "POST":
        return render(
            request,
            "www/persons/link_confirm.html",
            {"title": "Ouvrir mon espace", "token": token, "next": next_url, "breadcrumb": _crumbs()},
        )
    # The link's own backend, not django.contrib.auth.authenticate: a link is a signed token nobody
    # can guess, and a stale one clicked again must not count as a failed password (django-axes
    # would then lock every person behind the same address, a library's or a school's).
    person = PersonLinkBackend().authenticate(request, sesame=token) if token else None
    if person is None:
        return render(
            request,
            "www/persons/link_invalid.html",
            {"title": "Lien invalide ou déjà utilisé", "breadcrumb": _crumbs()},
            status=410,
        )
    return _signed_in(request, person, next_url)


#: where the person goes after the provider's sign-in (kept in the session meanwhile)
OIDC_NEXT = "persons_oidc_next"


@private
def oidc_start(request: HttpRequest) -> HttpResponse:
    """To the OpenID provider (FranceConnect): its page signs the person in, then sends them back."""
    if not oidc.oidc_enabled():
        raise Http404("Connexion OpenID Connect non configurée")
    next_url = request.GET.get("suite", "")
    request.session[OIDC_NEXT] = next_url if _safe_next(request, next_url) else ""
    try:
        return oidc.authorize_redirect(request, request.build_absolute_uri(reverse("www:person_oidc_callback")))
    except oidc.ProviderError:
        return _oidc_failed(request, 502)


def _oidc_failed(request: HttpRequest, status: int) -> HttpResponse:
    return render(
        request,
        "www/persons/oidc_failed.html",
        {"title": "La connexion n’a pas abouti", "oidc_name": settings.OIDC_PROVIDER_NAME, "breadcrumb": _crumbs()},
        status=status,
    )


@private
def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not oidc.oidc_enabled():
        raise Http404("Connexion OpenID Connect non configurée")
    try:
        claims = oidc.callback_claims(request)
        person = services.person_from_identity(issuer=settings.OIDC_ISSUER, claims=claims)
    except oidc.OAuthError:
        return _oidc_failed(request, 400)  # refused at the provider, or a state that is not ours
    except (oidc.ProviderError, ValidationError):
        return _oidc_failed(request, 502)
    return _signed_in(request, person, request.session.pop(OIDC_NEXT, ""))


@private
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "Vous êtes déconnecté(e) de votre espace.")
    return redirect("www:person_space")


# -- the passport -------------------------------------------------------------------------


@person_required
def passport(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    return render(
        request,
        "www/persons/passport.html",
        {
            "title": "Mon passeport orientation-formation",
            "sections": selectors.passport_sections(person),
            "proposals": list(selectors.proposals_for(person)),
            "with_documents": [str(section) for section in WITH_DOCUMENTS],
            "breadcrumb": _crumbs(("Mon passeport", None)),
        },
    )


def _entry_page(
    request: HttpRequest, form: person_forms.EntryForm, section: str, entry: Entry | None, status: int = 200
) -> HttpResponse:
    label = str(Section(section).label)
    return render(
        request,
        "www/persons/entry_form.html",
        {
            "title": f"{'Modifier' if entry else 'Ajouter'} : {label}",
            "form": form,
            "section": section,
            "section_label": label,
            "hint": SECTION_HINTS[section],
            "entry": entry,
            "document_form": person_forms.DocumentForm() if entry and section in WITH_DOCUMENTS else None,
            "can_attach": section in WITH_DOCUMENTS,
            "breadcrumb": _crumbs(("Mon passeport", reverse("www:person_passport")), (label, None)),
        },
        status=status,
    )


@person_required
def entry_new(request: HttpRequest, section: str) -> HttpResponse:
    if section not in Section.values or section == Section.INTERESTS:
        raise Http404("Rubrique inconnue")
    form = person_forms.EntryForm(section, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_save(person=_person(request), section=section, values=form.values())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"« {entry.title} » est dans votre passeport.")
            if section in WITH_DOCUMENTS and request.POST.get("then") == "documents":
                return redirect("www:person_entry", pk=entry.pk)
            return redirect(reverse("www:person_passport") + f"#{section}")
    return _entry_page(request, form, section, None, status=422 if form.errors else 200)


@person_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    entry = get_object_or_404(Entry.objects.of(person).prefetch_related("skills", "attachments"), pk=pk)
    if entry.section == Section.INTERESTS:
        return redirect(reverse("www:person_passport") + "#interets")
    form = person_forms.EntryForm(
        entry.section, request.POST if request.method == "POST" else None, initial=person_forms.entry_initial(entry)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_save(person=person, section=entry.section, values=form.values(), entry=entry)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"« {form.values().title or entry.title} » est modifiée.")
            return redirect(reverse("www:person_passport") + f"#{entry.section}")
    return _entry_page(request, form, entry.section, entry, status=422 if form.errors else 200)


@person_required
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    entry = Entry.objects.filter(person=person, pk=pk).first()
    if entry is None:  # removed already (the form sent twice, or back and again)
        messages.info(request, "Cette ligne n’est plus dans votre passeport.")
        return redirect("www:person_passport")
    services.entry_delete(person=person, entry=entry)
    messages.success(request, f"« {entry.title} » est retirée de votre passeport.")
    return redirect(reverse("www:person_passport") + f"#{entry.section}")


@person_required
@require_POST
def entry_attach(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    entry = get_object_or_404(Entry.objects.of(person), pk=pk)
    form = person_forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            services.entry_attach(person=person, entry=entry, name=upload.name, content=upload, size=upload.size)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Document « {upload.name} » ajouté.")
    else:
        messages.error(request, "Choisissez un fichier PDF, JPEG ou PNG de 5 Mo au plus.")
    return redirect("www:person_entry", pk=entry.pk)


@person_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(EntryAttachment.objects.filter(entry__person=_person(request)), pk=pk)
    return _file_response(document)


def _file_response(document: EntryAttachment) -> FileResponse:
    response = FileResponse(document.document.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@person_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    document = EntryAttachment.objects.filter(entry__person=person, pk=pk).select_related("entry").first()
    if document is None:
        return redirect("www:person_passport")
    services.attachment_delete(person=person, attachment=document)
    messages.success(request, f"Document « {document.name} » retiré.")
    return redirect("www:person_entry", pk=document.entry_id)


@person_required
@require_POST
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    entry = get_object_or_404(Entry.objects.filter(person=person, proposed_by_organisation__isnull=False), pk=pk)
    accept = request.POST.get("answer") == "accept"
    entry = services.proposal_answer(person=person, entry=entry, accept=accept)
    if entry.state == Entry.State.ACCEPTED:
        messages.success(request, f"« {entry.title} » est dans votre passeport.")
    else:
        messages.info(request, f"Proposition « {entry.title} » refusée.")
    return redirect(reverse("www:person_passport") + "#propositions")


@person_required
@require_POST
def training_followed(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.select_related("formation__provider", "provider"), pk=pk)
    try:
        entry = services.training_followed(person=_person(request), action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("www:training", pk=pk)
    messages.success(
        request, "La formation est dans votre passeport : précisez ses dates et ce que vous y avez appris."
    )
    return redirect("www:person_entry", pk=entry.pk)


@person_required
@require_POST
def interests_keep(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("r", "")
    answers = answers_code.decode(code)
    if len(answers) < len(questionnaire().items):
        messages.error(request, "Ce profil est incomplet : répondez d’abord à tout le questionnaire.")
        return redirect("www:interests")
    result = profile(answers)
    services.interests_keep(person=_person(request), code=result.code, scores=result.scores, answers=code)
    messages.success(request, "Votre profil d’intérêts est gardé dans votre passeport.")
    return redirect(reverse("www:person_passport") + "#interets")


@person_required
def export_json(request: HttpRequest) -> HttpResponse:
    body = json.dumps(passport_document(_person(request)), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="passeport-orientation-formation.json"'
    return response


@person_required
def export_pdf(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(passport_pdf(_person(request)), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="passeport-orientation-formation.pdf"'
    return response


#: an imported passport file is small: 200 entries of a few hundred characters each
IMPORT_MAX_BYTES = 2 * 1024 * 1024


@person_required
def import_passport(request: HttpRequest) -> HttpResponse:
    form = person_forms.ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        document: Any = None
        if upload.size > IMPORT_MAX_BYTES:
            problems = [f"Le fichier dépasse {IMPORT_MAX_BYTES // (1024 * 1024)} Mo."]
        else:
            try:
                document = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                problems = [f"Ce fichier n’est pas un document JSON lisible ({error})."]
        if not problems:
            try:
                count = services.passport_import(
                    person=_person(request), document=document, replace=form.cleaned_data["replace"]
                )
            except services.DocumentRefused as refused:
                problems = [str(problem) for problem in refused.problems]
            else:
                messages.success(request, f"{count} ligne(s) importée(s) dans votre passeport.")
                return redirect("www:person_passport")
    return render(
        request,
        "www/persons/import.html",
        {
            "title": "Importer un passeport",
            "form": form,
            "problems": problems,
            "breadcrumb": _crumbs(("Mon passeport", reverse("www:person_passport")), ("Importer", None)),
        },
        status=422 if problems else 200,
    )


# -- sharing ------------------------------------------------------------------------------


@person_required
def shares(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = person_forms.ShareForm(request.POST if request.method == "POST" else None)
    candidates: list[Organisation] = []
    if request.method == "POST" and form.is_valid():
        chosen = request.POST.get("organisation_id", "")
        found = selectors.sharing_organisations(form.cleaned_data["organisation"])
        if chosen.isdigit():
            found = [organisation for organisation in found if organisation.pk == int(chosen)]
        if not found:
            form.add_error("organisation", "Aucune organisation de ce nom n’a de conseiller sur la plateforme.")
        elif len(found) > 1:
            candidates = found
            form.add_error("organisation", "Plusieurs organisations portent ce nom : choisissez la vôtre ci-dessous.")
        else:
            try:
                share, created = services.share_create(
                    person=person,
                    organisation=found[0],
                    sections=form.cleaned_data["sections"],
                    months=form.cleaned_data["months"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                until = f"{share.expires_at:%d/%m/%Y}"
                messages.success(
                    request,
                    f"Votre passeport est partagé avec {share.organisation.name} jusqu’au {until}."
                    if created
                    else f"Votre partage avec {share.organisation.name} est mis à jour : les rubriques choisies, "
                    f"jusqu’au {until}.",
                )
                return redirect("www:person_shares")
    return render(
        request,
        "www/persons/shares.html",
        {
            "title": "Partager mon passeport",
            "form": form,
            "candidates": candidates,
            "shares": list(selectors.shares_of(person)),
            "breadcrumb": _crumbs(("Partages", None)),
        },
        status=422 if form.errors else 200,
    )


@person_required
@require_POST
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    share = get_object_or_404(Share.objects.filter(person=person).select_related("organisation"), pk=pk)
    already = share.revoked_at is not None
    services.share_revoke(person=person, share=share)
    if already:
        messages.info(request, "Ce partage était déjà retiré.")
    else:
        messages.success(
            request, f"Le partage avec {share.organisation.name} est retiré : il ne lit plus votre passeport."
        )
    return redirect("www:person_shares")


# -- saved things and searches ------------------------------------------------------------


@person_required
def saved(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    items = list(selectors.saved_items_of(person))
    urls = {
        SavedKind.OCCUPATION: "www:occupation",
        SavedKind.TRAINING: "www:training",
        SavedKind.STUDY: "www:study",
        SavedKind.PLACE: "www:place",
        SavedKind.OFFER: "www:offer",
    }
    groups = [
        (label, [(item, reverse(urls[SavedKind(kind)], args=[item.key])) for item in items if item.kind == kind])
        for kind, label in SavedKind.choices
    ]
    return render(
        request,
        "www/persons/saved.html",
        {
            "title": "Ce que j’ai enregistré",
            "groups": [(label, rows) for label, rows in groups if rows],
            "searches": list(selectors.saved_searches_of(person)),
            "breadcrumb": _crumbs(("Enregistrements", None)),
        },
    )


@person_required
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    kind, key = request.POST.get("kind", ""), request.POST.get("key", "")
    next_url = request.POST.get("suite", "")
    try:
        if request.POST.get("remove"):
            services.saved_item_remove(person=person, kind=kind, key=key)
            messages.info(request, "Retiré de votre espace.")
        else:
            item = services.saved_item_add(person=person, kind=kind, key=key)
            messages.success(request, f"« {item.title} » est enregistré dans votre espace.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(next_url if _safe_next(request, next_url) else reverse("www:person_saved"))


@person_required
@require_POST
def search_follow(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    where = request.POST.get("ou", "")[:100]
    location = locate(where) if where else None
    next_url = request.POST.get("suite", "")
    back = next_url if _safe_next(request, next_url) else reverse("www:person_saved")
    if location is None:
        messages.error(request, "Pour suivre une recherche, indiquez une commune ou un code postal.")
        return redirect(back)
    try:
        radius = int(request.POST.get("rayon", "30"))
    except ValueError:
        radius = 30
    accepted = [name for name, _label in FACETS[Kind.TRAINING]] + HIDDEN_FILTERS[Kind.TRAINING]
    filters = {name: request.POST[name][:60] for name in accepted if request.POST.get(name, "").strip()}
    try:
        saved_search = services.saved_search_add(
            person=person,
            text=request.POST.get("q", "")[:200],
            location=location,
            where=location.label,
            radius_km=radius,
            filters=filters,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(
        request, f"Recherche suivie : vous recevrez un courriel quand une formation ouvre ({saved_search})."
    )
    return redirect(back)


@person_required
@require_POST
def search_remove(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    saved_search = SavedSearch.objects.filter(person=person, pk=pk).first()
    if saved_search is not None:
        services.saved_search_remove(person=person, saved=saved_search)
        messages.info(request, "Vous ne suivez plus cette recherche.")
    return redirect("www:person_saved")


@private
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The alert's one-click unsubscribe: no sign-in needed, the signed link says which search."""
    saved_search = services.saved_search_unsubscribe(token=token)
    if saved_search is None:
        return render(request, "www/persons/link_invalid.html", {"title": "Lien invalide"}, status=404)
    return render(
        request,
        "www/persons/unsubscribed.html",
        {"title": "Alerte arrêtée", "saved": saved_search, "breadcrumb": _crumbs(("Alerte arrêtée", None))},
    )


# -- referrals and the person's data ------------------------------------------------------


@person_required
def referrals(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    return render(
        request,
        "www/persons/referrals.html",
        {
            "title": "Mes demandes d’accompagnement",
            "referrals": [
                (referral, [str(PERSONAL_FIELDS[name]) for name in referral.shared_fields])
                for referral in selectors.referrals_of(person)
            ],
            "breadcrumb": _crumbs(("Mes demandes", None)),
        },
    )


@person_required
@require_POST
def referral_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    referral = get_object_or_404(Referral.objects.filter(person=person), pk=pk)
    if not request.POST.get("confirm"):
        return render(
            request,
            "www/persons/referral_erase_confirm.html",
            {
                "title": "Retirer ou effacer ma demande ?",
                "referral": referral,
                "breadcrumb": _crumbs(("Mes demandes", reverse("www:person_referrals"))),
            },
        )
    referral_services.referral_erase_for_person(referral=referral, person=person)
    messages.success(request, "C’est fait : vos données personnelles sont effacées de cette demande.")
    return redirect("www:person_referrals")


@person_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything the platform holds about the person, in one place: seen, exported, erased."""
    person = _person(request)
    form = person_forms.EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.person_erase(person=person)
        logout(request)
        return render(request, "www/persons/erased.html", {"title": "Votre espace est effacé"})
    return render(
        request,
        "www/persons/my_data.html",
        {
            "title": "Mes données",
            "person": person,
            "form": form,
            "entries": Entry.objects.filter(person=person).count(),
            "documents": EntryAttachment.objects.filter(entry__person=person).count(),
            "shares": Share.objects.filter(person=person).count(),
            "readings": sum(share.readings.count() for share in Share.objects.filter(person=person)),
            "saved": selectors.saved_items_of(person).count(),
            "searches": selectors.saved_searches_of(person).count(),
            "referrals": selectors.referrals_of(person).count(),
            "identities": list(person.identities.all()),
            "breadcrumb": _crumbs(("Mes données", None)),
        },
        status=422 if form.errors else 200,
    )


# -- suggestions as one types (JSON, for the forms' datalists) -----------------------------


@person_required
@require_GET
def suggestions(request: HttpRequest, kind: str) -> JsonResponse:
    text = request.GET.get("q", "")
    if kind == "competences":
        values = [{"value": label, "label": label} for label in selectors.skill_suggestions(text)]
    elif kind == "etudes":
        values = [{"value": title, "label": identifier} for identifier, title in selectors.study_suggestions(text)]
    elif kind == "metiers":
        values = [{"value": value, "label": code} for value, code in selectors.occupation_suggestions(text)]
    elif kind == "organisations":
        values = [
            {"value": organisation.name, "label": organisation.name}
            for organisation in selectors.sharing_organisations(text)
        ]
    else:
        raise Http404("Suggestions inconnues")
    return JsonResponse(values, safe=False)
