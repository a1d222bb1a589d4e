"""Finding releases that an upload nearly repeats, and keeping their fingerprints current."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count

from documents.fingerprints import chunked, sentence_hashes
from documents.models import Release, SentenceFingerprint

NEAR_DUPLICATE_SHARE = 0.6
"""Share of sentences in common (of the smaller text) from which two releases count as one."""

MIN_SENTENCES = 3
"""Texts with fewer sentences are too short to compare meaningfully."""


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """A stored release that shares most sentences with an upload."""

    release: Release
    shared: int  # sentences in common
    share: float  # of the smaller of the two texts

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def find_near_duplicates(text: str, *, exclude: int | None = None) -> list[NearDuplicate]:
    """Stored releases sharing most sentences (``NEAR_DUPLICATE_SHARE``) with ``text``."""
    hashes = sentence_hashes(text)
    if len(hashes) < MIN_SENTENCES:
        return []
    shared: Counter[int] = Counter()
    for batch in chunked(hashes):
        rows = SentenceFingerprint.objects.filter(value__in=batch).values_list("release_id")
        for (release_id,) in rows:
            shared[release_id] += 1
    shared.pop(exclude, None)
    if not shared:
        return []
    sizes = dict(
        SentenceFingerprint.objects.filter(release_id__in=shared)
        .values_list("release_id")
        .annotate(n=Count("id"))
    )
    found = []
    releases = Release.objects.select_related("region").in_bulk(list(shared))
    for release_id, common in shared.items():
        share = common / max(1, min(len(hashes), sizes.get(release_id, 0)))
        if share >= NEAR_DUPLICATE_SHARE and release_id in releases:
            found.append(NearDuplicate(releases[release_id], common, min(share, 1.0)))
    return sorted(found, key=lambda d: (-d.share, d.release.pk))


def store_fingerprints(release: Release) -> None:
    """Replace the release's sentence hashes with those of its current text.

    A few hundred rows per release, written with one ``executemany`` rather than as model
    instances: on a bulk import the ORM's per-object cost was a third of the import's time.
    """
    SentenceFingerprint.objects.filter(release=release).delete()
    meta = SentenceFingerprint._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("release", "value"))
    insert = f"INSERT INTO {table} ({columns}) VALUES (%s, %s)"  # noqa: S608 - model names
    rows = [(release.pk, value) for value in sentence_hashes(release.text)]
    with connection.cursor() as cursor:
        cursor.executemany(insert, rows)
