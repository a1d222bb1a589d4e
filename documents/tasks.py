"""The task queue's tasks (huey): jobs, their resumption, the sweep of orphaned originals.

``manage.py run_huey`` runs them; ``make run`` starts it beside the server. A job reaches the
worker as its id only — the ``Job`` row holds everything else — so a message lost with a killed
worker costs nothing: on start, and every minute, the worker queues again every job that no
live worker is doing (``documents.jobs.resume_stalled``).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from documents import jobs
from documents.originals import sweep_orphans


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
    """Remove original files no release points to (a write killed before its commit);
    files younger than the grace period are left for the import still writing them."""
    sweep_orphans()


@on_startup()
def resume_after_restart() -> None:
    """A restarted worker first takes up what the previous one left."""
    from django.db import close_old_connections

    close_old_connections()
    jobs.resume_stalled()


jobs.set_queue(run_job, immediate=HUEY.immediate)
