"""The fixed query set, and the truth each engine is held to: a substring scan.

A section is relevant to a query iff its normalised heading + text contains every phrase of
every AND-group (one phrase of an OR-group suffices) and passes the query's filters — the same
definition the portal's own tests use, computed here over the benchmark instance's database.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from documents import gazetteer as gz
from search.core.analysis import normalise, phrase_pattern
from search.core.query import ParsedQuery, parse_query


@dataclass(frozen=True, slots=True)
class BenchQuery:
    text: str
    tag: str

    @property
    def parsed(self) -> ParsedQuery:
        return parse_query(self.text)


@dataclass(frozen=True, slots=True)
class Row:
    """One published section, as the engines see it."""

    section: int
    release: int
    raw: str  # heading + text as stored
    normalised: str
    year: int  # 0 when unknown
    region: str  # division code of the release's region ("" if none)
    kind: str


def load_queries(path: Path | None = None) -> list[BenchQuery]:
    path = path or Path(settings.BASE_DIR) / "fixtures" / "bench-queries.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [BenchQuery(row["q"], row.get("tag", "")) for row in rows]


def load_rows(database: Path) -> list[Row]:
    """Every published section of the instance's database (read-only)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        cursor = connection.execute(
            "SELECT s.id, s.release_id, s.heading, s.text, r.published, g.code, r.kind"
            " FROM documents_section s JOIN documents_release r ON r.id = s.release_id"
            " LEFT JOIN documents_region g ON g.id = r.region_id"
            " WHERE r.status = 'published' ORDER BY s.id"
        )
        rows = []
        for section, release, heading, text, published, code, kind in cursor:
            raw = "\n".join(part for part in (heading.strip(), text.strip()) if part)
            year = int(str(published)[:4]) if published else 0
            rows.append(Row(section, release, raw, normalise(raw), year, code or "", kind))
        return rows
    finally:
        connection.close()


def row_filter(query: ParsedQuery) -> Callable[[Row], bool]:
    """The query's filters (year, province, region, kind) as a test on a row."""
    tests: list[Callable[[Row], bool]] = []
    for key, values in query.filters.items():
        for value in values:
            if key == "year" and value.isdigit():
                tests.append(lambda row, y=int(value): row.year == y)
            elif key in ("province", "region"):
                place = gz.lookup(value)
                prefix = _prefix(place) if place else "?"
                tests.append(lambda row, p=prefix: row.region.startswith(p))
            elif key == "kind":
                tests.append(lambda row, k=value: row.kind == k)
    return lambda row: all(test(row) for test in tests)


def _prefix(place: gz.Place) -> str:
    if place.level == gz.Level.NATION:
        return ""
    if place.level == gz.Level.PROVINCE:
        return place.code[:2]
    if place.level == gz.Level.CITY:
        return place.code[:4]
    return place.code


def truth(query: ParsedQuery, rows: list[Row]) -> set[int]:
    """The sections a perfect engine returns: substring containment plus filters."""
    groups = [[phrase_pattern(list(p.units)) for p in group] for group in query.groups]
    excluded = [phrase_pattern(list(p.units)) for p in query.excluded]
    keep = row_filter(query)
    found = set()
    for row in rows:
        text = row.normalised
        wanted = all(any(p.search(text) for p in group) for group in groups)
        if wanted and not any(p.search(text) for p in excluded) and keep(row):
            found.add(row.section)
    return found
