"""The documents app's background jobs: checking and importing a bulk file, storing a long
previewed upload, re-parsing, re-analysing topics and figures.

A bulk file of a thousand records takes minutes to read and longer to store and index — far
past a request's timeout. Each job works through its items in chunks; a chunk's releases and
the job's progress commit together (``JobRun.commit``), and the search index takes the chunk's
releases right after that commit, so what is published is searchable while the rest of the
file is still being read. A resumed job starts after its last committed chunk, with the
within-file duplicate check it had built so far.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import QueryDict
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from documents import staging
from documents.admin_upload import report_row, store_from_preview
from documents.forms import ReleaseFieldsForm
from documents.ingest import IngestError
from documents.jobs import JobRun, register
from documents.models import Job, Release
from documents.section_analysis import (
    Analysed,
    analyse_release,
    failed_sections_warning,
    sync_topics,
)
from documents.services import (
    Outcome,
    import_record,
    parse_upload,
    read_records,
    reparse_release,
)
from documents.signals import rows_changed

#: Records per committed chunk: small enough that each is searchable seconds after the last,
#: large enough that a thousand records are not a thousand index commits.
CHUNK = 25
#: Releases re-parsed (or re-analysed) per committed chunk.
REPARSE_CHUNK = 10


class JobInputMissing(RuntimeError):
    """The staged file a job works on is gone (discarded, or expired)."""


def _staged(run: JobRun) -> staging.StagedUpload:
    try:
        return staging.load(run.job.token)
    except staging.StagedUploadMissing as exc:
        raise JobInputMissing("上传的文件已不存在（已处理、已放弃或已过期），请重新上传。") from exc


def _records(run: JobRun, staged: staging.StagedUpload):
    try:
        records, site = read_records(staged.data, staged.filename)
    except IngestError as exc:
        raise JobInputMissing(f"无法读取“{staged.filename}”：{exc}") from exc
    run.set_total(len(records))
    return records, site


@register(Job.Kind.BULK_CHECK)
def check_bulk_file(run: JobRun) -> None:
    """The dry run a person reads before publishing: what each record would become."""
    _work_through(run, _staged(run), publish=False, dry_run=True)


@register(Job.Kind.BULK_IMPORT)
def import_bulk_file(run: JobRun) -> None:
    """Store every new record of a checked bulk file, as published releases or drafts."""
    staged = _staged(run)
    if run.resume_at:
        _reindex(run.job.rows[-CHUNK:])  # the last chunk may have committed unindexed
    _work_through(run, staged, publish=bool(run.job.params.get("publish")), dry_run=False)
    staging.discard(staged.token)


def _work_through(
    run: JobRun, staged: staging.StagedUpload, *, publish: bool, dry_run: bool
) -> None:
    """Every record from where the job stands, a chunk per commit, the within-file duplicate
    check carried in the job's state."""
    records, site = _records(run, staged)
    seen: dict[str, int] = dict(run.job.state.get("seen", {}))
    for start in range(run.resume_at, len(records), CHUNK):
        chunk = records[start : start + CHUNK]

        def work(chunk=chunk) -> list[dict[str, Any]]:
            return [
                report_row(import_record(r, staged.filename, publish, dry_run, seen, site))
                for r in chunk
            ]

        run.commit(work, items=len(chunk), state={"seen": seen})


class UploadNotStored(RuntimeError):
    """The previewed upload could not be stored; the message says why (shown on the job's page)."""


@register(Job.Kind.PUBLISH_UPLOAD)
def publish_previewed_upload(run: JobRun) -> None:
    """Store one previewed upload with the corrections its preview form carried: the same
    checks and the same store as a short release's publish in the request."""
    staged = _staged(run)
    run.set_total(1)
    try:
        upload = parse_upload(staged.data, staged.filename)
    except IngestError as exc:
        raise UploadNotStored(f"无法读取“{staged.filename}”：{exc}") from exc
    post = QueryDict(mutable=True)
    for key, values in run.job.params.get("post", {}).items():
        post.setlist(key, values)
    publish = bool(run.job.params.get("publish"))
    form = ReleaseFieldsForm(post, admin_site=admin.site)
    if not form.is_valid():
        raise UploadNotStored(_form_errors(form))

    def work() -> list[dict[str, Any]]:
        release = store_from_preview(form, staged, upload, publish)
        if release is None:
            raise UploadNotStored(_form_errors(form))
        sections = release.sections.count()
        message = (
            _("已发布“%(title)s”：%(m)d 段。") if publish else _("已保存为草稿：“%(title)s”。")
        ) % {"title": release.title, "m": sections}
        return [
            {
                "name": release.title,
                "outcome": "imported",
                "message": message,
                "release": release.pk,
            }
        ]

    run.commit(work, items=1)


def _form_errors(form: ReleaseFieldsForm) -> str:
    """The form's errors as one plain sentence for the job's page (links become their text)."""
    return "；".join(strip_tags(str(error)) for errors in form.errors.values() for error in errors)


@register(Job.Kind.REPARSE)
def reparse_releases(run: JobRun) -> None:
    """Run the current parser again over the chosen releases (admin action)."""
    ids = [int(pk) for pk in run.job.params.get("release_ids", [])]
    run.set_total(len(ids))
    for start in range(run.resume_at, len(ids), REPARSE_CHUNK):
        chunk = ids[start : start + REPARSE_CHUNK]

        def work(chunk=chunk) -> list[dict[str, Any]]:
            rows = []
            for release in Release.objects.filter(pk__in=chunk).order_by("pk"):
                result = reparse_release(release)
                outcome = "reparsed" if result.outcome is Outcome.IMPORTED else "failed"
                rows.append(
                    {
                        "name": release.title,
                        "outcome": outcome,
                        "message": result.message,
                        "release": release.pk,
                    }
                )
            return rows

        run.commit(work, items=len(chunk))


@register(Job.Kind.ANALYSE)
def analyse_chosen_releases(run: JobRun) -> None:
    """Tag the chosen releases' sections with topics and extract their figures again (after a
    thesaurus edit or a change of the figure rules): admin action."""
    ids = [int(pk) for pk in run.job.params.get("release_ids", [])]
    run.set_total(len(ids))
    topics = sync_topics()
    for start in range(run.resume_at, len(ids), REPARSE_CHUNK):
        chunk = ids[start : start + REPARSE_CHUNK]

        def work(chunk=chunk) -> list[dict[str, Any]]:
            rows = []
            for release in Release.objects.filter(pk__in=chunk).order_by("pk"):
                done = analyse_release(release, topics)
                rows.append(
                    {
                        "name": release.title,
                        "outcome": "analysed",
                        "message": _analysed_message(release, done),
                        "release": release.pk,
                    }
                )
            return rows

        run.commit(work, items=len(chunk))


def _analysed_message(release: Release, done: Analysed) -> str:
    counts = _("%(sections)d 段标注主题，%(figures)d 项数据") % {
        "sections": done.tagged_sections,
        "figures": done.figures,
    }
    failed = failed_sections_warning(release)
    return f"{counts} {failed}" if failed else counts


def _reindex(rows: list[dict[str, Any]]) -> None:
    """Ask the index to take these rows' releases again (their commit may have been the last
    thing a killed worker did)."""
    ids = {
        row["release"] for row in rows if row.get("outcome") == "imported" and row.get("release")
    }
    if ids:
        rows_changed.send(sender=Release, release_ids=ids)
