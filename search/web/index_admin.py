"""Admin buttons that start index work as background jobs: check and repair, rebuild.

The release list's index banner says how the index compares with the database; these views
let staff act on it without a shell (``check_search_index --repair``, ``ensure_search_index
--rebuild``). Each starts a job (``search.index_jobs``) and opens its page; a second click
while one is unfinished opens the running one instead of queueing the same work twice.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import jobs
from documents.models import Job

INDEX_KINDS = (Job.Kind.REPAIR_INDEX, Job.Kind.REBUILD_INDEX)
PERMISSION = "documents.change_release"


def _start(request: HttpRequest, kind: str, label: str) -> HttpResponseRedirect:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    unfinished = (
        Job.objects.filter(kind__in=INDEX_KINDS)
        .exclude(status__in=[Job.Status.DONE, Job.Status.FAILED, Job.Status.CANCELLED])
        .order_by("pk")
        .first()
    )
    if unfinished is not None:
        messages.info(request, _("已有检索索引任务在进行，先看它的进度。"))
        return HttpResponseRedirect(unfinished.get_absolute_url())
    job = jobs.submit(kind, label=label, user=request.user)
    return HttpResponseRedirect(job.get_absolute_url())


@require_POST
def start_repair(request: HttpRequest) -> HttpResponseRedirect:
    """Compare the index with the database and re-index what differs, as a job."""
    return _start(request, Job.Kind.REPAIR_INDEX, _("核对并修复检索索引"))


@require_POST
def start_rebuild(request: HttpRequest) -> HttpResponseRedirect:
    """Build the whole index again beside the live one, as a job."""
    return _start(request, Job.Kind.REBUILD_INDEX, _("重建检索索引"))


def admin_urls(site: AdminSite) -> list[URLPattern]:
    """The views under the admin site, behind its login."""
    return [
        path("search-index/repair/", site.admin_view(start_repair), name="search_index_repair"),
        path("search-index/rebuild/", site.admin_view(start_rebuild), name="search_index_rebuild"),
    ]
