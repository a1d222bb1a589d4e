"""The one after-commit callback per transaction that collects the releases it changed.

Kept apart from the signal processor and the import stream, which both use it: the processor
adds releases to it, a bulk import's stream takes releases out (``hand_over``) because it
indexes them itself.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


class PendingSync:
    """Releases to sync once the transaction commits, handed to ``sync`` in one call."""

    def __init__(self, owner: object, sync: Callable[[set[int]], None], release_ids: set[int]):
        self.owner = owner
        self.sync = sync
        self.release_ids = release_ids
        self.done = False

    def __call__(self) -> None:
        self.done = True
        if self.release_ids:  # all of them may have been handed over to a stream
            self.sync(self.release_ids)


def _open_callbacks() -> list[PendingSync]:
    """This transaction's pending syncs that have not run yet."""
    connection = transaction.get_connection()
    entries = getattr(connection, "run_on_commit", None) or []
    return [e[1] for e in entries if isinstance(e[1], PendingSync) and not e[1].done]


def schedule(owner: object, sync: Callable[[set[int]], None], release_id: int) -> None:
    """Sync ``release_id`` with ``sync`` when the current transaction commits, batched."""
    for pending in _open_callbacks():
        if pending.owner is owner:
            pending.release_ids.add(release_id)
            return
    transaction.on_commit(PendingSync(owner, sync, {release_id}))


def hand_over(release_id: int) -> None:
    """Leave ``release_id`` out of this transaction's after-commit syncs: it is indexed already.

    A bulk import streams its releases to the index (``search.indexing.sync.ReleaseStream``);
    syncing them again after commit would redo all that work.
    """
    for pending in _open_callbacks():
        pending.release_ids.discard(release_id)
