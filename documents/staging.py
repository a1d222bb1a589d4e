"""Uploads waiting for a person's decision (preview → publish, save as draft, or discard).

A staged upload is the file's bytes, unchanged, plus a small JSON note (original name, when,
and for bulk files the dry-run report). Both live in the default file storage — outside the
web root, under generated names — so a multi-machine site sees the same staged files.
Staged uploads nobody decided on are removed after ``STALE_AFTER``.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

STAGING_DIR = "staging"
STALE_AFTER = timedelta(days=2)
_TOKEN = re.compile(r"[0-9a-f]{32}")


class StagedUploadMissing(LookupError):
    """The token names no staged upload (already decided on, expired, or made up)."""


@dataclass(frozen=True, slots=True)
class StagedUpload:
    """One upload waiting for a decision."""

    token: str
    filename: str  # as the uploader's machine named it
    data: bytes
    note: dict[str, Any] = field(default_factory=dict)

    @property
    def suffix(self) -> str:
        return PurePath(self.filename).suffix.lower()


def stage(data: bytes, filename: str, note: dict[str, Any] | None = None) -> str:
    """Keep an upload until someone publishes or discards it; returns its token."""
    purge_stale()
    token = uuid.uuid4().hex
    default_storage.save(_data_path(token), ContentFile(data))
    meta = {"filename": PurePath(filename).name, "note": note or {}}
    default_storage.save(_note_path(token), ContentFile(json.dumps(meta, ensure_ascii=False)))
    return token


def load(token: str) -> StagedUpload:
    """The staged upload named by ``token``; raises StagedUploadMissing."""
    if not _TOKEN.fullmatch(token or ""):
        raise StagedUploadMissing(token)
    try:
        with default_storage.open(_note_path(token), "rb") as handle:
            meta = json.loads(handle.read().decode("utf-8"))
        with default_storage.open(_data_path(token), "rb") as handle:
            data = handle.read()
    except (OSError, ValueError) as exc:
        raise StagedUploadMissing(token) from exc
    return StagedUpload(token, meta.get("filename", ""), data, meta.get("note", {}))


def discard(token: str) -> None:
    """Forget a staged upload (after it was stored, or when the uploader gives up)."""
    if not _TOKEN.fullmatch(token or ""):
        return
    for path in (_data_path(token), _note_path(token)):
        default_storage.delete(path)


def purge_stale(now=None) -> int:
    """Remove staged uploads older than ``STALE_AFTER``; returns how many files went."""
    now = now or timezone.now()
    try:
        _dirs, files = default_storage.listdir(STAGING_DIR)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in files:
        path = f"{STAGING_DIR}/{name}"
        try:
            if now - default_storage.get_modified_time(path) > STALE_AFTER:
                default_storage.delete(path)
                removed += 1
        except OSError:
            continue
    return removed


def _data_path(token: str) -> str:
    return f"{STAGING_DIR}/{token}.upload"


def _note_path(token: str) -> str:
    return f"{STAGING_DIR}/{token}.json"
