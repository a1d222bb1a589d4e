"""Upload in the release admin: file → preview (check, correct) → draft or published.

A single release is parsed, checked for duplicates and staged; the preview shows what was
detected, the warnings and similar releases, with every field editable, and stores it only when
a person decides. A bulk file gets a dry-run report first and is imported as a whole after.
Nothing is written to the database or the index before that decision, and a file that cannot
be read is refused with the reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import PurePath
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import IntegrityError
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from documents import jobs, staging
from documents.forms import BulkDecisionForm, ReleaseFieldsForm, UploadForm, detected_region
from documents.ingest import IngestError
from documents.ingest.metadata import PublishedDate, ReleaseMetadata
from documents.ingest.records import RECORD_SUFFIXES
from documents.models import Job, Release, Section
from documents.near_duplicates import find_near_duplicates
from documents.services import (
    ImportResult,
    Outcome,
    existing_copy,
    import_release,
    parse_upload,
    store_release,
)

OUTLINE_LIMIT = 300
"""Sections listed in the preview outline; longer releases say how many more follow."""


class ReleaseUploadMixin:
    """Adds upload, preview and bulk-import pages to the release ``ModelAdmin``."""

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="documents_release_upload"),
            path("upload/<str:token>/", wrap(self.preview_view), name="documents_release_preview"),
            path("upload/<str:token>/bulk/", wrap(self.bulk_view), name="documents_release_bulk"),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        """A release is added by uploading its file, never typed in from nothing."""
        return HttpResponseRedirect(reverse("admin:documents_release_upload"))

    # -- step 1: the file ---------------------------------------------------------------------
    def upload_view(self, request: HttpRequest) -> HttpResponse:
        self._require_add(request)
        posted = request.method == "POST"
        form = UploadForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            refused=getattr(request, "refused_uploads", {}).get("file"),
        )
        if posted and form.is_valid():
            upload = form.cleaned_data["file"]
            filename = PurePath(upload.name).name
            data = upload.read()
            if PurePath(filename).suffix.lower() in RECORD_SUFFIXES:
                redirect = self._stage_bulk(request, form, data, filename)
            else:
                redirect = self._stage_single(form, data, filename)
            if redirect is not None:
                return redirect
        return self._render(
            request,
            "admin/documents/release/upload.html",
            _("上传发布稿"),
            {"form": form, "max_upload": settings.PORTAL_MAX_UPLOAD_BYTES},
        )

    def _stage_single(self, form: UploadForm, data: bytes, filename: str):
        result = import_release(data, filename=filename, dry_run=True)
        if result.outcome is Outcome.FAILED:
            form.add_error(
                "file",
                _("无法导入“%(name)s”：%(reason)s")
                % {
                    "name": filename,
                    "reason": result.message,
                },
            )
            return None
        if result.outcome is Outcome.DUPLICATE:
            form.add_error("file", duplicate_message(result.release))
            return None
        token = staging.stage(data, filename)
        return HttpResponseRedirect(reverse("admin:documents_release_preview", args=[token]))

    def _stage_bulk(self, request: HttpRequest, form: UploadForm, data: bytes, filename: str):
        """Stage the file and check it as a job: a thousand records take longer to read than
        a request may last. A job that is already over (a small file, an immediate queue)
        answers here and now, as the single-file upload does."""
        token = staging.stage(data, filename, note={"bulk": True})
        job = jobs.submit(Job.Kind.BULK_CHECK, label=filename, user=request.user, token=token)
        if not job.is_finished:
            return HttpResponseRedirect(job.get_absolute_url())
        if job.status == Job.Status.DONE and any(
            row["outcome"] == Outcome.WOULD_IMPORT for row in job.rows
        ):
            return HttpResponseRedirect(reverse("admin:documents_release_bulk", args=[token]))
        staging.discard(token)
        if job.status == Job.Status.DONE:
            form.add_error("file", nothing_new_message(filename, job.rows))
        else:
            form.add_error("file", job.error or _("无法检查“%(name)s”。") % {"name": filename})
        return None

    # -- step 2: preview and decision (one release) -----------------------------------------
    def preview_view(self, request: HttpRequest, token: str) -> HttpResponse:
        self._require_add(request)
        staged = self._load_staged(request, token)
        if staged is None or staged.note.get("bulk"):
            return HttpResponseRedirect(reverse("admin:documents_release_upload"))
        try:
            upload = parse_upload(staged.data, staged.filename)
        except IngestError as exc:  # parsed before staging; only a changed parser gets here
            staging.discard(token)
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("admin:documents_release_upload"))
        action = request.POST.get("action") if request.method == "POST" else None
        if action == "discard":
            return self._discard(request, staged)
        if action in ("draft", "publish"):
            form = ReleaseFieldsForm(request.POST, admin_site=self.admin_site)
            response = self._store_previewed(request, form, staged, upload, action == "publish")
            if response is not None:
                return response
        else:
            form = ReleaseFieldsForm(
                initial=ReleaseFieldsForm.initial_for(upload.parsed), admin_site=self.admin_site
            )
        return self._render_preview(request, form, staged, upload)

    def _store_previewed(self, request, form, staged, upload, publish: bool):
        if not form.is_valid():
            return None
        if len(upload.parsed.body_text) > settings.PORTAL_INLINE_PUBLISH_CHARS:
            return self._store_as_job(request, staged, publish)
        started = time.perf_counter()
        release = store_from_preview(form, staged, upload, publish)
        if release is None:
            return None
        elapsed = time.perf_counter() - started  # includes the after-commit index update
        self.log_addition(request, release, [{"added": {}}])
        messages.success(request, stored_message(release, elapsed))
        return HttpResponseRedirect(reverse("admin:documents_release_change", args=[release.pk]))

    def _store_as_job(self, request, staged, publish: bool) -> HttpResponse:
        """A long release (a 20 MB text takes the better part of a minute to store and index)
        is stored by the worker: its page shows when it is done and links to the release."""
        post = {
            key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"
        }
        job = jobs.submit(
            Job.Kind.PUBLISH_UPLOAD,
            label=staged.filename,
            user=request.user,
            token=staged.token,
            total=1,
            post=post,
            publish=publish,
        )
        if job.status == Job.Status.DONE and job.rows and job.rows[0].get("release"):
            messages.success(request, job.rows[0]["message"])
            return HttpResponseRedirect(
                reverse("admin:documents_release_change", args=[job.rows[0]["release"]])
            )
        return HttpResponseRedirect(job.get_absolute_url())

    def _render_preview(self, request, form, staged, upload) -> HttpResponse:
        parsed = upload.parsed
        sections = parsed.sections
        region = form.initial.get("region") if form.initial else detected_region(parsed)
        rows, meeting_flags, general = preview_rows(form, parsed.metadata, upload.warnings)
        meeting = parsed.metadata.meeting
        context = {
            "form": form,
            "rows": rows,
            "staged": staged,
            "upload": upload,
            "size": len(staged.data),
            "warnings": general,
            "meeting": dated(meeting) if meeting.value or meeting.text else None,
            "meeting_flags": meeting_flags,
            "near_duplicates": find_near_duplicates(parsed.body_text),
            "outline": [
                (section, Section.KindChoices(section.kind.value).label)
                for section in sections[:OUTLINE_LIMIT]
            ],
            "outline_more": max(0, len(sections) - OUTLINE_LIMIT),
            "section_total": len(sections),
            "detected_region": region,
            "media": self.media + form.media,
        }
        title = _("预览：%(name)s") % {"name": staged.filename}
        return self._render(request, "admin/documents/release/preview.html", title, context)

    # -- step 2: dry-run report and decision (bulk file) ------------------------------------
    def bulk_view(self, request: HttpRequest, token: str) -> HttpResponse:
        self._require_add(request)
        staged = self._load_staged(request, token)
        if staged is None or not staged.note.get("bulk"):
            return HttpResponseRedirect(reverse("admin:documents_release_upload"))
        check = Job.objects.filter(kind=Job.Kind.BULK_CHECK, token=token).first()
        if check is None or check.status != Job.Status.DONE:
            target = (
                check.get_absolute_url() if check else reverse("admin:documents_release_upload")
            )
            return HttpResponseRedirect(target)
        rows = check.rows
        action = request.POST.get("action") if request.method == "POST" else None
        if action == "discard":
            return self._discard(request, staged)
        if action in ("draft", "publish") and BulkDecisionForm(request.POST).is_valid():
            running = Job.objects.filter(kind=Job.Kind.BULK_IMPORT, token=token).first()
            if running is not None:  # a second click, or the back button: one import per file
                return HttpResponseRedirect(running.get_absolute_url())
            job = jobs.submit(
                Job.Kind.BULK_IMPORT,
                label=staged.filename,
                user=request.user,
                token=token,
                publish=action == "publish",
            )
            return HttpResponseRedirect(job.get_absolute_url())
        context = {"rows": rows, "counts": outcome_counts(rows), "staged": staged}
        title = _("批量导入预览：%(name)s") % {"name": staged.filename}
        return self._render(request, "admin/documents/release/bulk_preview.html", title, context)

    # -- helpers ------------------------------------------------------------------------------
    def _require_add(self, request: HttpRequest) -> None:
        if not self.has_add_permission(request):
            raise PermissionDenied

    def _discard(self, request: HttpRequest, staged: staging.StagedUpload) -> HttpResponse:
        staging.discard(staged.token)
        message = _("已放弃上传“%(name)s”，没有保存任何内容。") % {"name": staged.filename}
        messages.info(request, message)
        return HttpResponseRedirect(reverse("admin:documents_release_upload"))

    def _load_staged(self, request: HttpRequest, token: str) -> staging.StagedUpload | None:
        try:
            return staging.load(token)
        except staging.StagedUploadMissing:
            messages.error(request, _("这份上传已处理、已过期或不存在，请重新上传。"))
            return None

    def _render(self, request, template: str, title: str, context: dict) -> TemplateResponse:
        base = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, template, {**base, **context})


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One editable field of the preview with the doubts about it and, for the kind, why."""

    field: BoundField
    flags: tuple[str, ...] = ()
    evidence: str = ""


