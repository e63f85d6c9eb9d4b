"""The catalogue's lists for re-users who keep a copy in sync: pages that follow a cursor, not an
offset, and ``updated_since=`` for what changed.

Rows are read in the order of their last change, then their key (``updated_at``, ``pk``); the
cursor is the last row's pair, so a page never shifts when rows are added or changed between two
calls (an offset does: the complaint of the re-users of today's services). A row changed during
a sync comes again later in the same sync, with its new state. With ``updated_since``, the closed
rows come too, flagged ``closed``: a copy learns what to remove.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from ninja import Field, Schema

from orientation.api.errors import ApiError
from orientation.utils.documents import LICENCE

M = TypeVar("M", bound=Model)

PAGE_MAX = 1000


class InvalidCursor(ApiError):
    status = 422
    code = "invalid_cursor"


class PageParams(Schema):
    #: the ``next_cursor`` of the previous page; none for the first
    cursor: str = Field("", max_length=200)
    limit: int = Field(200, ge=1, le=PAGE_MAX)
    #: only what changed (closed included, flagged) after this moment (ISO 8601 with its offset)
    updated_since: str = Field("", max_length=40)


class PageOut(Schema):
    count: int
    next_cursor: str | None
    next: str | None
    licence: str


def encode_cursor(updated_at: datetime, pk: int) -> str:
    raw = json.dumps([updated_at.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        parsed = parse_datetime(moment)
        if parsed is None or parsed.tzinfo is None or not isinstance(pk, int):
            raise ValueError(moment)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as error:
        raise InvalidCursor("Curseur invalide : reprenez le `next_cursor` de la page précédente.") from error
    return parsed, pk


def parse_since(value: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value.replace(" ", "+"))  # « + » of an offset read as a space in a query
    if parsed is None or parsed.tzinfo is None:
        raise InvalidCursor(f"updated_since : date et heure ISO 8601 avec leur fuseau attendues ({value!r}).")
    return parsed


def keyset_page(
    request: HttpRequest, rows: QuerySet[M], params: PageParams, *, licence: str = LICENCE
) -> tuple[list[M], dict[str, Any]]:
    """A page of ``rows`` (which hold ``updated_at``) after the cursor, and the page's envelope."""
    since = parse_since(params.updated_since)
    if since is not None:
        rows = rows.filter(updated_at__gt=since)
    if params.cursor:
        moment, pk = decode_cursor(params.cursor)
        rows = rows.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
    page = list(rows.order_by("updated_at", "pk")[: params.limit + 1])
    more = len(page) > params.limit
    page = page[: params.limit]
    cursor = encode_cursor(page[-1].updated_at, page[-1].pk) if more else None  # type: ignore[attr-defined]
    next_url = None
    if cursor:
        query = request.GET.copy()
        query["cursor"] = cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return page, {"count": len(page), "next_cursor": cursor, "next": next_url, "licence": licence}
