"""The person's space on the catalogue's pages: « Enregistrer » (or « Enregistré ») beside an
occupation, a training, a study, a place or a service."""

from __future__ import annotations

from typing import Any

from django import template

from orientation.persons.models import SavedItem

register = template.Library()


@register.inclusion_tag("www/persons/_save_button.html", takes_context=True)
def save_button(context: dict[str, Any], kind: str, key: object, followed: bool = False) -> dict[str, Any]:
    """One query for a signed-in person (is it saved already?), none for anyone else."""
    request = context["request"]
    user = request.user
    saved = bool(
        user.is_authenticated
        and getattr(user, "is_person", False)
        and SavedItem.objects.filter(person=user, kind=kind, key=str(key)).exists()
    )
    return {
        "kind": kind,
        "key": key,
        "saved": saved,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