def store_from_preview(
    form: ReleaseFieldsForm, staged: staging.StagedUpload, upload: Any, publish: bool
) -> Release | None:
    """Store a previewed upload with the person's corrections (``form``, already valid), and
    discard the staged file; ``None`` with the reason added to ``form`` when it cannot be.
    The preview's publish runs this in the request, or on the worker for a long release."""
    edited = form.edited_text(upload.parsed)
    if form.errors:
        return None
    parsed = edited or upload.parsed
    existing = existing_copy(parsed, staged.data)
    if existing is not None:
        form.add_error(None, duplicate_message(existing))
        return None
    edits = form.edits(upload.parsed)
    edits["status"] = Release.Status.PUBLISHED if publish else Release.Status.DRAFT
    try:
        release = store_release(
            parsed,
            original=staged.data,
            filename=staged.filename,
            publish=publish,
            encoding=upload.encoding,
            edits=edits,
            text_edited=edited is not None,
        )
    except IntegrityError:
        form.add_error(None, _("刚刚有人导入了相同内容的发布稿，未保存。"))
        return None
    staging.discard(staged.token)
    return release


def preview_rows(
    form: ReleaseFieldsForm, meta: ReleaseMetadata, warnings: tuple[str, ...]
) -> tuple[list[PreviewRow], tuple[str, ...], list[str]]:
    """The form's rows with their flags; the meeting date's flags; the general warnings.

    A flag is shown next to the field it names. Flags naming no field of the form, and
    warnings that are not the message of a flag already shown by its field, stay in the
    general list at the top, so nothing is said twice and nothing is lost.
    """
    by_field: dict[str, list[str]] = {}
    for flag in meta.flags:
        by_field.setdefault(flag.field, []).append(flag.message)
    rows = []
    for bound in form:
        own = by_field.pop(bound.name, [])
        evidence = meta.kind_evidence if bound.name == "kind" else ""
        rows.append(PreviewRow(bound, tuple(own), evidence))
    meeting_flags = tuple(by_field.pop("meeting", []))
    shown = {flag.message for flag in meta.flags if flag.field not in by_field}
    general = [w for w in warnings if w not in shown]
    for name, messages_ in by_field.items():
        general += [f"{field_label(name)}：{m}" for m in messages_ if m not in general]
    return rows, meeting_flags, general


