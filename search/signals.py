"""Keep the index in step with the database, after each transaction commits.

haystack's ``RealtimeSignalProcessor`` listens to every model and writes inside the transaction,
so a rolled-back edit can still reach the index. Here only releases and their sections are
watched — their bulk writes too (``documents.signals.rows_changed``), which send no
``post_save`` — changes are collected per transaction, and the release is re-indexed as a
whole (its sections, or nothing if it is no longer published) once the data is really there.

If another process is writing the index, the sync waits ``SEARCH_LOCK_WAIT`` seconds and then
leaves the release to the process's retry thread (``search.index_retry``): a publish never
fails, or keeps a request waiting, because a bulk import or a rebuild is under way.
"""

from __future__ import annotations

import logging

from django.db import models, transaction
from haystack.signals import BaseSignalProcessor

from documents.models import Release, Section
from documents.signals import rows_changed

log = logging.getLogger(__name__)


class ReleaseSignalProcessor(BaseSignalProcessor):
    """Re-index a release after commit whenever it or one of its sections changes."""

    def setup(self) -> None:
        rows_changed.connect(self.rows_changed)
        models.signals.post_save.connect(self.release_changed, sender=Release)
        models.signals.post_delete.connect(self.release_changed, sender=Release)
        models.signals.post_save.connect(self.section_changed, sender=Section)
        models.signals.post_delete.connect(self.section_changed, sender=Section)

    def teardown(self) -> None:
        rows_changed.disconnect(self.rows_changed)
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

    def schedule(self, release_id: int | None) -> None:
        """Sync ``release_id`` when the current transaction commits, batched per transaction."""
        if release_id is None:
            return
        connection = transaction.get_connection()
        for entry in getattr(connection, "run_on_commit", None) or []:
            pending = entry[1]
            if isinstance(pending, _PendingSync) and pending.processor is self and not pending.done:
                pending.release_ids.add(release_id)
                return
        transaction.on_commit(_PendingSync(self, {release_id}))

    def sync(self, release_ids: set[int]) -> None:
        """Make the index hold exactly these releases' published sections."""
        from django.conf import settings

        from search import index_retry
        from search.errors import SearchUnavailable
        from search.indexing import record_index_state, sync_releases
        from search.whoosh_storage import IndexBusy

        ids = sorted(release_ids)
        try:
            sync_releases(ids, using=self.connections, wait=settings.SEARCH_LOCK_WAIT)
        except (IndexBusy, SearchUnavailable):
            log.info("search index busy: releases %s will be indexed when it is free", ids)
            index_retry.later(ids)
        except Exception as exc:  # the database is the record; a stale index is reported
            log.exception("could not update the search index for releases %s", ids)
            record_index_state(ids, error=f"{type(exc).__name__}: {exc}")
        else:
            record_index_state(ids)


def hand_over(release_id: int) -> None:
    """Leave ``release_id`` out of this transaction's after-commit sync: it is indexed already.

    A bulk import streams its releases to the index (``search.indexing.ReleaseStream``);
    syncing them again after commit would redo all that work.
    """
    connection = transaction.get_connection()
    for entry in getattr(connection, "run_on_commit", None) or []:
        pending = entry[1]
        if isinstance(pending, _PendingSync) and not pending.done:
            pending.release_ids.discard(release_id)


class _PendingSync:
    """The one after-commit callback of a transaction, collecting the releases it changed."""

    def __init__(self, processor: ReleaseSignalProcessor, release_ids: set[int]) -> None:
        self.processor = processor
        self.release_ids = release_ids
        self.done = False

    def __call__(self) -> None:
        self.done = True
        if self.release_ids:  # all of them may have been handed over to a stream
            self.processor.sync(self.release_ids)
