"""What the person keeps: occupations, trainings, studies, places and services saved from their
pages, and searches of trainings they follow, with an e-mail when a new matching training
opens near them (unsubscribed in one click)."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import User
from orientation.directory.models import Place, ServiceOffer
from orientation.occupations.models import RomeFiche
from orientation.persons import notifications
from orientation.persons.models import SavedItem, SavedKind, SavedSearch
from orientation.persons.services.passport import _require_person
from orientation.search.query import Kind, SearchQuery, Sort
from orientation.search.selectors import Location, search
from orientation.studies.models import Study
from orientation.trainings.models import Action
from orientation.utils.mail import send_after_commit

SAVED_MAX = 500
SEARCHES_MAX = 20
#: the new trainings an alert names at most (the link shows them all)
ALERT_SHOWN = 10
#: the trainings a followed search remembers, to mail only what is new
KNOWN_MAX = 2000
RADII = (10, 30, 50, 100)
UNSUBSCRIBE_SALT = "persons.saved-search.unsubscribe"


def _title(kind: str, key: str) -> str | None:
    """The title of what is saved, or None when it does not exist (or is closed)."""
    if kind == SavedKind.OCCUPATION:
        return RomeFiche.objects.filter(code=key.upper()).values_list("title", flat=True).first()
    if not key.isdigit() and kind != SavedKind.STUDY:
        return None
    if kind == SavedKind.TRAINING:
        action = Action.objects.open().filter(pk=int(key)).select_related("formation").first()
        return f"{action.formation.title} — {action.city}" if action else None
    if kind == SavedKind.STUDY:
        return Study.objects.open().filter(identifier=key).values_list("title", flat=True).first()
    if kind == SavedKind.PLACE:
        return Place.objects.filter(pk=int(key)).values_list("name", flat=True).first()
    if kind == SavedKind.OFFER:
        return ServiceOffer.objects.filter(pk=int(key)).values_list("name", flat=True).first()
    return None


@transaction.atomic
def saved_item_add(*, person: User, kind: str, key: str) -> SavedItem:
    """Keep something in the person's space (saving it twice keeps it once)."""
    _require_person(person)
    if kind not in SavedKind.values:
        raise ValidationError({"kind": f"Nature inconnue : {kind!r}."})
    key = key.strip()[:20]
    if kind == SavedKind.OCCUPATION:
        key = key.upper()
    title = _title(kind, key)
    if title is None:
        raise ValidationError({"key": "Cet élément n’existe pas ou n’est plus proposé."})
    existing = SavedItem.objects.filter(person=person, kind=kind, key=key).first()
    if existing is not None:
        return existing
    if SavedItem.objects.filter(person=person).count() >= SAVED_MAX:
        raise ValidationError({"key": f"{SAVED_MAX} éléments enregistrés au plus : retirez-en d’abord."})
    return SavedItem.objects.create(person=person, kind=kind, key=key, title=title[:500])


@transaction.atomic
def saved_item_remove(*, person: User, kind: str, key: str) -> None:
    _require_person(person)
    SavedItem.objects.filter(person=person, kind=kind, key=key).delete()


def _matching(saved: SavedSearch, *, limit: int = KNOWN_MAX) -> list[str]:
    """The open trainings the search finds today around the person's place, nearest first."""
    found = search(
        SearchQuery(
            text=saved.text,
            kind=Kind.TRAINING,
            filters=dict(saved.filters),
            latitude=saved.latitude,
            longitude=saved.longitude,
            radius_km=saved.radius_km,
            sort=Sort.DISTANCE,
            page_size=min(limit, 100),
            facets=(),
        )
    )
    return [hit.key for hit in found.hits]


@transaction.atomic
def saved_search_add(
    *, person: User, text: str, location: Location, where: str, radius_km: int, filters: dict[str, str]
) -> SavedSearch:
    """Follow a search of trainings around a place; what it finds today is known already, so
    the first alert names only what opens afterwards."""
    _require_person(person)
    errors: dict[str, str] = {}
    if len(text) > 200:
        errors["q"] = "Recherche : 200 caractères au plus."
    if radius_km not in RADII:
        errors["rayon"] = f"Rayon : {', '.join(map(str, RADII))} km."
    if SavedSearch.objects.filter(person=person).count() >= SEARCHES_MAX:
        errors["q"] = f"{SEARCHES_MAX} recherches suivies au plus : arrêtez-en une d’abord."
    if errors:
        raise ValidationError(errors)
    clean_filters = {name[:30]: value[:60] for name, value in filters.items() if value}
    same = SavedSearch.objects.filter(
        person=person, text=text.strip(), where=where[:100], radius_km=radius_km, filters=clean_filters
    ).first()
    if same is not None:
        if not same.alerts:
            same.alerts = True
            same.save(update_fields=["alerts"])
        return same
    saved = SavedSearch(
        person=person,
        text=text.strip(),
        where=where[:100],
        latitude=location.latitude,
        longitude=location.longitude,
        radius_km=radius_km,
        filters=clean_filters,
    )
    saved.known = _matching(saved)
    saved.checked_at = timezone.now()
    saved.save()
    return saved


@transaction.atomic
def saved_search_remove(*, person: User, saved: SavedSearch) -> None:
    _require_person(person)
    SavedSearch.objects.filter(pk=saved.pk, person=person).delete()


def unsubscribe_token(saved: SavedSearch) -> str:
    return signing.dumps({"s": saved.pk, "p": saved.person_id}, salt=UNSUBSCRIBE_SALT, compress=True)


@transaction.atomic
def saved_search_unsubscribe(*, token: str) -> SavedSearch | None:
    """The one-click unsubscribe of an alert's mail: no sign-in, the signed link says which."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    saved = SavedSearch.objects.filter(pk=payload.get("s"), person_id=payload.get("p")).first()
    if saved is not None and saved.alerts:
        saved.alerts = False
        saved.save(update_fields=["alerts"])
    return saved


def saved_search_check(saved: SavedSearch) -> list[str]:
    """Mail the person the trainings that opened since the last check; returns their ids."""
    if not saved.person.is_active or not saved.person.email:
        raise PermissionDenied("Aucune adresse où écrire.")
    found = _matching(saved)
    known = set(saved.known)
    new = [key for key in found if key not in known]
    with transaction.atomic():
        saved.known = (new + list(saved.known))[:KNOWN_MAX]
        saved.checked_at = timezone.now()
        fields = ["known", "checked_at"]
        if new and saved.alerts:
            actions = Action.objects.filter(pk__in=new[:ALERT_SHOWN]).select_related("formation")
            by_id = {str(action.pk): action for action in actions}
            shown = [by_id[key] for key in new[:ALERT_SHOWN] if key in by_id]
            send_after_commit([notifications.alert_mail(saved, shown, len(new), unsubscribe_token(saved))])
            saved.last_alert_at = timezone.now()
            fields.append("last_alert_at")
        saved.save(update_fields=fields)
    return new


def saved_searches_run_daily() -> dict[str, int]:
    """Every followed search with alerts on, checked once a day."""
    counts = {"searches": 0, "alerts": 0}
    rows = SavedSearch.objects.filter(alerts=True, person__is_active=True).exclude(person__email=None)
    for saved in rows.select_related("person").iterator(chunk_size=200):
        counts["searches"] += 1
        if saved_search_check(saved) and saved.alerts:
            counts["alerts"] += 1
    return counts