def field_label(name: str) -> str:
    """What the admin calls a flagged field (文号 for ``doc_number``); unknown names as given."""
    if name == "meeting":
        return _("会议日期")
    if name == "sections":  # a reverse relation: it has no verbose name of its own
        return _("分段")
    try:
        field = Release._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def dated(value: PublishedDate) -> SimpleNamespace:
    """A parsed date in the shape the ``release_date`` template filter reads."""
    return SimpleNamespace(
        published=value.value, published_precision=value.precision.value, published_text=value.text
    )


def duplicate_message(release: Release) -> str:
    """“Already there”, with links to the release's admin page and public page."""
    return format_html(
        '{} <a href="{}">#{} {}</a>（<a href="{}">{}</a>）',
        _("内容与已有发布稿完全相同，未导入："),
        reverse("admin:documents_release_change", args=[release.pk]),
        release.pk,
        release.title,
        release.get_absolute_url(),
        _("查看页面"),
    )


def stored_message(release: Release, elapsed: float) -> str:
    """What happened, and for a published release how soon search found it."""
    if not release.is_published:
        return _("已保存为草稿：“%(title)s”。发布后才会出现在检索和页面中。") % {
            "title": release.title
        }
    # What the search index recorded once the publish committed (``search`` writes it).
    release.refresh_from_db(fields=["indexed_at", "indexed_sections", "index_error"])
    indexed = release.indexed_sections
    expected = release.sections.count()
    if release.index_error:
        return _("已发布“%(title)s”，但检索索引出错：%(error)s") % {
            "title": release.title,
            "error": release.index_error,
        }
    if release.indexed_at is None or indexed is None:
        return _("已发布“%(title)s”：%(m)d 段。检索索引正忙，稍后会自动编入。") % {
            "title": release.title,
            "m": expected,
        }
    if indexed < expected:
        return _("已发布“%(title)s”，但检索索引只收录了 %(n)d/%(m)d 段，请查看索引状态。") % {
            "title": release.title,
            "n": indexed,
            "m": expected,
        }
    return _("已发布“%(title)s”：%(m)d 段，%(s).1f 秒后已可检索。") % {
        "title": release.title,
        "m": expected,
        "s": elapsed,
    }


