"""The search app's background jobs: checking and repairing the index, rebuilding it.

Staff start them from the admin (the release list's index banner); they run on the task
queue's worker like the documents app's jobs (``documents.jobs``), which knows them only by
their kind. A repair re-indexes the releases the comparison found, a batch per committed step
so a killed worker's successor continues; a rebuild cannot be resumed half-way (a new index is
built beside the live one and swapped in at the end), so a restarted rebuild starts again,
and a cancelled one leaves the live index as it was.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from documents.jobs import JobRun, register
from documents.models import Job, Release, Section
from search.indexing.drift import REPAIR_BATCH, index_drift, resync
from search.indexing.rebuild import rebuild_all


@register(Job.Kind.REPAIR_INDEX)
def repair_index(run: JobRun) -> None:
    """Compare the index with the database, then re-index every release that differs."""
    if "releases" not in run.job.state:  # a resumed job keeps the comparison it made
        drift = index_drift()
        run.job.state = {"releases": sorted(drift.releases), "sections": drift.total}
        Job.objects.filter(pk=run.job.pk).update(state=run.job.state)
    ids: list[int] = run.job.state["releases"]
    run.set_total(len(ids))
    titles = dict(Release.objects.filter(pk__in=ids).values_list("pk", "title"))
    for start in range(run.resume_at, len(ids), REPAIR_BATCH):
        batch = ids[start : start + REPAIR_BATCH]

        def work(batch=batch) -> list[dict[str, Any]]:
            counts = resync(batch)
            return [_repaired_row(pk, titles.get(pk), counts.get(pk, 0)) for pk in batch]

        run.commit(work, items=len(batch), state=run.job.state)


def _repaired_row(pk: int, title: str | None, sections: int) -> dict[str, Any]:
    if title is None:  # deleted: its left-over documents were removed
        return {"name": f"#{pk}", "outcome": "repaired", "message": _("已删除，移出检索")}
    return {
        "name": title,
        "outcome": "repaired",
        "message": _("重新编入 %(n)d 段") % {"n": sections},
        "release": pk,
    }


@register(Job.Kind.REBUILD_INDEX)
def rebuild_index(run: JobRun) -> None:
    """Build a new index of every published section beside the live one and swap it in."""
    published = Section.objects.filter(release__status=Release.Status.PUBLISHED)
    run.set_total(published.count())
    run.progress(0)  # a restarted rebuild starts again from the first section
    added = rebuild_all(on_progress=run.progress)
    releases = published.values("release").distinct().count()
    row = {
        "name": _("检索索引"),
        "outcome": "rebuilt",
        "message": _("新索引已启用：%(sections)d 段，%(releases)d 篇发布稿")
        % {"sections": added, "releases": releases},
    }
    # Swapped in: done, even if a cancel arrives now (``commit`` would refuse after one).
    Job.objects.filter(pk=run.job.pk).update(rows=[row], done=added)
