"""Reads on the directory."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from orientation.directory.models import Place, ServiceOffer
from orientation.ingestion.models import RecordProvenance, Source


@dataclass
class PlaceDetail:
    """A real place as the portal shows it: the canonical record, with what the copies
    other providers sent add to it."""

    place: Place
    #: the keys of the copies of this place sent by other providers
    duplicate_ids: list[int]
    #: the offers of the place and of its copies
    offers: list[ServiceOffer]
    #: the sources that sent this place
    sources: list[Source]


def canonical_place_id(pk: int) -> int | None:
    """The place to show for ``pk``: itself, or the place it duplicates; None if unknown."""
    row = Place.objects.filter(pk=pk).values_list("pk", "duplicate_of_id").first()
    if row is None:
        return None
    return row[1] or row[0]


def place_detail(pk: int) -> PlaceDetail | None:
    """The detail of a canonical place (None for an unknown place or a duplicate)."""
    place = (
        Place.objects.canonical().select_related("organisation", "commune", "commune__department").filter(pk=pk).first()
    )
    if place is None:
        return None
    duplicate_ids = list(place.duplicates.order_by("pk").values_list("pk", flat=True))
    offers = list(ServiceOffer.objects.filter(place_id__in=[place.pk, *duplicate_ids]).order_by("level", "name", "pk"))
    # The same offer sent by two providers is shown once.
    unique: dict[tuple[str, str], ServiceOffer] = {}
    for offer in offers:
        unique.setdefault((offer.name.casefold(), offer.type), offer)
    source_ids = RecordProvenance.objects.filter(
        content_type=ContentType.objects.get_for_model(Place), object_id__in=[place.pk, *duplicate_ids]
    ).values_list("source_id", flat=True)
    sources = list(Source.objects.filter(pk__in=source_ids).order_by("label", "name"))
    return PlaceDetail(place=place, duplicate_ids=duplicate_ids, offers=list(unique.values()), sources=sources)
