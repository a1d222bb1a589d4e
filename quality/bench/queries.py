"""The fixed query set, and the truth each engine is held to: a substring scan.

A section is relevant to a query iff its normalised heading + text contains a phrase of every
AND-group (one phrase of an OR-group suffices), none of the excluded phrases, and passes the
query's filters — the same definition the portal's own tests use, computed here over the
benchmark instance's database.

The truth implements that much and no more: one ``year:`` (a four-digit year), one ``province:``
or ``region:`` naming exactly one division, one ``kind:`` as stored. A query asking for anything
else (year ranges, ``year:unknown``, ``speaker:``, ``from:``/``to:``, ``topic:``, ``issuer:``,
``docno:``, ``validity:``, a repeated filter, a kind by its label, a place name the portal reads
as several places, anything the parser had to reinterpret) raises ``UnsupportedQuery``: loading
the query set fails, rather than a new query being judged by a truth that ignores half of it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from documents import gazetteer as gz
from documents.choices import Kind
from documents.script import fold
from search.core.analysis import normalise, phrase_pattern
from search.core.query import ParsedQuery, parse_query

#: The filters the truth implements; every other key the parser knows is refused.
SUPPORTED_FILTERS = ("year", "province", "region", "kind")
#: The nation is a level of government, not a container (``search.search_indexes.filter_codes``):
#: ``region:全国`` means the central government's own releases, so its "prefix" is its whole code.
NATION_PREFIX = gz.NATION_CODE


class UnsupportedQuery(ValueError):
    """A query the truth cannot judge: it uses a feature the truth does not implement."""


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


@dataclass(frozen=True, slots=True)
class RowFilter:
    """A query's filters, resolved: what a row must hold (``None`` and ``()``: anything).

    Peers translate the fields into their own engine's filters; the truth calls it on rows.
    """

    year: int | None = None
    region_prefixes: tuple[str, ...] = ()  # division-code prefixes, all of which must match
    kind: str | None = None

    def __call__(self, row: Row) -> bool:
        return (
            (self.year is None or row.year == self.year)
            and all(row.region.startswith(prefix) for prefix in self.region_prefixes)
            and (self.kind is None or row.kind == self.kind)
        )


def load_queries(path: Path | None = None) -> list[BenchQuery]:
    """The query set; raises ``UnsupportedQuery`` (naming the line) for a query the truth
    cannot judge, before any time is spent building or querying."""
    path = path or Path(settings.BASE_DIR) / "fixtures" / "bench-queries.jsonl"
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        query = BenchQuery(row["q"], row.get("tag", ""))
        try:
            check_supported(query.parsed)
        except UnsupportedQuery as exc:
            raise UnsupportedQuery(f"{path.name}:{number}: {exc}") from None
        queries.append(query)
    return queries


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


def check_supported(query: ParsedQuery) -> RowFilter:
    """The query's filters, if the truth implements everything the query asks for.

    Raises ``UnsupportedQuery`` saying what it does not implement.
    """
    if query.notes:
        raise UnsupportedQuery(
            f"{query.text!r}: the parser had to reinterpret it ({' '.join(query.notes)})"
        )
    if not query.groups:
        raise UnsupportedQuery(f"{query.text!r}: no phrase to look for (the truth matches phrases)")
    return row_filter(query)


def row_filter(query: ParsedQuery) -> RowFilter:
    """The query's filters (year, province, region, kind) resolved for a test on a row.

    Raises ``UnsupportedQuery`` for a filter the truth does not implement.
    """
    unsupported = sorted(set(query.filters) - set(SUPPORTED_FILTERS))
    if unsupported:
        keys = ", ".join(k + ":" for k in unsupported)
        known = ", ".join(k + ":" for k in SUPPORTED_FILTERS)
        raise UnsupportedQuery(
            f"{query.text!r}: the truth does not implement {keys} (only {known})"
        )
    repeated = [key for key, values in query.filters.items() if len(values) > 1]
    if repeated:
        raise UnsupportedQuery(
            f"{query.text!r}: {repeated[0]}: given more than once (the portal ORs the values,"
            " the truth takes one)"
        )
    value = {key: values[0] for key, values in query.filters.items()}
    prefixes = tuple(
        _prefix(_place(key, value[key], query.text))
        for key in ("province", "region")
        if key in value
    )
    return RowFilter(
        year=_year(value["year"], query.text) if "year" in value else None,
        region_prefixes=prefixes,
        kind=_kind(value["kind"], query.text) if "kind" in value else None,
    )


def _year(value: str, text: str) -> int:
    if not (re.fullmatch(r"[0-9]{4}", value) and 1900 <= int(value) <= 2100):
        raise UnsupportedQuery(
            f"{text!r}: year:{value} — the truth implements one four-digit year (1900–2100, as"
            " the portal), not ranges or unknown"
        )
    return int(value)


def _kind(value: str, text: str) -> str:
    if value not in Kind.values:
        raise UnsupportedQuery(
            f"{text!r}: kind:{value} — the truth compares stored values"
            f" ({', '.join(Kind.values)}), not labels or aliases"
        )
    return value


def _place(key: str, value: str, text: str) -> gz.Place:
    """The one division ``key:value`` names; ``UnsupportedQuery`` if none or several."""
    found = _places(key, value)
    if not found:
        what = "province" if key == "province" else "division"
        raise UnsupportedQuery(f"{text!r}: {key}:{value} names no {what} the gazetteer knows")
    if len(found) > 1:
        names = "、".join(p.name for p in found[:6])
        raise UnsupportedQuery(
            f"{text!r}: {key}:{value} names {len(found)} divisions ({names}), which the portal"
            " ORs; the truth takes exactly one"
        )
    return found[0]


@cache
def _places(key: str, value: str) -> tuple[gz.Place, ...]:
    """The divisions ``key:value`` names, read as the portal reads it: a code, else an exact
    name, else the names it begins (``province:`` among the provinces and the nation only).

    Cached: peers resolve their filters inside the timed part of a query.
    """
    pool = [
        p for p in gz.places() if key == "region" or p.level in (gz.Level.NATION, gz.Level.PROVINCE)
    ]
    name = fold(value).strip()
    if re.fullmatch(r"[0-9]{6}", value):
        return tuple(p for p in pool if p.code == value)
    exact = tuple(p for p in pool if p.name == name)
    if exact or len(name) < 2:
        return exact
    return tuple(p for p in pool if p.name.startswith(name))


def _prefix(place: gz.Place) -> str:
    """The code prefix shared by ``place`` and every division below it (62 for 甘肃省)."""
    if place.level == gz.Level.NATION:
        return NATION_PREFIX
    if place.level == gz.Level.PROVINCE:
        return place.code[:2]
    if place.level == gz.Level.CITY:
        return place.code[:4]
    return place.code


def truth(query: ParsedQuery, rows: list[Row]) -> set[int]:
    """The sections a perfect engine returns: substring containment plus filters.

    Raises ``UnsupportedQuery`` for a query using what this does not implement.
    """
    keep = check_supported(query)
    groups = [[phrase_pattern(list(p.units)) for p in group] for group in query.groups]
    excluded = [phrase_pattern(list(p.units)) for p in query.excluded]
    found = set()
    for row in rows:
        text = row.normalised
        wanted = all(any(p.search(text) for p in group) for group in groups)
        if wanted and not any(p.search(text) for p in excluded) and keep(row):
            found.add(row.section)
    return found
