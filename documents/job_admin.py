"""The admin's view of background jobs: a list, and a page per job a person can watch.

A bulk publish or a re-parse returns at once with this page: how far the job is (n of N, the
rate, the time left), what failed and why, a button to cancel, and — once it is done — the
report of every item with links to what was stored. The page reloads itself while the job runs
(a plain ``<meta http-equiv="refresh">``: no script needed under the site's CSP).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents import jobs
from documents.models import Job

#: Seconds between reloads of a running job's page.
REFRESH_SECONDS = 2


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a job is, for the page and for its JSON."""

    done: int
    total: int
    percent: int
    rate: float  # items per second since it started
    eta: float | None  # seconds left, when it can be told
    elapsed: float


def progress_of(job: Job, now=None) -> Progress:
    """n of N, the rate so far and the time left at that rate."""
    now = now or timezone.now()
    start = job.started or job.created
    end = job.finished if job.finished else now
    elapsed = max((end - start).total_seconds(), 0.0) if job.started else 0.0
    rate = job.done / elapsed if elapsed > 0 else 0.0
    left = max(job.total - job.done, 0)
    eta = left / rate if rate > 0 and not job.is_finished else None
    percent = round(100 * job.done / job.total) if job.total else (100 if job.is_finished else 0)
    return Progress(job.done, job.total, percent, rate, eta, elapsed)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs are made by the pages that need them, never typed in; they can be watched and
    cancelled, and a finished one deleted."""

    list_display = ("pk", "kind", "label", "status", "progress", "created", "created_by")
    list_filter = ("kind", "status")
    search_fields = ("label",)
    list_display_links = ("pk", "label")

    @admin.display(description=_("进度"))
    def progress(self, job: Job) -> str:
        return f"{job.done} / {job.total}" if job.total else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_finished)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="documents_job_cancel",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        job = get_object_or_404(Job, pk=object_id)
        if not self.has_view_permission(request, job):
            return HttpResponseRedirect(reverse("admin:index"))
        rows = job.rows if job.is_finished else job.rows[-20:]
        counts: dict[str, int] = {}
        for row in job.rows:
            counts[row.get("outcome", "")] = counts.get(row.get("outcome", ""), 0) + 1
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(job),
            "job": job,
            "progress": progress_of(job),
            "rows": rows,
            "counts": counts,
            "failures": [r for r in job.rows if r.get("outcome") == "failed"][:50],
            "refresh": REFRESH_SECONDS if not job.is_finished else None,
            "next_step": _next_step(job),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/documents/job/progress.html", context)

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(Job, pk=pk)
        if request.method == "POST" and not job.is_finished:
            jobs.cancel(job)
            messages.info(request, _("已请求取消：已提交的部分保留，其余不再处理。"))
        return HttpResponseRedirect(job.get_absolute_url())


@dataclass(frozen=True, slots=True)
class NextStep:
    """The link a finished job's page offers."""

    url: str
    label: str


def _next_step(job: Job) -> NextStep | None:
    """Where a finished job sends its reader: a checked bulk file to its preview, a stored
    upload to its release."""
    if job.status != Job.Status.DONE:
        return None
    if job.kind == Job.Kind.BULK_CHECK:
        url = reverse("admin:documents_release_bulk", args=[job.token])
        return NextStep(url, _("查看检查结果并决定是否发布"))
    if job.kind == Job.Kind.PUBLISH_UPLOAD and job.rows and job.rows[0].get("release"):
        url = reverse("admin:documents_release_change", args=[job.rows[0]["release"]])
        return NextStep(url, _("查看这篇发布稿"))
    return None
