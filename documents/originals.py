"""Uploaded originals on disk kept equal to what the database points to.

An original is written when its release is stored, and a kill between the file and the commit,
or a release deleted, used to leave a file nothing points to (403 of them after a few resets);
a file lost on disk left a download link to nothing. Deleting a release now deletes its original
once the deletion has committed (``forget_original_on_delete``), and ``check_originals`` lists
both kinds of drift — orphan files and missing originals — and repairs them: an orphan older
than a grace period (an import in flight may not have committed yet) is deleted, a missing
original's dangling reference is cleared so its page no longer offers a broken download.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

#: Where ``Release.original`` stores files, under MEDIA_ROOT.
ORIGINALS = "originals"
#: An orphan younger than this may belong to an import that has not committed yet.
GRACE_SECONDS = 15 * 60


@dataclass(slots=True)
class OriginalsReport:
    """The drift between the originals folder and the database, and what a repair did."""

    files: int = 0
    referenced: int = 0
    orphans: list[str] = field(default_factory=list)
    young_orphans: list[str] = field(default_factory=list)
    missing: list[tuple[int, str]] = field(default_factory=list)
    deleted: int = 0
    cleared: int = 0

    @property
    def clean(self) -> bool:
        return not (self.orphans or self.missing)


def referenced_names() -> dict[str, int]:
    """Storage name → release id of every original the database points to."""
    from documents.models import Release

    return dict(
        (name, pk)
        for pk, name in Release.objects.exclude(original="").values_list("pk", "original")
    )


def stored_files() -> Iterator[tuple[str, float]]:
    """(storage name, modification time) of every file under the originals folder."""
    root = Path(settings.MEDIA_ROOT) / ORIGINALS
    if not root.is_dir():
        return
    for path in root.rglob("*"):
        if path.is_file():
            yield path.relative_to(settings.MEDIA_ROOT).as_posix(), path.stat().st_mtime


def check_originals(
    *, repair: bool = False, now: float | None = None, grace: float = GRACE_SECONDS
) -> OriginalsReport:
    """Compare the originals folder with the database; with ``repair``, fix what is safe."""
    now = time.time() if now is None else now
    referenced = referenced_names()
    report = OriginalsReport(referenced=len(referenced))
    on_disk = set()
    for name, mtime in stored_files():
        report.files += 1
        on_disk.add(name)
        if name in referenced:
            continue
        if now - mtime < grace:
            report.young_orphans.append(name)
        else:
            report.orphans.append(name)
    report.missing = sorted((pk, name) for name, pk in referenced.items() if name not in on_disk)
    if repair:
        for name in report.orphans:
            default_storage.delete(name)
            report.deleted += 1
        if report.missing:
            from documents.models import Release

            ids = [pk for pk, _name in report.missing]
            report.cleared = Release.objects.filter(pk__in=ids).update(original="")
    return report


def forget_original_on_delete(sender, instance, **kwargs) -> None:
    """``post_delete`` of a release: its original goes once the deletion has committed (a
    rolled-back deletion keeps it)."""
    name = instance.original.name if instance.original else ""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def sweep_orphans(grace: float = GRACE_SECONDS) -> int:
    """Delete orphans older than ``grace`` and nothing else: what the worker runs unattended.
    A missing original is only reported (``check_originals``), never cleared by a sweep — a
    storage volume not mounted for a moment must not cost every release its reference."""
    report = check_originals(grace=grace)
    for name in report.orphans:
        default_storage.delete(name)
    return len(report.orphans)
