"""Passports shared with the adviser's organisation, by the person's consent: the list, one
passport (only the sections shared, each reading written down and shown to the person), an entry
proposed to the person, the passport attached to an interview or a referral. Every share is
fetched through ``Share.objects.readable_by(user)``: revoked, expired or not ours is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orientation.accounts.models import User
from orientation.accounts.selectors import organisation_ids
from orientation.persons import selectors, services
from orientation.persons.models import Entry, EntryAttachment, Section, Share
from orientation.persons.pdf import passport_pdf
from orientation.persons.rules import SECTION_HINTS
from orientation.referrals.models import Interview, Referral
from orientation.www.backoffice.auth import staff_required
from orientation.www.person_forms import EntryForm
from orientation.www.person_views import _file_response


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, str]]:
    crumbs = [
        {"title": "Gestion", "url": reverse("backoffice:home")},
        {"title": "Passeports partagés", "url": reverse("backoffice:passports")},
    ]
    return crumbs + [{"title": title, **({"url": url} if url else {})} for title, url in items]


def _share(request: HttpRequest, pk: int) -> Share:
    share = selectors.readable_share(_user(request), pk)
    if share is None:
        raise Http404("Passeport non partagé avec votre organisation")
    return share


@staff_required
def passport_list(request: HttpRequest) -> HttpResponse:
    shares = (
        Share.objects.readable_by(_user(request))
        .select_related("person", "organisation", "referral__offer")
        .annotate(read_count=Count("readings"))
        .order_by("-created_at")
    )
    return render(
        request,
        "www/backoffice/passport_list.html",
        {
            "title": "Passeports partagés",
            "shares": shares[:300],
            "breadcrumb": [*_crumbs()[:-1], {"title": "Passeports partagés"}],
        },
    )


def _proposable(share: Share) -> list[tuple[str, str]]:
    return [(name, str(Section(name).label)) for name in share.sections if name != Section.INTERESTS]


@staff_required
def passport_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    share = _share(request, pk)
    services.share_read(share=share, reader=user)
    mine = organisation_ids(user)
    section = request.GET.get("proposer", "")
    form = EntryForm(section) if section in dict(_proposable(share)) else None
    return _detail_page(request, share, mine, form, section)


def _detail_page(
    request: HttpRequest, share: Share, mine: set[int], form: EntryForm | None, section: str, status: int = 200
) -> HttpResponse:
    person = share.person
    proposals = Entry.objects.filter(person=person, proposed_by_organisation_id__in=mine).order_by("-created_at")
    return render(
        request,
        "www/backoffice/passport_detail.html",
        {
            "title": f"Passeport de {person.get_full_name() or person.email or 'la personne'}",
            "share": share,
            "person": person,
            "sections": selectors.passport_sections(person, share.sections),
            "proposable": _proposable(share),
            "proposals": proposals[:50],
            "form": form,
            "section": section,
            "section_hint": SECTION_HINTS.get(section, ""),
            "section_label": dict(_proposable(share)).get(section, ""),
            "may_attach": share.organisation_id in mine,
            "interviews": Interview.objects.filter(organisation_id=share.organisation_id, person=person)[:20],
            "referrals": Referral.objects.filter(
                sender_organisation_id=share.organisation_id, person=person
            ).select_related("offer")[:20],
            "breadcrumb": _crumbs((person.get_full_name() or "Passeport", None)),
        },
        status=status,
    )


@staff_required
@require_POST
def passport_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    share = _share(request, pk)
    section = request.POST.get("section", "")
    if section not in dict(_proposable(share)):
        raise Http404("Rubrique non partagée")
    form = EntryForm(section, request.POST)
    if form.is_valid():
        try:
            entry = services.entry_propose(share=share, adviser=user, section=section, values=form.values())
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"« {entry.title} » est proposée à la personne, qui l’acceptera ou non.")
            return redirect("backoffice:passport", pk=share.pk)
    return _detail_page(request, share, organisation_ids(user), form, section, status=422)


@staff_required
def passport_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    share = _share(request, pk)
    services.share_read(share=share, reader=_user(request), what="passeport en PDF")
    response = HttpResponse(passport_pdf(share.person, share.sections), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="passeport-partage-{share.pk}.pdf"'
    return response


@staff_required
def passport_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    share = _share(request, pk)
    document = get_object_or_404(
        EntryAttachment.objects.filter(
            entry__person=share.person, entry__state=Entry.State.ACCEPTED, entry__section__in=share.sections
        ),
        pk=attachment_pk,
    )
    services.share_read(share=share, reader=_user(request), what=f"document « {document.name} »")
    return _file_response(document)


@staff_required
@require_POST
def passport_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the shared passport to an interview of ours, or, with the person's agreement, to a
    referral we sent (its service may then read it too, each reading shown to the person)."""
    user = _user(request)
    share = _share(request, pk)
    target = request.POST.get("target", "")
    kind, _, identifier = target.partition("-")
    try:
        if kind == "entretien" and identifier.isdigit():
            interview = get_object_or_404(Interview.objects.visible_to(user), pk=int(identifier), person=share.person)
            services.share_attach(share=share, adviser=user, interview=interview)
            messages.success(request, "Passeport joint à l’entretien.")
        elif kind == "orientation" and identifier.isdigit():
            if not request.POST.get("consent"):
                messages.error(request, "Cochez l’accord de la personne : le service destinataire lira son passeport.")
                return redirect("backoffice:passport", pk=share.pk)
            referral = get_object_or_404(Referral.objects.visible_to(user), pk=int(identifier), person=share.person)
            services.share_attach(share=share, adviser=user, referral=referral)
            messages.success(request, f"Passeport joint à l’orientation vers « {referral.offer.name} ».")
        else:
            messages.error(request, "Choisissez un entretien ou une orientation.")
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    return redirect("backoffice:passport", pk=share.pk)
