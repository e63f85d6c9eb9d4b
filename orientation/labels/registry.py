"""The public registry of labels in force as open data: JSON records and a CSV of sites.

One mechanism for the API (``GET /api/v1/labels``), the portal's download links and the
operators' command (``manage.py label_registry``).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.conf import settings
from django.urls import reverse

from orientation.labels import selectors
from orientation.territories.models import Region


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def registry_payload(today: date, region: Region | None = None) -> list[dict[str, Any]]:
    entries = selectors.registry(today, region=region)
    answer = []
    for entry in entries:
        application = entry.application
        grouping = application.grouping
        answer.append(
            {
                "id": entry.label.pk,
                "applicant": application.applicant_name,
                "applicant_kind": "grouping" if grouping else "organisation",
                "organisations": sorted(organisation.name for organisation in grouping.organisations.all())
                if grouping
                else [str(application.organisation)],
                "region": {"code": entry.label.region.code, "name": entry.label.region.name},
                "granted_on": entry.label.granted_on,
                "expires_on": entry.label.expires_on,
                "url": _absolute(reverse("www:label", args=[entry.label.pk])),
                "sites": [
                    {
                        "id": place.pk,
                        "name": place.name,
                        "organisation": place.organisation.name,
                        "address": place.address,
                        "postcode": place.postcode,
                        "city": place.city,
                        "commune_code": place.commune.code if place.commune else None,
                        "latitude": place.latitude,
                        "longitude": place.longitude,
                        "phone": place.phone,
                        "email": place.email,
                        "url": _absolute(reverse("www:place", args=[place.duplicate_of_id or place.pk])),
                    }
                    for place in entry.sites
                ],
            }
        )
    return answer


CSV_COLUMNS = [
    "label_id",
    "titulaire",
    "region_code",
    "region",
    "attribue_le",
    "expire_le",
    "site_id",
    "site",
    "organisation",
    "adresse",
    "code_postal",
    "ville",
    "code_insee",
    "latitude",
    "longitude",
    "telephone",
    "courriel",
    "page_label",
]


def registry_csv(payload: list[dict[str, Any]]) -> str:
    """The registry (as ``registry_payload`` gives it) as open data: one row per labelled site
    (UTF-8 with BOM, « ; »)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for label in payload:
        for site in label["sites"]:
            writer.writerow(
                [
                    label["id"],
                    label["applicant"],
                    label["region"]["code"],
                    label["region"]["name"],
                    label["granted_on"].isoformat(),
                    label["expires_on"].isoformat(),
                    site["id"],
                    site["name"],
                    site["organisation"],
                    site["address"],
                    site["postcode"],
                    site["city"],
                    site["commune_code"] or "",
                    site["latitude"] if site["latitude"] is not None else "",
                    site["longitude"] if site["longitude"] is not None else "",
                    site["phone"],
                    site["email"],
                    label["url"],
                ]
            )
    return "\ufeff" + buffer.getvalue()
