"""Running a ``Job``: claim it, hand it to its kind's handler, record how it ended.

A request only creates the job and hands its id to the task queue (``documents.tasks``); the
worker calls ``run``. Handlers commit their work in chunks through ``JobRun.commit``, which
moves the job's counters in the same transaction as the chunk, so a worker killed at any
moment leaves a job whose ``done`` says exactly what is stored. A job whose worker stopped
sending heartbeats is taken up again by the next worker (``stalled``); the handler resumes
after its last committed chunk. Apps register handlers for their kinds (``register``), so the
search app can run index work without ``documents`` importing it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.models import Job
from documents.processes import is_gone, this_process

log = logging.getLogger(__name__)

Handler = Callable[["JobRun"], None]
_HANDLERS: dict[str, Handler] = {}
#: Queueing a job: the task queue's ``enqueue(job_id)``, installed by ``documents.tasks``.
_enqueue: Callable[[int], None] | None = None
#: Whether that queue runs a job in the caller, at once (huey's immediate mode).
_immediate = True


class Cancelled(Exception):
    """The person who started the job asked to stop it."""


def register(kind: str) -> Callable[[Handler], Handler]:
    """Declare the function that does the work of jobs of ``kind``."""

    def decorate(handler: Handler) -> Handler:
        _HANDLERS[kind] = handler
        return handler

    return decorate


def set_queue(enqueue: Callable[[int], None], *, immediate: bool) -> None:
    """Install how jobs reach the worker (the task queue's task, see ``documents.tasks``);
    ``immediate`` when the queue runs each job in the caller instead."""
    global _enqueue, _immediate
    _enqueue, _immediate = enqueue, immediate


def stale_after() -> timedelta:
    """A running job whose last heartbeat is older than this has lost its worker."""
    return timedelta(seconds=getattr(settings, "PORTAL_JOB_STALE_SECONDS", 120))


def submit(
    kind: str,
    *,
    label: str = "",
    user: Any = None,
    total: int = 0,
    token: str = "",
    **params: Any,
) -> Job:
    """Create a job and queue it once the current transaction commits (run it now when the
    queue is immediate: then it shares the caller's transaction and sees what it wrote)."""
    job = Job.objects.create(
        kind=kind,
        label=label[:300],
        token=token,
        params=params,
        total=total,
        created_by=user if getattr(user, "pk", None) else None,
        language=translation.get_language() or "",
    )
    if _immediate:
        enqueue(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    """Hand a job to the worker (or, with no queue installed, run it here)."""
    if _enqueue is None:
        run(job_id)
    else:
        _enqueue(job_id)


def cancel(job: Job) -> None:
    """Ask a job to stop: a queued job stops now, a running one after its current chunk."""
    Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.CANCELLED, cancel_requested=True, finished=timezone.now()
    )
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(cancel_requested=True)


def stalled(now=None) -> list[int]:
    """Jobs no worker is doing: running with an old heartbeat or a dead worker on this
    machine, or queued for long."""
    now = now or timezone.now()
    old = now - stale_after()
    ids = set(
        Job.objects.filter(
            Q(status=Job.Status.RUNNING, heartbeat__lt=old)
            | Q(status=Job.Status.QUEUED, created__lt=old)
        ).values_list("pk", flat=True)
    )
    for pk, worker in Job.objects.filter(status=Job.Status.RUNNING).values_list("pk", "worker"):
        if worker and is_gone(worker):
            ids.add(pk)
    return sorted(ids)


def resume_stalled() -> list[int]:
    """Queue every stalled job again; returns their ids."""
    ids = stalled()
    for job_id in ids:
        log.warning("job %s lost its worker; queued again", job_id)
        enqueue(job_id)
    return ids


#: A job is given up after this many starts (each a worker that died in it).
MAX_ATTEMPTS = 5


def run(job_id: int) -> Job | None:
    """Do one job to its end, unless another worker has it or it is finished."""
    if not _claim(job_id):
        return None
    job = Job.objects.get(pk=job_id)
    # The report is read by whoever submitted the job: write it in their language.
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _run(job)


def _run(job: Job) -> Job:
    if job.attempts > MAX_ATTEMPTS:
        message = _("放弃：已尝试 %(n)d 次，每次都中断。") % {"n": MAX_ATTEMPTS}
        _finish(job, Job.Status.FAILED, message)
        return job
    handler = _HANDLERS.get(job.kind)
    if handler is None:
        _finish(job, Job.Status.FAILED, _("没有处理“%(kind)s”类任务的程序。") % {"kind": job.kind})
        return job
    try:
        handler(JobRun(job))
    except Cancelled:
        _finish(job, Job.Status.CANCELLED)
    except Exception as exc:
        log.exception("job %s failed", job.pk)
        _finish(job, Job.Status.FAILED, f"{type(exc).__name__}: {exc}")
    else:
        _finish(job, Job.Status.DONE)
    job.refresh_from_db()
    return job


def _claim(job_id: int) -> bool:
    now = timezone.now()
    free = Q(status=Job.Status.QUEUED) | Q(
        status=Job.Status.RUNNING, heartbeat__lt=now - stale_after()
    )
    current = Job.objects.filter(pk=job_id).values_list("worker", flat=True).first()
    if current and is_gone(current):  # known dead: no need to wait for the heartbeat
        free |= Q(status=Job.Status.RUNNING, worker=current)
    claimed = (
        Job.objects.filter(free, pk=job_id)
        .exclude(cancel_requested=True, status=Job.Status.QUEUED)
        .update(
            status=Job.Status.RUNNING,
            heartbeat=now,
            attempts=F("attempts") + 1,
            worker=this_process(),
            started=Coalesce("started", Value(now, output_field=DateTimeField())),
        )
    )
    return bool(claimed)


def _finish(job: Job, status: str, error: str = "") -> None:
    fields = {"status": status, "finished": timezone.now(), "heartbeat": timezone.now()}
    if error:
        fields["error"] = error[:4000]
    Job.objects.filter(pk=job.pk).update(**fields)


class JobRun:
    """A handler's view of its job: where to resume, and how to commit a chunk."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.started = time.monotonic()

    @property
    def resume_at(self) -> int:
        """Items already committed by an earlier run of this job."""
        return self.job.done

    def set_total(self, total: int) -> None:
        self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(total=total, heartbeat=timezone.now())

    def progress(self, done: int) -> None:
        """Report ``done`` items for work that commits once at its end (a rebuild), and stop
        there if someone asked the job to stop."""
        self.job.done = done
        Job.objects.filter(pk=self.job.pk).update(done=done, heartbeat=timezone.now())
        self.check_cancel()

    def check_cancel(self) -> None:
        """Raise ``Cancelled`` if someone asked the job to stop."""
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise Cancelled

    def commit(
        self,
        work: Callable[[], Iterable[dict[str, Any]]],
        *,
        items: int,
        state: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Run ``work`` (which writes a chunk of ``items`` items and returns their report rows)
        in one transaction with the job's progress, so both commit or neither does."""
        self.check_cancel()
        with transaction.atomic():
            rows = list(work())
            job = Job.objects.select_for_update().get(pk=self.job.pk)
            job.rows = [*job.rows, *rows]
            job.done += items
            if state is not None:
                job.state = state
            job.heartbeat = timezone.now()
            job.save(update_fields=["rows", "done", "state", "heartbeat"])
        self.job = job
        return rows
