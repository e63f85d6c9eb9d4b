"""The PostgreSQL full-text engine, for a deployment that wants one system.

Documents live in ``search_searchentry`` with a weighted tsvector in the ``fr_unaccent``
configuration (French stemming, accents removed) and a GIN index. A rebuild replaces
the rows in one transaction: searches see the old entries or the new ones. Close
spellings use pg_trgm's word similarity. The query API and its answers are those of
the Tantivy engine; the same contract tests run on both.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection, transaction

from orientation.search.analysis import folded, query_words
from orientation.search.documents import SearchDocument
from orientation.search.models import SearchEntry
from orientation.search.query import Hit, Kind, SearchQuery, SearchResults, Sort
from orientation.search.ranking import (
    choose_page,
    expanded,
    facet_counts,
    relaxations,
    wants_fuzzy,
)
from orientation.territories.geo import EARTH_RADIUS_KM, bounding_box, distance_km

CONFIG = "fr_unaccent"
BATCH = 2000
#: markers ts_headline puts around matches; the extract is escaped, then they become <b>
START, STOP = "\x02", "\x03"
#: the PostgreSQL parser splits words on ' but not on ’: « l’infirmière » must give « infirmière »
APOSTROPHES = "replace({}, '’', '''')"


class PostgresBackend:
    def is_built(self) -> bool:
        return SearchEntry.objects.exists()

    def rebuild(self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        if connection.vendor != "postgresql":
            raise RuntimeError("SEARCH_BACKEND=postgres demande une base PostgreSQL")
        count = 0
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            batch: list[SearchEntry] = []
            for document in documents:
                batch.append(
                    SearchEntry(
                        kind=str(document.kind),
                        key=document.key,
                        title=document.title,
                        names=document.names,
                        body=document.body,
                        subtitle=document.subtitle,
                        spelling=folded(f"{document.title} {document.names}"),
                        tags=[f"kind:{document.kind}", *document.tags],
                        latitude=document.latitude,
                        longitude=document.longitude,
                        weight=document.weight,
                        starts_on=document.starts_on,
                    )
                )
                count += 1
                if len(batch) >= BATCH:
                    SearchEntry.objects.bulk_create(batch)
                    batch = []
                    if progress is not None:
                        progress(count)
            SearchEntry.objects.bulk_create(batch)
            with connection.cursor() as cursor:
                # Each text twice: stemmed with its accents (Snowball needs them: « infirmière »
                # and « infirmier » meet), and without accents for what people type without them.
                weighted = " || ".join(
                    f"setweight(to_tsvector('french', {text}) || to_tsvector('{CONFIG}', {text}), '{weight}')"
                    for text, weight in (
                        (APOSTROPHES.format("title"), "A"),
                        (APOSTROPHES.format("names"), "B"),
                        (APOSTROPHES.format("body"), "C"),
                    )
                )
                cursor.execute(f"UPDATE search_searchentry SET document = {weighted}")
        if progress is not None:
            progress(count)
        return count

    # -- searching ---------------------------------------------------------------------

    def search(self, query: SearchQuery, synonyms: dict[str, list[str]] | None = None) -> SearchResults:
        words = query_words(query.text)
        terms = expanded(words, synonyms or {})
        filter_sql, filter_params = self._filters(query)
        text_sql, text_params = self._text(terms)
        where = " AND ".join(part for part in (text_sql, filter_sql) if part) or "TRUE"
        params = [*text_params, *filter_params]
        total = self._count(where, params)
        fuzzy = False
        unknown = self._unknown(terms) if wants_fuzzy(words, total) else set()
        for relaxed in relaxations(words, total, unknown=unknown, near=query.point is not None):
            relaxed_sql, relaxed_params = self._relaxed(terms, misspelt=relaxed.misspelt, every_word=relaxed.every_word)
            fuzzy_where = " AND ".join(part for part in (relaxed_sql, filter_sql) if part)
            fuzzy_params = [*relaxed_params, *filter_params]
            fuzzy_total = self._count(fuzzy_where, fuzzy_params)
            if fuzzy_total > total:
                where, params, total, fuzzy = fuzzy_where, fuzzy_params, fuzzy_total, True
            if not wants_fuzzy(words, total):
                break
        rank_sql, rank_params = self._rank(terms, fuzzy)
        # Sort.START: the soonest next session first, those without a date last, then relevance.
        order = "starts_on ASC NULLS LAST, score DESC, id" if query.sort == Sort.START else "score DESC, id"
        select = (
            f"SELECT id, kind, key, title, subtitle, body, latitude, longitude, {rank_sql} AS score "
            f"FROM search_searchentry WHERE {where} ORDER BY {order}"
        )

        def ranked(offset: int, limit: int) -> list[dict[str, Any]]:
            return self._rows(f"{select} LIMIT {int(limit)} OFFSET {int(offset)}", [*rank_params, *params])

        def candidates(limit: int) -> Iterator[tuple[Any, Any, dict[str, Any]]]:
            for row in ranked(0, limit):
                yield row["latitude"], row["longitude"], row

        page, total = choose_page(query, total, candidates=candidates, ranked=ranked)
        highlights = self._highlights(terms, [row["id"] for row in page], fuzzy)
        hits = [self._hit(row, highlights.get(row["id"], ""), query.point) for row in page]
        return SearchResults(
            query=query, total=total, hits=hits, facets=self._facets(where, params, query.facets), fuzzy=fuzzy
        )

    @staticmethod
    def _unknown(terms: list[tuple[str, list[str]]]) -> set[str]:
        """The words no document holds, in either analysis, nor any word they stand for: only
        those are searched as close spellings (as the Tantivy engine does), one query."""
        forms = sorted({form for word, synonyms in terms for form in (word, *synonyms)})
        if not forms:
            return set()
        checks = ", ".join(
            f"EXISTS (SELECT 1 FROM search_searchentry WHERE document @@ "
            f"(plainto_tsquery('french', %s) || plainto_tsquery('{CONFIG}', %s)))"
            for _form in forms
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {checks}", [value for form in forms for value in (form, form)])
            held = dict(zip(forms, cursor.fetchone(), strict=True))
        return {word for word, synonyms in terms if not held[word] and not any(held[other] for other in synonyms)}

    @staticmethod
    def _tsquery(terms: list[tuple[str, list[str]]], *, any_word: bool = False) -> tuple[str, list[str]]:
        """Every word (any, with ``any_word``), each with its synonyms' words as an alternative,
        stemmed with and without accents."""
        parts, params = [], []
        for word, synonyms in terms:
            alternatives = [word, " ".join(synonyms)] if synonyms else [word]
            parts.append(
                "("
                + " || ".join(f"plainto_tsquery('french', %s) || plainto_tsquery('{CONFIG}', %s)" for _ in alternatives)
                + ")"
            )
            params += [text for text in alternatives for _config in range(2)]
        return (" || " if any_word else " && ").join(parts), params

    def _relaxed(
        self, terms: list[tuple[str, list[str]]], *, misspelt: frozenset[str], every_word: bool
    ) -> tuple[str, list[Any]]:
        """Every word (or any, ``every_word`` off), as typed or as a close spelling of a word of a
        title or a name (pg_trgm's word similarity), as the Tantivy engine does."""
        parts, params = [], []
        for term in terms:
            tsquery, term_params = self._tsquery([term])
            if term[0] in misspelt:
                parts.append(f"(document @@ ({tsquery}) OR %s <%% spelling)")
                params += [*term_params, folded(term[0])]
            else:
                parts.append(f"document @@ ({tsquery})")
                params += term_params
        return "(" + (" AND " if every_word else " OR ").join(parts) + ")", params

    def _text(self, terms: list[tuple[str, list[str]]]) -> tuple[str, list[Any]]:
        if not terms:
            return "", []
        tsquery, params = self._tsquery(terms)
        return f"document @@ ({tsquery})", params

    def _rank(self, terms: list[tuple[str, list[str]]], fuzzy: bool) -> tuple[str, list[Any]]:
        if not terms:
            return "0.0", []
        if fuzzy:
            # What matches as typed first (any word's rank), then the closest spellings.
            tsquery, params = self._tsquery(terms, any_word=True)
            similarity = " + ".join("word_similarity(%s, spelling)" for _ in terms)
            return (
                f"ts_rank_cd('{{0.1, 0.25, 0.5, 1.0}}', document, ({tsquery}), 1) * 10 + {similarity}",
                [*params, *(folded(word) for word, _synonyms in terms)],
            )
        tsquery, params = self._tsquery(terms)
        # The same weights as the Tantivy fields (title 4, names 2, text 1), and general records first.
        return f"ts_rank_cd('{{0.1, 0.25, 0.5, 1.0}}', document, ({tsquery}), 1) * log(2 + weight)", params

    def _filters(self, query: SearchQuery) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        if query.kind is not None:
            parts.append("kind = %s")
            params.append(str(query.kind))
        for facet, value in sorted(query.filters.items()):
            parts.append("tags::jsonb @> %s::jsonb")
            params.append(f'["{_json_string(f"{facet}:{value}")}"]')
        point = query.point
        if point is not None and query.radius_km:
            min_lat, max_lat, min_lon, max_lon = bounding_box(point[0], point[1], query.radius_km)
            parts.append("latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s")
            params += [min_lat, max_lat, min_lon, max_lon]
            # The box finds the rows through the index; the circle keeps the right ones, so that
            # the total and every facet count what the list shows.
            parts.append(
                f"2 * {EARTH_RADIUS_KM} * asin(sqrt(power(sin(radians(latitude - %s) / 2), 2) + cos(radians(%s)) "
                "* cos(radians(latitude)) * power(sin(radians(longitude - %s) / 2), 2))) <= %s"
            )
            params += [point[0], point[0], point[1], query.radius_km]
        return " AND ".join(parts), params

    def _count(self, where: str, params: list[Any]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM search_searchentry WHERE {where}", params)
            return int(cursor.fetchone()[0])

    def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _facets(self, where: str, params: list[Any], wanted: tuple[str, ...] | None) -> dict[str, dict[str, int]]:
        if wanted == ():
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tag, count(*) FROM search_searchentry, jsonb_array_elements_text(tags::jsonb) AS tag "
                f"WHERE {where} GROUP BY tag",
                params,
            )
            return facet_counts(cursor.fetchall(), wanted)

    def _highlights(self, terms: list[tuple[str, list[str]]], ids: list[int], fuzzy: bool) -> dict[int, str]:
        if not ids:
            return {}
        if not terms or fuzzy:
            rows = SearchEntry.objects.filter(pk__in=ids).values_list("pk", "body")
            return {pk: html.escape(body[:220]) for pk, body in rows}
        tsquery, params = self._tsquery(terms)
        options = f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=1"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, ts_headline('french', {APOSTROPHES.format('body')}, ({tsquery}), %s) "
                "FROM search_searchentry WHERE id = ANY(%s)",
                [*params, options, ids],
            )
            found = {}
            for pk, extract in cursor.fetchall():
                escaped = html.escape(extract or "").replace(START, "<b>").replace(STOP, "</b>")
                found[pk] = escaped
            return found

    @staticmethod
    def _hit(row: dict[str, Any], highlight: str, point: tuple[float, float] | None) -> Hit:
        distance = None
        if point is not None and row["latitude"] is not None and row["longitude"] is not None:
            distance = round(distance_km(point[0], point[1], row["latitude"], row["longitude"]), 1)
        return Hit(
            kind=Kind(row["kind"]),
            key=row["key"],
            title=row["title"],
            subtitle=row["subtitle"],
            highlight=highlight or html.escape((row["body"] or "")[:220]),
            score=float(row["score"] or 0),
            distance_km=distance,
            latitude=row["latitude"],
            longitude=row["longitude"],
        )


def _json_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
