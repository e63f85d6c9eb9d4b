"""Relevance of the search on queries written as people type (make bench-relevance).

    python -m bench.relevance [--engine tantivy|postgres|both] [--fresh] [OPEN_DATA_DIR]

Imports the real open data (ROME, Onisep, communes, places) once into a SQLite database
under var/bench/ (or into DATABASE_URL when it names PostgreSQL, needed for the PostgreSQL
engine), builds the index, then runs the judged queries of ``tests/search/judged_queries.py``
and the 41 of ``tests/search/test_relevance.py``, and prints for each engine and each kind of
writing: the share whose expected fiche or place comes in the top 3, the mean reciprocal rank
(1 for first, 1/2 for second… 0 beyond 10), the queries that found nothing, and the misses.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from bench.import_reference import ROOT

#: the target of the issue, in the top 3, on both engines
TARGET = 0.95
RANKED = 10


def prepare(data: Path, env: dict[str, str], fresh: bool) -> None:
    """Migrate (the seeded synonyms come with the migrations), and import the data once."""
    marker = ROOT / "var" / "bench" / "relevance.imported"
    marker.parent.mkdir(parents=True, exist_ok=True)
    steps = [["migrate", "--noinput", "-v", "0"]]
    if fresh or not marker.exists() or not env["DATABASE_URL"].startswith("sqlite"):
        print("Import des données ouvertes réelles (ROME, Onisep, communes, lieux)…", flush=True)
        steps.append(["import_open_data", str(data)])
    for args in steps:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    marker.touch()


def rank_of(keys: list[str], expected: str) -> int | None:
    return keys.index(expected) + 1 if expected in keys else None


def evaluate(engine: str) -> tuple[float, float]:
    from django.conf import settings

    from orientation.search.query import Kind, SearchQuery, Sort
    from orientation.search.selectors import locate, search
    from tests.search.judged_queries import AS_TYPED, PLACES_AS_TYPED
    from tests.search.test_relevance import OCCUPATIONS

    settings.SEARCH_BACKEND = engine
    rows: dict[str, list[tuple[str, int | None, list[str], int]]] = defaultdict(list)
    judged = [((text, f"officielle : {text}"), code) for text, code in OCCUPATIONS.items()]
    for (text, writing), code in [*AS_TYPED.items(), *judged]:
        results = search(SearchQuery(text=text, kind=Kind.OCCUPATION, page_size=RANKED))
        keys = [hit.key for hit in results.hits]
        group = "requêtes officielles (46 d’origine)" if writing.startswith("officielle") else writing
        rows[group].append((text, rank_of(keys, code), keys[:3], results.total))
    for (text, town), name in PLACES_AS_TYPED.items():
        where = locate(town)
        keys: list[str] = []
        total = 0
        if where is not None:
            results = search(
                SearchQuery(
                    text=text, kind=Kind.PLACE, latitude=where.latitude, longitude=where.longitude,
                    radius_km=30, sort=Sort.DISTANCE, page_size=3,
                )
            )  # fmt: skip
            total = results.total
            keys = [hit.title for hit in results.hits if hit.distance_km is not None and hit.distance_km < 10]
        rank = next((index for index, title in enumerate(keys, 1) if name.lower() in title.lower()), None)
        rows["lieux (sans accent ni majuscule)"].append((f"{text} à {town}", rank, keys[:3], total))
    print(f"\n== moteur {engine} ==")
    print(f"{'écriture':38} {'requêtes':>8} {'top 3':>7} {'MRR':>6}")
    everything: list[int | None] = []
    typed: list[int | None] = []
    for group, entries in sorted(rows.items()):
        ranks = [rank for _text, rank, _keys, _total in entries]
        everything += ranks
        if not group.startswith("requêtes officielles"):
            typed += ranks
        print(f"{group[:38]:38} {len(ranks):8} {_share(ranks):6.1%} {_mrr(ranks):6.3f}")
    print(f"{'tapées comme les gens tapent':38} {len(typed):8} {_share(typed):6.1%} {_mrr(typed):6.3f}")
    print(f"{'toutes':38} {len(everything):8} {_share(everything):6.1%} {_mrr(everything):6.3f}")
    nothing = [text for entries in rows.values() for text, _rank, _keys, total in entries if total == 0]
    print(f"requêtes sans aucun résultat : {len(nothing)}" + (f" ({', '.join(nothing)})" if nothing else ""))
    misses = [
        (text, rank, keys) for entries in rows.values() for text, rank, keys, _total in entries if not rank or rank > 3
    ]
    for text, rank, keys in misses:
        print(f"  manquée : « {text} » (rang {rank or '> 10'}) ; trouvé : {', '.join(keys) or 'rien'}")
    verdict = "atteint" if _share(typed) >= TARGET and not nothing else "MANQUÉ"
    print(f"objectif ≥ {TARGET:.0%} dans le top 3 et aucune requête sans résultat : {verdict}")
    return _share(typed), _mrr(typed)


def _share(ranks: list[int | None]) -> float:
    return sum(1 for rank in ranks if rank is not None and rank <= 3) / max(len(ranks), 1)


def _mrr(ranks: list[int | None]) -> float:
    return sum(1 / rank for rank in ranks if rank is not None) / max(len(ranks), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("open_data", nargs="?", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--engine", choices=["tantivy", "postgres", "both"], default="both")
    parser.add_argument("--fresh", action="store_true", help="importer de nouveau les données")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith(("postgres://", "postgresql://"))
    env = {
        **os.environ,
        "DATABASE_URL": url if on_postgres else f"sqlite:///{ROOT / 'var' / 'bench' / 'relevance.sqlite3'}",
    }
    env["SEARCH_INDEX_DIR"] = str(ROOT / "var" / "bench" / "relevance-index")
    prepare(Path(options.open_data), env, options.fresh)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from orientation.search.documents import all_documents
    from orientation.search.postgres_backend import PostgresBackend
    from orientation.search.tantivy_backend import TantivyBackend

    engines = ["tantivy", "postgres"] if options.engine == "both" else [options.engine]
    if "postgres" in engines and not on_postgres:
        print("moteur PostgreSQL : lancer avec DATABASE_URL=postgres://… (scripts/postgres.sh start) ; ignoré ici")
        engines.remove("postgres")
    for engine in engines:
        print(f"Index {engine}…", flush=True)
        if engine == "tantivy":
            TantivyBackend(Path(env["SEARCH_INDEX_DIR"]) / "tantivy").rebuild(all_documents())
        else:
            PostgresBackend().rebuild(all_documents())
        evaluate(engine)


if __name__ == "__main__":
    main()
