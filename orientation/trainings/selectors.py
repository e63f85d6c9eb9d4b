"""Reads of the training offer for pages and the API."""

from __future__ import annotations

from django.db.models import Prefetch

from orientation.trainings.models import Action, Session


def training_detail(action_id: int) -> Action | None:
    """An open training action with its formation, providers, sessions and occupations."""
    return (
        Action.objects.open()
        .select_related("formation__provider", "provider", "commune")
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.filter(closed_at__isnull=True).order_by("start_date")),
            "formation__rome_fiches",
        )
        .filter(pk=action_id)
        .first()
    )
