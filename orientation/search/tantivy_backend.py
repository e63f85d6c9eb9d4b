"""The Tantivy engine: an index folder under var/, rebuilt from the database.

Each rebuild writes a new folder and then points ``CURRENT`` at it in one rename, so
searches see the old index or the new one, never half of one; older folders are
removed. The database stays the source of truth.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import tantivy

from orientation.search.analysis import folded, query_words, unaccented_twins
from orientation.search.documents import SearchDocument
from orientation.search.query import MAX_PAGE_SIZE, Hit, Kind, SearchQuery, SearchResults, Sort
from orientation.search.ranking import (
    DISTANCE_CANDIDATES,
    FACETS,
    choose_page,
    expanded,
    facet_counts,
    relaxations,
    spelling_distance,
    wants_fuzzy,
)
from orientation.territories.geo import bounding_box, distance_km, planar_distance

logger = logging.getLogger(__name__)

ANALYZER = "fr_stem"
#: the same without stemming, for close spellings (a stem hides a typo's distance)
PLAIN_ANALYZER = "fr_plain"
#: how often a search looks whether a rebuild swapped the index
POINTER_CHECK_SECONDS = 1.0
TEXT_FIELDS = {"title": 4.0, "names": 2.0, "body": 1.0}
#: Snowball stems a word differently with and without its accents (« sécurité » → « secur »,
#: « securite » → « securit »). Beside each text field, a small field holds the accented words of
#: that text without their accents (``analysis.unaccented_twins``), scored with its field: what is
#: typed without accents meets the accented word, and a word typed with accents looks for its
#: unaccented form too. The twins are a few words a document: their postings cost little.
TWIN_FIELDS = {name: f"{name}_twins" for name in TEXT_FIELDS}
#: a geographic point in one integer: latitude and longitude to 1e-5 degree (about 1 m),
#: which the engine returns with each match without loading the document
GEO_SCALE = 100_000
GEO_LONGITUDE_SPAN = 360 * GEO_SCALE + 1

#: matches whose point is read from the geo fast field at most (more are read from their documents)
GEO_LOOKUP = 50_000
EPOCH = date(1970, 1, 1)
#: the « next session » of a document without one: after every real date
NO_START = 10**7
#: what an index folder must say it was built with to be opened (the fields it holds):
#: one built by an older release is not current, and `search_index` builds a new one
SCHEMA_VERSION = "2026-12-04 studies"
SCHEMA_FILE = "orientation-schema"
#: the geo fast field holds the point and the kind: geo_code × GEO_KINDS + the kind's code, so
#: that a radius search counts each kind within the circle without reading a document
KIND_CODES = {Kind.OCCUPATION: 1, Kind.TRAINING: 2, Kind.PLACE: 3, Kind.STUDY: 4}
KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}
GEO_KINDS = 5


def geo_code(latitude: float, longitude: float) -> int:
    return round((latitude + 90) * GEO_SCALE) * GEO_LONGITUDE_SPAN + round((longitude + 180) * GEO_SCALE)


def geo_point(code: int) -> tuple[float, float]:
    latitude, longitude = divmod(int(code), GEO_LONGITUDE_SPAN)
    return latitude / GEO_SCALE - 90, longitude / GEO_SCALE - 180


def french_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("french"))
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def plain_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("kind", stored=True, tokenizer_name="raw", fast=True)
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=ANALYZER)
    for name in TWIN_FIELDS.values():
        builder.add_text_field(name, stored=False, tokenizer_name=ANALYZER)
    builder.add_text_field("spelling", stored=False, tokenizer_name=PLAIN_ANALYZER, index_option="basic")
    builder.add_text_field("spelling_title", stored=False, tokenizer_name=PLAIN_ANALYZER, index_option="basic")
    builder.add_text_field("subtitle", stored=True, tokenizer_name="raw", index_option="basic")
    # Facet tags are counted (a fast field); other tags (code:…, rome:…) only filter.
    builder.add_text_field("tags", stored=False, tokenizer_name="raw", fast=True)
    builder.add_text_field("links", stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_float_field("latitude", stored=True, indexed=True, fast=True)
    builder.add_float_field("longitude", stored=True, indexed=True, fast=True)
    builder.add_float_field("weight", stored=False, indexed=False, fast=True)
    # A training's next session start, in days since 1970 (NO_START without one): Sort.START.
    builder.add_integer_field("starts", stored=False, indexed=False, fast=True)
    builder.add_integer_field("geo", stored=False, indexed=False, fast=True)
    return builder.build()


def _is_facet(tag: str) -> bool:
    return tag.partition(":")[0] in FACETS


class TantivyBackend:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._index: tantivy.Index | None = None
        self._opened: str | None = None
        #: the index folder last refused for its schema (said once in the log)
        self._refused: str | None = None
        self._checked_at = 0.0
        self.schema = build_schema()
        self.analyzer = french_analyzer()
        self.plain = plain_analyzer()

    # -- building ----------------------------------------------------------------------

    def rebuild(self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        """Index every document into a new folder, then make it the current index."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        target = self.folder / stamp
        target.mkdir()
        index = tantivy.Index(self.schema, path=str(target))
        (target / SCHEMA_FILE).write_text(SCHEMA_VERSION, encoding="utf-8")
        self._register(index)
        writer = index.writer(heap_size=128 * 1024 * 1024, num_threads=2)
        count = 0
        for document in documents:
            writer.add_document(self._document(document))
            count += 1
            if progress is not None:
                progress(count)
        writer.commit()
        writer.wait_merging_threads()
        pointer = self.folder / "CURRENT.tmp"
        pointer.write_text(stamp, encoding="utf-8")
        os.replace(pointer, self.folder / "CURRENT")
        self._checked_at = 0.0  # this process sees its own rebuild at once
        for old in self.folder.iterdir():
            if old.is_dir() and old.name != stamp:
                shutil.rmtree(old, ignore_errors=True)
        return count

    def _register(self, index: tantivy.Index) -> None:
        index.register_tokenizer(ANALYZER, self.analyzer)
        index.register_tokenizer(PLAIN_ANALYZER, self.plain)

    def _document(self, document: SearchDocument) -> tantivy.Document:
        fields: dict[str, Any] = {
            "kind": str(document.kind),
            "key": document.key,
            "title": document.title,
            "names": document.names,
            "body": document.body,
            "title_twins": unaccented_twins(document.title),
            "names_twins": unaccented_twins(document.names),
            "body_twins": unaccented_twins(document.body),
            "spelling": f"{document.title} {document.names}",
            "spelling_title": document.title,
            "subtitle": document.subtitle,
            "tags": [f"kind:{document.kind}", *(tag for tag in document.tags if _is_facet(tag))],
            "links": [tag for tag in document.tags if not _is_facet(tag)],
            "weight": float(document.weight),
            "starts": (document.starts_on - EPOCH).days if document.starts_on else NO_START,
        }
        if document.latitude is not None and document.longitude is not None:
            fields["latitude"] = float(document.latitude)
            fields["longitude"] = float(document.longitude)
            fields["geo"] = geo_code(document.latitude, document.longitude) * GEO_KINDS + KIND_CODES[document.kind]
        return tantivy.Document(**fields)

    # -- searching ---------------------------------------------------------------------

    def _current(self) -> tantivy.Index | None:
        """The current index; the pointer file is read again at most once a second, so a
        search does no file I/O and a rebuild by another process shows within a second."""
        now = time.monotonic()
        if self._index is not None and now - self._checked_at < POINTER_CHECK_SECONDS:
            return self._index
        try:
            stamp = (self.folder / "CURRENT").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        with self._lock:
            if stamp != self._opened:
                try:
                    built_with = (self.folder / stamp / SCHEMA_FILE).read_text(encoding="utf-8").strip()
                except OSError:
                    built_with = ""
                if built_with != SCHEMA_VERSION:
                    if stamp != self._refused:  # said once, not at every search
                        logger.warning(
                            "Index de recherche %s d’une version antérieure : à reconstruire (search_index)", stamp
                        )
                        self._refused = stamp
                    return None
                index = tantivy.Index.open(str(self.folder / stamp))
                self._register(index)
                self._index, self._opened = index, stamp
            self._checked_at = now
            return self._index

    def is_built(self) -> bool:
        return self._current() is not None

    def search(self, query: SearchQuery, synonyms: dict[str, list[str]] | None = None) -> SearchResults:
        """``synonyms``: folded word → the words it stands for (operators' list).

        Documents are loaded for the page only: matches near a point are placed with the
        ``geo`` fast field, which the engine returns without reading the stored text.
        """
        index = self._current()
        if index is None:
            return SearchResults(query=query, total=0, hits=[], facets={})
        searcher = index.searcher()
        words = query_words(query.text)
        terms = expanded(words, synonyms or {})
        filters = self._filters(query)
        combined = self._combine(self._text_query(searcher, terms), filters)
        page_size = max(0, min(query.page_size, MAX_PAGE_SIZE))
        offset = (max(query.page, 1) - 1) * page_size
        # Only occupations have a weight (their number of names): other kinds skip reading it.
        weight = "weight" if query.kind in (None, Kind.OCCUPATION) else None
        # The first page and the count in one pass; another only if close spellings are tried.
        first: tantivy.SearchResult | None = searcher.search(
            combined, limit=max(page_size, 1), offset=offset, count=True, weight_by_field=weight
        )
        total = int(first.count)  # type: ignore[union-attr]
        fuzzy = False
        steps = relaxations(
            words, total, unknown=self._unknown(searcher, terms) if wants_fuzzy(words, total) else set(),
            near=query.point is not None,
        )  # fmt: skip
        for relaxed in steps:
            fuzzy_query = self._combine(
                self._text_query(searcher, terms, misspelt=relaxed.misspelt, every_word=relaxed.every_word), filters
            )
            fuzzy_total = self._count(searcher, fuzzy_query)
            if fuzzy_total > total:
                combined, total, fuzzy, first = fuzzy_query, fuzzy_total, True, None
            if not wants_fuzzy(words, total):
                break

        by_start = query.sort == Sort.START

        def ranked(start: int, limit: int) -> list[tuple[float, Any]]:
            if limit == 0:
                return []
            if by_start:  # the soonest first; ties keep the index's order
                found = searcher.search(
                    combined, limit=limit, offset=start, count=False, order_by_field="starts", order=tantivy.Order.Asc
                )
                return [(0.0, address) for _value, address in found.hits]
            if first is not None and (start, limit) == (offset, max(page_size, 1)):
                return list(first.hits)
            return list(searcher.search(combined, limit=limit, offset=start, count=False, weight_by_field=weight).hits)

        point = query.point
        circle = (point[0], point[1], float(query.radius_km)) if point is not None and query.radius_km else None
        kinds_inside: Counter[str] | None = None

        def geo_lookup() -> dict[tuple[int, int], int]:
            """Every match's geo value by its address; the kinds counted within the circle."""
            nonlocal kinds_inside
            found = searcher.search(combined, limit=min(max(total, 1), GEO_LOOKUP), count=False, order_by_field="geo")
            places = {(address.segment_ord, address.doc): code for code, address in found.hits}
            if circle is not None and len(places) == total:
                distance_from = planar_distance(circle[0], circle[1])
                kinds_inside = Counter()
                for code in places.values():
                    latitude, longitude = geo_point(code // GEO_KINDS)
                    if distance_from(latitude, longitude) <= circle[2]:
                        kinds_inside[str(KINDS_BY_CODE[code % GEO_KINDS])] += 1
            return places

        def candidates(limit: int) -> Iterator[tuple[Any, Any, tuple[float, Any]]]:
            places = geo_lookup()
            for score, address in ranked(0, limit):
                code = places.get((address.segment_ord, address.doc))
                if code is None and len(places) < total:  # beyond the lookup: read the document
                    document = searcher.doc(address)
                    yield document.get_first("latitude"), document.get_first("longitude"), (score, address)
                    continue
                latitude, longitude = geo_point(code // GEO_KINDS) if code else (None, None)
                yield latitude, longitude, (score, address)

        if page_size == 0 and circle is not None and total <= DISTANCE_CANDIDATES:
            # Only counts: the circle is counted from the geo field, no match is ranked.
            geo_lookup()
            page: list[tuple[float, Any]] = []
            total = sum((kinds_inside or Counter()).values())
        else:
            page, total = choose_page(query, total, candidates=candidates, ranked=ranked)
            if kinds_inside is not None:
                # Every match was placed (even beyond the candidates ranked by distance): the
                # total is the circle's.
                total = sum(kinds_inside.values())
        snippets = None
        if words and page:
            snippets = tantivy.SnippetGenerator.create(searcher, combined, self.schema, "body")
            snippets.set_max_num_chars(220)
        hits = [self._hit(score, searcher.doc(address), snippets, query.point) for score, address in page]
        facets = self._facets(searcher, combined, query.facets, circle if kinds_inside is not None else None)
        if kinds_inside is not None and "kind" in facets:
            # Counted within the circle, as the list: the engine's facets count the box around it.
            facets["kind"] = dict(kinds_inside)
        return SearchResults(query=query, total=total, hits=hits, facets=facets, fuzzy=fuzzy)

    def _unknown(self, searcher: tantivy.Searcher, terms: list[tuple[str, list[str]]]) -> set[str]:
        """The words no document holds, in either analysis, nor any word they stand for (read
        from the terms' document frequencies: no search)."""

        def indexed(word: str) -> bool:
            for form in dict.fromkeys((word, folded(word))):
                for term in self.analyzer.analyze(form)[:1]:
                    if any(
                        searcher.doc_freq(field, term) for name in TEXT_FIELDS for field in (name, TWIN_FIELDS[name])
                    ):
                        return True
            return False

        return {word for word, synonyms in terms if not indexed(word) and not any(map(indexed, synonyms))}

    def _text_query(
        self,
        searcher: tantivy.Searcher,
        terms: list[tuple[str, list[str]]],
        *,
        misspelt: frozenset[str] = frozenset(),
        every_word: bool = True,
    ) -> tantivy.Query | None:
        """Every word (or, ``every_word`` off, any of them), each as typed, or standing for its
        synonyms; a ``misspelt`` word may also be a close spelling of a word of a title or a
        name (ranking.spelling_distance)."""
        clauses = []
        occur = tantivy.Occur.Must if every_word else tantivy.Occur.Should
        for word, synonyms in terms:
            clause = self._word_query(searcher, word)
            tokens = self.plain.analyze(word) if word in misspelt else []
            distance = spelling_distance(tokens[0]) if tokens else 0
            if distance:
                options = [item for item in (clause, self._close_spelling(tokens[0], distance)) if item is not None]
                clause = tantivy.Query.boolean_query([(tantivy.Occur.Should, item) for item in options])
            expansion = [found for other in synonyms if (found := self._word_query(searcher, other)) is not None]
            if expansion:
                # « nounou » finds itself, or every word of « garde d’enfant »
                meaning = tantivy.Query.boolean_query([(tantivy.Occur.Must, item) for item in expansion])
                options = [item for item in (clause, meaning) if item is not None]
                clause = tantivy.Query.boolean_query([(tantivy.Occur.Should, item) for item in options])
            if clause is not None:
                clauses.append((occur, clause))
        if not clauses:
            return None
        return tantivy.Query.boolean_query(clauses)

    def _close_spelling(self, token: str, distance: int) -> tantivy.Query:
        """A word of a title or a name within ``distance`` letters of ``token``; the closer and
        the more in a title, the higher (a close-spelling match scores the same whatever the
        word, so the boosts rank them)."""
        options = []
        for field, boost in (("spelling_title", 3.0), ("spelling", 1.0)):
            for letters in range(1, distance + 1):
                close = tantivy.Query.fuzzy_term_query(
                    self.schema, field, token, distance=letters, transposition_cost_one=True
                )
                options.append((tantivy.Occur.Should, tantivy.Query.boost_query(close, boost * (3 - letters))))
        return tantivy.Query.boolean_query(options)

    @staticmethod
    def _count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
        return int(searcher.search(query, limit=1, count=True).count)  # type: ignore[attr-defined]

    def _word_query(self, searcher: tantivy.Searcher, word: str) -> tantivy.Query | None:
        """The word in any text field, or in that field's unaccented twins; typed with accents,
        its unaccented form too (a text written without accents). In each field the best of
        these counts, so a word found as typed scores as it always did. A form no document of
        the field holds is left out (read from the term's document frequency): most words have
        no accent to lose, and their query is what it always was."""
        stems = [self.analyzer.analyze(form)[:1] for form in dict.fromkeys((word, folded(word)))]
        typed, *others = list(dict.fromkeys(term for found in stems for term in found)) or [""]
        if not typed:
            return None
        per_field = []
        for name, boost in TEXT_FIELDS.items():
            either = [tantivy.Query.term_query(self.schema, name, typed)]
            twin = TWIN_FIELDS[name]
            for field, term in [(twin, typed), *((field, term) for term in others for field in (name, twin))]:
                if searcher.doc_freq(field, term):
                    either.append(tantivy.Query.term_query(self.schema, field, term))
            best = either[0] if len(either) == 1 else tantivy.Query.disjunction_max_query(either, 0.0)
            per_field.append(tantivy.Query.boost_query(best, boost))
        return tantivy.Query.disjunction_max_query(per_field, 0.1)

    def _filters(self, query: SearchQuery) -> list[tantivy.Query]:
        filters = []
        if query.kind is not None:
            filters.append(tantivy.Query.term_query(self.schema, "kind", str(query.kind)))
        for facet, value in sorted(query.filters.items()):
            tag = f"{facet}:{value}"
            filters.append(tantivy.Query.term_query(self.schema, "tags" if _is_facet(tag) else "links", tag))
        point = query.point
        if point is not None and query.radius_km:
            min_lat, max_lat, min_lon, max_lon = bounding_box(point[0], point[1], query.radius_km)
            for name, low, high in (("latitude", min_lat, max_lat), ("longitude", min_lon, max_lon)):
                filters.append(tantivy.Query.range_query(self.schema, name, tantivy.FieldType.Float, low, high))
        return filters

    @staticmethod
    def _combine(text_query: tantivy.Query | None, filters: list[tantivy.Query]) -> tantivy.Query:
        clauses = [(tantivy.Occur.Must, text_query)] if text_query is not None else []
        clauses += [(tantivy.Occur.Must, tantivy.Query.const_score_query(item, 0.0)) for item in filters]
        if not clauses:
            return tantivy.Query.all_query()
        if text_query is None:
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def _facets(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        wanted: tuple[str, ...] | None,
        circle: tuple[float, float, float] | None = None,
    ) -> dict[str, dict[str, int]]:
        """Counts by facet value. With ``circle`` (every match placed, within the lookup), the
        values are counted within the circle, as the list and the total are: the filter finds
        the box around it, so each value's matches are split by their ``geo`` value and only
        the points inside are counted."""
        if wanted == ():
            return {}
        if circle is not None:
            answer = searcher.aggregate(
                query,
                {
                    "tags": {
                        "terms": {"field": "tags", "size": 1000},
                        "aggs": {"geo": {"terms": {"field": "geo", "size": GEO_LOOKUP}}},
                    }
                },
            )
            distance_from = planar_distance(circle[0], circle[1])
            inside: dict[int, bool] = {}

            def within(code: int) -> bool:
                if code not in inside:
                    inside[code] = distance_from(*geo_point(code // GEO_KINDS)) <= circle[2]
                return inside[code]

            counts = []
            for bucket in answer.get("tags", {}).get("buckets", []):
                count = sum(
                    int(sub["doc_count"]) for sub in bucket.get("geo", {}).get("buckets", []) if within(int(sub["key"]))
                )
                if count:
                    counts.append((str(bucket["key"]), count))
            return facet_counts(counts, wanted)
        if wanted == ("kind",):
            # The tabs' counts: the one-valued kind field is counted far faster than the tags.
            answer = searcher.aggregate(query, {"kind": {"terms": {"field": "kind", "size": 10}}})
            buckets = answer.get("kind", {}).get("buckets", [])
            return {"kind": {str(bucket["key"]): int(bucket["doc_count"]) for bucket in buckets}}
        answer = searcher.aggregate(query, {"tags": {"terms": {"field": "tags", "size": 1000}}})
        buckets = answer.get("tags", {}).get("buckets", [])
        return facet_counts(((str(bucket["key"]), int(bucket["doc_count"])) for bucket in buckets), wanted)

    def _hit(
        self,
        score: float,
        document: tantivy.Document,
        snippets: tantivy.SnippetGenerator | None,
        point: tuple[float, float] | None,
    ) -> Hit:
        latitude, longitude = document.get_first("latitude"), document.get_first("longitude")
        highlight = ""
        if snippets is not None:
            highlight = snippets.snippet_from_doc(document).to_html()
        if not highlight:
            highlight = html.escape((document.get_first("body") or "")[:220])
        distance = None
        if point is not None and latitude is not None and longitude is not None:
            distance = round(distance_km(point[0], point[1], latitude, longitude), 1)
        return Hit(
            kind=Kind(str(document.get_first("kind"))),
            key=str(document.get_first("key")),
            title=document.get_first("title") or "",
            subtitle=document.get_first("subtitle") or "",
            highlight=highlight,
            score=float(score),
            distance_km=distance,
            latitude=latitude,
            longitude=longitude,
        )
