"""The person's space on the catalogue's pages: « Enregistrer » (or « Enregistré ») beside an
occupation, a training, a study, a place or a service."""

from __future__ import annotations

from typing import Any

from django import template

from orientation.persons.models import SavedItem

register = template.Library()


@register.inclusion_tag("www/persons/_save_button.html", takes_context=True)
def save_button(context: dict[str, Any], kind: str, key: object) -> dict[str, Any]:
    """One query for a signed-in person (is it saved already?), none for anyone else; a visitor
    gets a link to the space's sign-in rather than a form, so that no page sets a cookie."""
    request = context["request"]
    person = is_person(request.user)
    saved = person and SavedItem.objects.filter(person=request.user, kind=kind, key=str(key)).exists()
    return {
        "person": person,
        "kind": kind,
        "key": key,
        "saved": saved,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def is_person(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_person", False))
