"""Similar sections in other regions: from 金昌's 一网通办 to 湘潭's, in one click.

The backend ranks indexed sections by shared distinctive words (``more_like_this``); here the
source's own place is left out (its city and the counties below it, or the nation for a
national release) and at most two sections per region are kept, so the list is a tour of
other places rather than of one document.
"""

from __future__ import annotations

from dataclasses import dataclass

from documents.models import Region, Section
from search.engines import backend_for
from search.engines.base import Similar

#: Sections listed.
LIMIT = 10
#: At most this many from one region.
PER_REGION = 2


@dataclass(slots=True)
class SimilarSection:
    """A similar section with its score (for ordering only) and, once shown, its snippet."""

    section: Section
    score: float
    snippet: str = ""


def place_prefix(region: Region | None) -> str:
    """The code prefix of a region's own place: its city (with counties), province or nation."""
    if region is None:
        return ""
    if region.level == Region.LevelChoices.NATION:
        return region.code
    if region.level == Region.LevelChoices.PROVINCE:
        return region.code[:2] + "0000"
    return region.code[:4]


def similar_in_other_regions(section: Section, limit: int = LIMIT) -> list[SimilarSection]:
    """Sections most like ``section`` from published releases of other places, best first."""
    found = backend_for().similar_sections(section)
    own = place_prefix(section.release.region)
    chosen: list[Similar] = []
    per_region: dict[str, int] = {}
    for candidate in found:
        if candidate.release == section.release_id:
            continue
        if own and candidate.region.startswith(own):
            continue
        if per_region.get(candidate.region, 0) >= PER_REGION:
            continue
        per_region[candidate.region] = per_region.get(candidate.region, 0) + 1
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    sections = Section.objects.select_related("release__region__parent").in_bulk(
        [c.section for c in chosen]
    )
    return [
        SimilarSection(sections[c.section], c.score)
        for c in chosen
        if c.section in sections and sections[c.section].release.is_published
    ]
