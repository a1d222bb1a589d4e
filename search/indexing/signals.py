"""Keep the index in step with the database, after each transaction commits.

haystack's ``RealtimeSignalProcessor`` listens to every model and writes inside the transaction,
so a rolled-back edit can still reach the index. Here only releases and their sections are
watched — their bulk writes too (``documents.signals.rows_changed``), which send no
``post_save`` — changes are collected per transaction (``search.indexing.pending``), and the
release is re-indexed as a whole (its sections, or nothing if it is no longer published) once
the data is really there. A bulk import announces itself (``documents.signals.
bulk_import_started``) and is answered with a stream that indexes its releases as they come.

If another process is writing the index, the sync waits ``SEARCH_LOCK_WAIT`` seconds and then
hands the release to the task queue's worker (``search.indexing.later``): a publish never
fails, or keeps a request waiting, because a bulk import or a rebuild is under way.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import models
from haystack.signals import BaseSignalProcessor

from documents.models import Release, Section
from documents.signals import bulk_import_started, rows_changed
from search.engines.base import IndexBusy, SearchUnavailable
from search.indexing import later, pending, sync
from search.indexing.state import record_index_state
from search.indexing.sync import ReleaseStream

log = logging.getLogger(__name__)


class ReleaseSignalProcessor(BaseSignalProcessor):
    """Re-index a release after commit whenever it or one of its sections changes."""

    def setup(self) -> None:
        rows_changed.connect(self.rows_changed)
        bulk_import_started.connect(self.bulk_import_started)
        models.signals.post_save.connect(self.release_changed, sender=Release)
        models.signals.post_delete.connect(self.release_changed, sender=Release)
        models.signals.post_save.connect(self.section_changed, sender=Section)
        models.signals.post_delete.connect(self.section_changed, sender=Section)

    def teardown(self) -> None:
        rows_changed.disconnect(self.rows_changed)
        bulk_import_started.disconnect(self.bulk_import_started)
        models.signals.post_save.disconnect(self.release_changed, sender=Release)
        models.signals.post_delete.disconnect(self.release_changed, sender=Release)
        models.signals.post_save.disconnect(self.section_changed, sender=Section)
        models.signals.post_delete.disconnect(self.section_changed, sender=Section)

    def release_changed(self, sender: type, instance: Release, **kwargs: object) -> None:
        self.schedule(instance.pk)

    def section_changed(self, sender: type, instance: Section, **kwargs: object) -> None:
        self.schedule(instance.release_id)

    def rows_changed(self, sender: type, release_ids: set[int], **kwargs: object) -> None:
        """``update()``/``bulk_create()``/``bulk_update()``, which send no ``post_save``."""
        for release_id in release_ids:
            self.schedule(release_id)

    def bulk_import_started(self, sender: type, **kwargs: object) -> ReleaseStream | None:
        """A stream for the import's releases, or ``None`` (the after-commit sync does it)."""
        return sync.open_stream()

    def schedule(self, release_id: int | None) -> None:
        """Sync ``release_id`` when the current transaction commits, batched per transaction."""
        if release_id is not None:
            pending.schedule(self, self.sync, release_id)

    def sync(self, release_ids: set[int]) -> None:
        """Make the index hold exactly these releases' published sections."""
        ids = sorted(release_ids)
        try:
            counts = sync.sync_releases(ids, wait=settings.SEARCH_LOCK_WAIT)
        except (IndexBusy, SearchUnavailable):
            log.info("search index busy: releases %s will be indexed when it is free", ids)
            later.later(ids)
        except Exception as exc:  # the database is the record; a stale index is reported
            log.exception("could not update the search index for releases %s", ids)
            record_index_state(ids, error=f"{type(exc).__name__}: {exc}")
        else:
            record_index_state(ids, counts=counts)
