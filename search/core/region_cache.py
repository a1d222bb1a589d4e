"""Region names and parents for facets, remembered per process: the gazetteer rarely changes.

Counting a region facet needs every matched region's ancestors, and labelling needs names; two
database round trips per search otherwise. The memory is dropped when a region is saved or
deleted and whenever the process opens a changed search index.
"""

from __future__ import annotations

from documents.models import Region

#: Region code → (parent code, name), filled as codes are met; cleared when a region changes.
_regions: dict[str, tuple[str | None, str]] = {}


def region_parents(codes: set[str]) -> dict[str, str | None]:
    """Parent codes of ``codes`` and of all their ancestors."""
    parents: dict[str, str | None] = {}
    todo = set(codes)
    while todo:
        _remember(todo)
        found = {code: _regions[code][0] for code in todo if code in _regions}
        parents.update(found)
        todo = {p for p in found.values() if p and p not in parents}
    return parents


def _remember(codes: set[str]) -> None:
    missing = [code for code in codes if code not in _regions]
    if missing:
        rows = Region.objects.filter(code__in=missing).values_list("code", "parent__code", "name")
        _regions.update({code: (parent, name) for code, parent, name in rows})


def forget_regions(**_kwargs: object) -> None:
    """Drop the remembered region names and parents (a region was saved or deleted)."""
    _regions.clear()


def region_names(codes: set[str]) -> dict[str, str]:
    """Names of the known ``codes``."""
    _remember(codes)
    return {code: _regions[code][1] for code in codes if code in _regions}
