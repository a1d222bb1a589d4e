"""The task queue's tasks (huey): jobs, their resumption, the sweep of orphaned originals.

``manage.py run_huey`` runs them; ``make run`` starts it beside the server. A job reaches the
worker as its id only — the ``Job`` row holds everything else — so a message lost with a killed
worker costs nothing: on start, and every minute, the worker queues again every job that no
live worker is doing (``documents.jobs.resume_stalled``).
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from documents import jobs
from documents.originals import reclaim_interrupted, sweep_orphans

log = logging.getLogger(__name__)


@db_task()
def run_job(job_id: int) -> None:
    """Do one job (see ``documents.jobs.run``)."""
    jobs.run(job_id)


@db_periodic_task(crontab(minute="*"))
def resume_stalled_jobs() -> None:
    """Queue again the jobs whose worker died (killed, machine restarted)."""
    jobs.resume_stalled()


@db_periodic_task(crontab(minute="*/15"))
def sweep_orphaned_originals() -> None:
    """Remove original files no release points to: at once those of a process that died
    before its commit (a killed web worker's upload), others once past the grace period."""
    sweep_orphans()


@on_startup()
def resume_after_restart() -> None:
    """A restarted worker first clears what a killed process left half-written (originals of
    releases that never committed) and takes up the jobs it left."""
    from django.db import close_old_connections

    close_old_connections()
    reclaimed = reclaim_interrupted()
    if reclaimed:
        log.warning(
            "deleted %d original file(s) a killed process wrote but never committed", reclaimed
        )
    jobs.resume_stalled()


jobs.set_queue(run_job, immediate=HUEY.immediate)
