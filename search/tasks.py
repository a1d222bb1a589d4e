"""The search app's tasks on the worker (huey): deferred index updates and the index repair.

``manage.py run_huey`` finds this module (huey's Django integration loads each app's
``tasks``). A publish that found the index busy hands its releases to ``index_when_free``
instead of keeping its request waiting; every minute the worker catches up releases the index
is behind on, and every night it compares the whole index with the database.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from search.indexing import later, repair


@db_task()
def index_when_free(release_ids: list[int], first_tried: float) -> None:
    """Sync releases a publish could not index at once (see ``search.indexing.later``)."""
    later.index_when_free(release_ids, first_tried)


@db_periodic_task(crontab(minute="*"))
def catch_up_index() -> None:
    """Re-index the releases the index is behind on (a sync lost with its process)."""
    repair.catch_up()


@db_periodic_task(crontab(hour="3", minute="40"))
def repair_index_drift() -> None:
    """Compare the whole index with the database and repair what differs, once a night."""
    repair.repair_all()


later.set_queue(index_when_free)
