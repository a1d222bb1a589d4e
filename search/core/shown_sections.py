"""The sections a results page shows, with their releases remembered per process.

Twenty hits are twenty sections of a dozen releases that earlier searches showed too. Built by
the ORM with their release, region and province in one joined query they cost about 2 ms of a
12 ms search on the 1x benchmark library, most of it in making 80 model instances and, on
SQLite, in reading each release row past its text to the columns after it. Here the sections
come from one query of their own columns, and each release (with its region and province) is
made once per process and reused until a release is saved anywhere: every search reads the
latest ``updated`` stamp (one step down an index), which any save moves, so an edit made in
another process is seen on the next search. A region saved or deleted in this process drops the
memory too; one renamed in another process is seen after the next release is saved there or
anywhere (regions have no stamp of their own; the gazetteer is rarely edited).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import router
from django.db.models import Max

from documents.models import Region, Release, Section

#: Release columns a results page never shows: large, and read for every hit otherwise.
RELEASE_BULK = ("text", "details", "index_error")
#: Releases remembered at most; past it the memory starts again (about 3.5 KB each).
MAX_RELEASES = 20_000

_SECTION_COLUMNS = tuple(f.attname for f in Section._meta.concrete_fields)
_releases: dict[int, Release] = {}
_regions: dict[int, Region] = {}
#: The latest ``updated`` of any release when ``_releases`` was last checked.
_latest_edit: datetime | None = None


def load_sections(ids: Iterable[int]) -> dict[int, Section]:
    """The sections ``ids`` (those that still exist), each with its release, region and province.

    Unordered: the caller keeps the ranking's order.
    """
    ids = list(ids)
    if not ids:
        return {}
    rows = Section.objects.filter(pk__in=ids).order_by().values_list(*_SECTION_COLUMNS)
    db = router.db_for_read(Section)
    sections = {row[0]: Section.from_db(db, _SECTION_COLUMNS, row) for row in rows}
    releases = remembered_releases({s.release_id for s in sections.values()})
    shown = {}
    for pk, section in sections.items():
        release = releases.get(section.release_id)
        if release is not None:  # else deleted since the section was read
            section.release = release
            shown[pk] = section
    return shown


def remembered_releases(ids: set[int]) -> dict[int, Release]:
    """Releases by id, all read again once any release has been saved since the last search
    (a release deleted meanwhile is left out)."""
    _check_latest_edit()
    missing = [pk for pk in ids if pk not in _releases]
    if missing:
        if len(_releases) + len(missing) > MAX_RELEASES:
            _drop()
        _remember(_query().filter(pk__in=missing))
    return {pk: release for pk in ids if (release := _releases.get(pk)) is not None}


def remember_releases(limit: int = MAX_RELEASES) -> int:
    """Read the newest published releases ahead of the first search (a worker's warm-up), so
    that no reader's search pays for them; return how many are remembered."""
    _check_latest_edit()
    published = _query().filter(status=Release.Status.PUBLISHED).order_by("-published", "-pk")
    _remember(published[:limit])
    return len(_releases)


def forget_releases(**_kwargs: object) -> None:
    """Drop the remembered releases (a region was saved or deleted)."""
    global _latest_edit
    _drop()
    _latest_edit = None


def _check_latest_edit() -> None:
    global _latest_edit
    latest = Release.objects.order_by().aggregate(latest=Max("updated"))["latest"]
    if latest != _latest_edit:
        _drop()
        _latest_edit = latest


def _drop() -> None:
    _releases.clear()
    _regions.clear()


def _remember(releases: Iterable[Release]) -> None:
    """Keep ``releases``, each region object shared by all the releases of that region."""
    for release in releases:
        region = release.region
        if region is not None:
            if region.parent is not None:
                region.parent = _regions.setdefault(region.parent_id, region.parent)
            release.region = _regions.setdefault(region.pk, region)
        _releases[release.pk] = release


def _query():
    return Release.objects.select_related("region__parent").defer(*RELEASE_BULK).order_by()
