"""schema.org descriptions (JSON-LD) of the portal's pages, so search engines can show them."""

from __future__ import annotations

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

CONTEXT = "https://schema.org"


def to_script(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> element; characters that could end it are escaped."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def _address(street: str, postcode: str, city: str) -> dict[str, Any]:
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "postalCode": postcode,
        "addressLocality": city,
        "addressCountry": "FR",
    }


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def occupation(fiche: Any, url: str) -> dict[str, Any]:
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "Occupation",
            "name": fiche.title,
            "description": fiche.definition,
            "occupationalCategory": f"ROME {fiche.code}",
            "url": url,
        }
    )


def training(action: Any, url: str) -> dict[str, Any]:
    formation = action.formation
    provider = action.provider or formation.provider
    city = action.commune.name if action.commune else action.city
    location = _clean(
        {
            "@type": "Place",
            "name": action.place_name or city,
            "address": _address(action.address, action.postcode, city),
        }
    )
    instances = [
        _clean(
            {
                "@type": "CourseInstance",
                "courseMode": "blended" if action.teaching_mode == "2" else "onsite",
                "startDate": session.start_date,
                "endDate": session.end_date,
                "location": location,
            }
        )
        for session in action.sessions.all()
    ] or [_clean({"@type": "CourseInstance", "courseMode": "onsite", "location": location})]
    data = {
        "@context": CONTEXT,
        "@type": "Course",
        "name": formation.title,
        "description": formation.objective or formation.title,
        "provider": _clean({"@type": "Organization", "name": provider.name if provider else ""}),
        "educationalCredentialAwarded": ", ".join(f"RNCP {code}" for code in formation.rncp_codes),
        "hasCourseInstance": instances,
        "url": url,
    }
    if action.price is not None:
        data["offers"] = {"@type": "Offer", "price": str(action.price), "priceCurrency": "EUR", "category": "Paid"}
    return _clean(data)


def place(item: Any, url: str) -> dict[str, Any]:
    city = item.commune.name if item.commune else item.city
    geo = (
        {"@type": "GeoCoordinates", "latitude": item.latitude, "longitude": item.longitude}
        if item.latitude is not None and item.longitude is not None
        else None
    )
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    hours = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": days[day],
            "opens": f"{slot.opens:%H:%M}",
            "closes": f"{slot.closes:%H:%M}",
        }
        for day, slots in sorted(item.hours.weekly.items())
        for slot in slots
    ]
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "GovernmentOffice" if item.organisation.typology in {"CIO", "FT", "ML", "PIJ_BIJ"} else "Place",
            "name": item.name,
            "address": _address(item.address, item.postcode, city),
            "geo": geo,
            "telephone": item.phone,
            "email": item.email,
            "openingHoursSpecification": hours,
            "url": url,
        }
    )
