"""Uploaded originals on disk kept equal to what the database points to.

An original is written when its release is stored, and a kill between the file and the commit,
or a release deleted, used to leave a file nothing points to (403 of them after a few resets);
a file lost on disk left a download link to nothing. Now:

* an original is written with a note of it in its process's folder of writes in flight
  (``save_original``); the note goes once the release has committed, and the file with it if
  the write fails. A process killed in between leaves the note, and whoever comes next — a
  starting worker, the periodic sweep, ``check_originals --repair`` — deletes the files of a
  dead process's notes that no release points to (``reclaim_interrupted``), at once, with no
  grace period to wait out;
* deleting a release deletes its original once the deletion has committed
  (``forget_original_on_delete``);
* ``check_originals`` lists both kinds of drift — orphan files and missing originals — and
  repairs them: an orphan older than a grace period (an import in flight may not have
  committed yet) is deleted, a missing original's dangling reference is cleared so its page no
  longer offers a broken download.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from documents.processes import is_gone, this_process

#: Where ``Release.original`` stores files, under MEDIA_ROOT.
ORIGINALS = "originals"
#: An orphan younger than this may belong to an import that has not committed yet.
GRACE_SECONDS = 15 * 60
#: Under MEDIA_ROOT: a folder per writing process (``host-pid``) of notes of originals written
#: before their release's commit.
IN_FLIGHT = ".writing"


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
    *,
    repair: bool = False,
    clear_missing: bool = True,
    now: float | None = None,
    grace: float = GRACE_SECONDS,
) -> OriginalsReport:
    """Compare the originals folder with the database; with ``repair``, fix what is safe:
    delete the orphans (and, unless ``clear_missing`` is off, clear the references to missing
    originals)."""
    now = time.time() if now is None else now
    notes = abandoned_notes(now, grace)
    abandoned = {name for names in notes.values() for name in names}
    referenced = referenced_names()
    report = OriginalsReport(referenced=len(referenced))
    on_disk = set()
    for name, mtime in stored_files():
        report.files += 1
        on_disk.add(name)
        if name in referenced:
            continue
        if now - mtime < grace and name not in abandoned:
            report.young_orphans.append(name)
        else:
            report.orphans.append(name)
    report.missing = sorted((pk, name) for name, pk in referenced.items() if name not in on_disk)
    if repair:
        for name in report.orphans:
            default_storage.delete(name)
            report.deleted += 1
        _forget_notes(list(notes))
        if clear_missing and report.missing:
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
    """Delete orphans — older than ``grace``, or at once those of a dead process's writes —
    and nothing else: what the worker runs unattended. A missing original is only reported
    (``check_originals``), never cleared by a sweep — a storage volume not mounted for a
    moment must not cost every release its reference."""
    return len(check_originals(repair=True, clear_missing=False, grace=grace).orphans)


def _in_flight_root() -> Path:
    return Path(settings.MEDIA_ROOT) / IN_FLIGHT


def save_original(release: Any, filename: str, data: bytes) -> None:
    """Write ``data`` as ``release``'s original under ``filename``, noted as in flight until
    the release's transaction commits. Call within that transaction, before the release is
    saved; on failure, call ``discard_original``."""
    host, _, pid = this_process().rpartition(":")
    folder = _in_flight_root() / f"{host}-{pid}"
    folder.mkdir(parents=True, exist_ok=True)
    note = folder / f"{uuid.uuid4().hex}.note"
    name = release.original.field.generate_filename(release, filename)
    note.write_text(name, encoding="utf-8")  # first: a kill after it leaves nothing unnoted
    release.original.save(filename, ContentFile(data), save=False)
    if release.original.name != name:  # the storage chose another name: note that one too
        note.write_text(f"{name}\n{release.original.name}", encoding="utf-8")
    release._original_note = note
    transaction.on_commit(lambda: note.unlink(missing_ok=True))


def discard_original(release: Any) -> None:
    """The write failed before its commit: delete the original and its note."""
    note = getattr(release, "_original_note", None)
    if release.original:
        release.original.delete(save=False)
    if note is not None:
        note.unlink(missing_ok=True)


def abandoned_notes(
    now: float | None = None, grace: float = GRACE_SECONDS
) -> dict[Path, list[str]]:
    """Notes of writes that will never commit — their process on this machine is gone, or
    the note is older than ``grace`` — with the storage names each one names."""
    root = _in_flight_root()
    if not root.is_dir():
        return {}
    now = time.time() if now is None else now
    found: dict[Path, list[str]] = {}
    for folder in root.iterdir():
        gone = _writer_gone(folder)
        for note in folder.glob("*.note"):
            try:
                if gone or now - note.stat().st_mtime >= grace:
                    found[note] = note.read_text(encoding="utf-8").split()
            except FileNotFoundError:
                continue  # its commit came meanwhile
    return found


def _writer_gone(folder: Path) -> bool:
    """Whether the process a folder of notes (``host-pid``) belongs to is known to be gone."""
    host, _, pid = folder.name.rpartition("-")
    return is_gone(f"{host}:{pid}")


def _forget_notes(notes: list[Path]) -> None:
    """Remove handled notes, and the folders of gone processes that have none left (a live
    process's folder stays: it may be writing its next note)."""
    for note in notes:
        note.unlink(missing_ok=True)
    for folder in {note.parent for note in notes}:
        if _writer_gone(folder):
            with contextlib.suppress(OSError):  # not empty
                folder.rmdir()


def reclaim_interrupted(now: float | None = None, grace: float = GRACE_SECONDS) -> int:
    """Delete the originals of writes that will never commit (``abandoned_notes``) that no
    release points to; returns how many files were deleted. What a starting worker runs."""
    notes = abandoned_notes(now, grace)
    referenced = referenced_names()
    deleted = 0
    for names in notes.values():
        for name in names:
            if name not in referenced and default_storage.exists(name):
                default_storage.delete(name)
                deleted += 1
    _forget_notes(list(notes))
    return deleted
