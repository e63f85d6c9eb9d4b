"""Writes on the directory."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType

from orientation.directory.models import Place
from orientation.ingestion.models import RecordProvenance
from orientation.territories.geo import bounding_box, distance_km
from orientation.utils.text import address_key, place_name_key

#: two places of the same name closer than this are the same place
SAME_PLACE_METRES = 50


def _sources_of(place_pks: Iterable[int]) -> dict[int, set[int]]:
    content_type = ContentType.objects.get_for_model(Place)
    sources: dict[int, set[int]] = {}
    for object_id, source_id in RecordProvenance.objects.filter(
        content_type=content_type, object_id__in=list(place_pks)
    ).values_list("object_id", "source_id"):
        sources.setdefault(object_id, set()).add(source_id)
    return sources


def _matches(place: Place) -> list[Place]:
    """Places that are the same as ``place``: same SIRET and address, or same name within 50 m."""
    found: dict[int, Place] = {}
    siret = place.organisation.siret
    if siret and place.address:
        key = address_key(place.address, place.postcode)
        for other in (
            Place.objects.filter(organisation__siret=siret).exclude(pk=place.pk).select_related("organisation")
        ):
            if address_key(other.address, other.postcode) == key:
                found[other.pk] = other
    if place.latitude is not None and place.longitude is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, SAME_PLACE_METRES / 1000)
        name = place_name_key(place.name)
        nearby = Place.objects.filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)).exclude(
            pk=place.pk
        )
        for other in nearby.select_related("organisation"):
            if other.latitude is None or other.longitude is None:
                continue
            if (
                place_name_key(other.name) == name
                and distance_km(place.latitude, place.longitude, other.latitude, other.longitude) * 1000
                <= SAME_PLACE_METRES
            ):
                found[other.pk] = other
    return list(found.values())


def places_link_duplicates(*, place_pks: Iterable[int]) -> int:
    """Link each given place with the places other providers sent for the same real place.

    A group of duplicates points to one canonical place, the oldest (lowest key); the
    portal shows only that one. Places of the same provider are never linked: two
    antennas of one network in one building are two records on purpose. Returns how
    many places were newly marked as duplicates.
    """
    pks = list(place_pks)
    if not pks:
        return 0
    # A changed place is judged again from scratch.
    Place.objects.filter(pk__in=pks).update(duplicate_of=None)
    linked = 0
    for start in range(0, len(pks), 500):
        batch = Place.objects.filter(pk__in=pks[start : start + 500]).select_related("organisation")
        for place in batch:
            matches = _matches(place)
            if not matches:
                continue
            sources = _sources_of([place.pk, *(other.pk for other in matches)])
            own = sources.get(place.pk, set())
            others = [other for other in matches if not (own and own & sources.get(other.pk, set()))]
            if not others:
                continue
            group = {place.pk, *(other.pk for other in others)}
            group |= {other.duplicate_of_id for other in others if other.duplicate_of_id}
            canonical = min(group)
            linked += (
                Place.objects.filter(pk__in=group - {canonical})
                .exclude(duplicate_of=canonical)
                .update(duplicate_of=canonical)
            )
            Place.objects.filter(duplicate_of__in=group - {canonical}).update(duplicate_of=canonical)
    return linked