REASONS_SHOWN = 5
"""Failed rows named in the message refusing a bulk file; the rest are counted."""


def nothing_new_message(filename: str, rows: list[dict[str, Any]]) -> str:
    """Why a bulk file brings nothing: how many rows repeat, and the first failures' reasons."""
    failed = [r for r in rows if r["outcome"] == Outcome.FAILED]
    duplicates = sum(r["outcome"] == Outcome.DUPLICATE for r in rows)
    message = _("“%(name)s”中没有可导入的新发布稿：%(dup)d 篇已存在，%(failed)d 行无法导入。") % {
        "name": filename,
        "dup": duplicates,
        "failed": len(failed),
    }
    reasons = [r["message"] for r in failed[:REASONS_SHOWN]]
    if len(failed) > REASONS_SHOWN:
        reasons.append(_("……另有 %(n)d 行") % {"n": len(failed) - REASONS_SHOWN})
    return " ".join([message, *reasons])


def report_row(result: ImportResult) -> dict[str, Any]:
    """One line of a bulk report, as plain data (it is kept with the staged file)."""
    row: dict[str, Any] = {
        "name": result.name,
        "line": result.name.rsplit(":", 1)[-1] if ":" in result.name else "",
        "outcome": result.outcome.value,
        "message": result.message,
        "warnings": list(result.warnings),
    }
    parsed = result.parsed
    if parsed is not None:
        meta = parsed.metadata
        row.update(
            title=meta.title,
            region=meta.region.name if meta.region else "",
            date=meta.published.value.isoformat() if meta.published.value else "",
            kind=meta.kind.value,
            sections=len(parsed.sections),
            issuer=meta.issuer,
            doc_number=meta.doc_number,
            flags=[f"{field_label(flag.field)}：{flag.message}" for flag in meta.flags],
        )
    if result.release is not None:
        row.update(release=result.release.pk, release_title=result.release.title)
    return row


def outcome_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many rows had each outcome (keys are ``Outcome`` values with _ for spaces)."""
    counts = {outcome.value.replace(" ", "_"): 0 for outcome in Outcome}
    for row in rows:
        counts[row["outcome"].replace(" ", "_")] += 1
    return counts
