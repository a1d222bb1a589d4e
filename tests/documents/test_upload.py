"""Admin upload: a file in, a preview to check and correct, then a draft or a published release.

Through Django's test client on real text (the seeds and the national corpus). Bad files must
be refused with their own message and leave the database, the stored files and the search index
exactly as they were; good files are stored byte for byte and, once published, found by search.
"""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from documents import staging
from documents.models import Region, Release
from documents.script import to_traditional
from search.engines import backend_for
from tests.conftest import CORPUS_FILE, seed_text
from tests.documents.bad_inputs import bad_inputs, media_files, snapshot
from tests.documents.test_formats import html_page
from tests.search.scan import committing, forget_searchers

UPLOAD = "/admin/documents/release/upload/"
TOKEN = "上传测试专用词甲乙丙"


def upload(client, name: str, data: bytes):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def preview_url(response) -> str:
    assert response.status_code == 302, form_errors(response)
    location = response["Location"]
    assert re.fullmatch(rf"{UPLOAD}[0-9a-f]{{32}}/(bulk/)?", location), location
    return location


def form_errors(response) -> str:
    html = response.content.decode()
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S))


def form_values(response) -> dict[str, str]:
    """The preview form's initial values, as a browser would submit them."""
    form = response.context["form"]
    values = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        values[name] = "" if value is None else getattr(value, "pk", value)
    return values


def new_release_text(extra: str = "") -> str:
    """A real release text that is not in the database yet (seed 004 about the other half)."""
    return seed_text("004").replace("上半年", "下半年") + extra


# ---- who may upload -----------------------------------------------------------------------


def test_anonymous_and_non_staff_users_cannot_reach_the_upload(client, db):
    assert client.get(UPLOAD).status_code == 302
    user = get_user_model().objects.create_user("reader", "r@example.org", "pw-123456")
    client.force_login(user)
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 302 and not Release.objects.filter(original_name="a.txt")


def test_staff_without_add_permission_is_refused(client, db):
    user = get_user_model().objects.create_user("viewer", "v@example.org", "pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_release"))
    client.force_login(user)
    assert client.get(UPLOAD).status_code == 403


def test_the_admin_add_button_leads_to_the_upload(staff_client):
    response = staff_client.get("/admin/documents/release/add/")
    assert response.status_code == 302 and response["Location"] == UPLOAD
    listing = staff_client.get("/admin/documents/release/").content.decode()
    assert f'href="{UPLOAD}"' in listing


# ---- preview and decision -----------------------------------------------------------------


def test_gbk_text_is_previewed_with_its_metadata_and_nothing_is_stored_yet(staff_client):
    before = snapshot()
    response = upload(staff_client, "hohhot-h2-gbk.txt", new_release_text().encode("gbk"))
    preview = staff_client.get(preview_url(response))
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'id="detected-encoding">GB18030<' in html
    assert "呼和浩特市 · 内蒙古自治区" in html  # the region with its province
    values = form_values(preview)
    assert values["title"] == "呼和浩特市人民政府关于2023年下半年优化营商环境工作情况的报告"
    assert values["region"] == Region.objects.get(code="150100").pk
    assert values["kind"] == "work_report" and values["published"].isoformat() == "2023-06-27"
    assert "一、" in html and 'id="outline"' in html  # the section outline
    # Nothing but the staged file exists before someone decides.
    count, sections, prints, files, index = before
    assert snapshot()[:3] == (count, sections, prints) and snapshot()[4] == index
    assert {f for f in media_files() - files if not f.startswith("staging/")} == set()


def test_publishing_from_the_preview_stores_the_original_and_makes_it_searchable(
    staff_client, django_capture_on_commit_callbacks
):
    data = new_release_text(f"\n\n{TOKEN}出现在这一段。").encode("gbk")
    url = preview_url(upload(staff_client, "h2.txt", data))
    values = form_values(staff_client.get(url))
    try:
        with committing(django_capture_on_commit_callbacks):
            response = staff_client.post(url, {**values, "action": "publish"}, follow=True)
        release = Release.objects.get(original_name="h2.txt")
        assert release.status == Release.Status.PUBLISHED
        assert release.original_encoding == "GB18030"
        assert release.original.read() == data  # unchanged, under a generated name
        assert re.fullmatch(r"originals/\d{4}/\d{2}/[0-9a-f]{32}\.txt", release.original.name)
        # (Here the index is updated when the test's transaction block ends, after the
        # response; the browser test checks the "searchable after N seconds" message.)
        messages = [str(m) for m in response.context["messages"]]
        assert any(m.startswith("已发布“呼和浩特市") for m in messages), messages
        assert backend_for().release_document_count(release.pk) == release.sections.count()
        release.refresh_from_db()
        assert release.indexed_at is not None and not release.index_error
        forget_searchers()
        found = staff_client.get("/search/", {"q": TOKEN}).content.decode()
        assert f'data-release="{release.pk}"' in found
        assert staff_client.get(f"/releases/{release.pk}/original/").getvalue() == data
        assert not list(Path(settings.MEDIA_ROOT, "staging").glob(url.split("/")[-2] + "*"))
        assert str(Path(settings.MEDIA_ROOT).resolve()).startswith(str(settings.DATA_DIR))
    finally:
        with committing(django_capture_on_commit_callbacks):
            Release.objects.filter(original_name="h2.txt").delete()


def test_corrections_in_the_preview_win_over_what_was_detected(staff_client):
    url = preview_url(
        upload(staff_client, "h2.html", html_page(new_release_text().split("\n")).encode())
    )
    values = form_values(staff_client.get(url))
    city = Region.objects.get(code="150200")  # 包头市, not the detected 呼和浩特市
    edited_text = values["text"].replace("\n", "\r\n") + f"\r\n\r\n{TOKEN}是改正后加的一段。"
    response = staff_client.post(
        url,
        {
            **values,
            "title": "编辑改过的标题",
            "region": city.pk,
            "published": "2023-12-01",
            "published_precision": "month",
            "text": edited_text,
            "action": "draft",
        },
    )
    assert response.status_code == 302
    release = Release.objects.get(original_name="h2.html")
    assert release.title == "编辑改过的标题" and release.region == city
    assert release.published.isoformat() == "2023-12-01" and release.published_precision == "month"
    assert release.status == Release.Status.DRAFT
    assert release.details["text_edited"] is True
    assert release.sections.filter(text__contains=TOKEN).exists()
    assert release.original_encoding.startswith("html")
    assert "\r" not in release.text


def test_draft_is_neither_searchable_nor_public(
    staff_client, client, django_capture_on_commit_callbacks
):
    url = preview_url(upload(staff_client, "draft.txt", new_release_text(TOKEN).encode()))
    values = form_values(staff_client.get(url))
    try:
        with committing(django_capture_on_commit_callbacks):
            staff_client.post(url, {**values, "action": "draft"})
        release = Release.objects.get(original_name="draft.txt")
        assert backend_for().release_document_count(release.pk) == 0
        client.logout()
        assert client.get(release.get_absolute_url()).status_code == 404
    finally:
        with committing(django_capture_on_commit_callbacks):
            Release.objects.filter(original_name="draft.txt").delete()


def test_discarding_leaves_nothing(staff_client):
    before = snapshot()
    url = preview_url(upload(staff_client, "gone.txt", new_release_text().encode()))
    response = staff_client.post(url, {"action": "discard"})
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert snapshot() == before
    again = staff_client.get(url, follow=True)
    assert "已处理、已过期或不存在" in again.content.decode()


def test_invalid_corrections_are_shown_and_nothing_is_stored(staff_client):
    url = preview_url(upload(staff_client, "h2.txt", new_release_text().encode()))
    values = form_values(staff_client.get(url))
    before = Release.objects.count()
    response = staff_client.post(
        url, {**values, "title": "", "published": "2023-13-45", "action": "publish"}
    )
    assert response.status_code == 200 and Release.objects.count() == before
    errors = response.context["form"].errors
    assert "title" in errors and "published" in errors


def test_warnings_are_shown_in_the_preview(staff_client):
    text = (
        "关于进一步做好政务服务工作的通知\n\n各单位要按照要求，认真抓好落实，及时报送工作进展情况。"
    )
    url = preview_url(upload(staff_client, "short.txt", text.encode("utf-8")))
    html = staff_client.get(url).content.decode()
    warnings = re.search(r'id="preview-warnings">(.*?)</div>', html, re.S).group(1)
    assert "正文很短" in warnings
    # A doubt about one field is shown by that field (tests/documents/test_preview_flags.py).
    shown = warnings + "".join(re.findall(r'<ul class="field-flags"[^>]*>(.*?)</ul>', html, re.S))
    assert "未能识别地区" in shown and "日期" in shown


# ---- duplicates ---------------------------------------------------------------------------


def test_identical_content_is_refused_with_a_link_to_the_existing_release(staff_client, seeds):
    before = snapshot()
    html_copy = html_page(seed_text("001").split("\n")).encode()
    for name, data in [("same.txt", seed_text("001").encode("gb18030")), ("same.html", html_copy)]:
        response = upload(staff_client, name, data)
        assert response.status_code == 200
        error = form_errors(response)
        assert "内容与已有发布稿完全相同" in error, name
        assert f'href="/admin/documents/release/{seeds["001"].pk}/change/"' in error
        assert f'href="/releases/{seeds["001"].pk}/"' in error
    assert snapshot() == before


def test_the_same_text_in_the_other_script_is_flagged_as_a_near_duplicate(staff_client, seeds):
    traditional = to_traditional(seed_text("004")).encode("utf-8")
    url = preview_url(upload(staff_client, "hohhot-hant.txt", traditional))
    html = staff_client.get(url).content.decode()
    similar = re.search(r'id="near-duplicates">(.*?)</div>', html, re.S).group(1)
    assert f"/admin/documents/release/{seeds['004'].pk}/change/" in similar
    assert "100%" in similar


def test_unrelated_uploads_are_not_flagged(staff_client, seeds):
    text = "\n\n".join(
        ["某县政务服务中心窗口调整公告"]
        + [
            f"第{n}项：自即日起，第{n}号窗口迁至三楼办理不动产登记相关业务，请群众相互转告。"
            for n in range(6)
        ]
    )
    url = preview_url(upload(staff_client, "notice.txt", text.encode()))
    assert 'id="near-duplicates"' not in staff_client.get(url).content.decode()


# ---- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", bad_inputs(), ids=lambda bad: bad.name)
def test_bad_files_are_refused_with_their_reason_and_change_nothing(staff_client, bad):
    before = snapshot()
    response = upload(staff_client, bad.name, bad.data)
    assert response.status_code == 200  # the form again, with the reason; never a 500
    error = form_errors(response)
    assert re.search(bad.message, error), error
    assert bad.name in error or "文件为空" in error
    assert snapshot() == before


def test_files_over_the_size_limit_are_dropped_while_they_arrive(staff_client, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1000
    before = snapshot()
    response = upload(staff_client, "big.txt", ("营商环境" * 5000).encode())
    error = form_errors(response)
    assert "“big.txt”太大（超过" in error and "已停止接收" in error
    assert "必填" not in error and "required" not in error
    assert snapshot() == before


def test_the_form_checks_the_size_too(settings):
    """Behind another upload handler (or a test client) the form still enforces the limit."""
    from documents.forms import UploadForm

    settings.PORTAL_MAX_UPLOAD_BYTES = 1000
    form = UploadForm({}, {"file": SimpleUploadedFile("big.txt", b"x" * 1001)})
    assert not form.is_valid()
    assert "“big.txt”太大" in form.errors["file"][0]


def test_unsupported_file_types_are_named(staff_client):
    response = upload(staff_client, "setup.exe", b"MZ\x90\x00")
    assert "不支持的文件类型“.exe”" in form_errors(response)


def test_a_changed_parser_cannot_strand_a_staged_upload(staff_client, monkeypatch):
    url = preview_url(upload(staff_client, "h2.txt", new_release_text().encode()))
    from documents import admin_upload
    from documents.ingest import IngestError

    def broken(*args, **kwargs):
        raise IngestError("解析规则出错")

    monkeypatch.setattr(admin_upload, "parse_upload", broken)
    response = staff_client.get(url, follow=True)
    assert "解析规则出错" in response.content.decode()
    with pytest.raises(staging.StagedUploadMissing):
        staging.load(url.split("/")[-2])


# ---- bulk files ---------------------------------------------------------------------------


def _corpus_snapshot() -> dict[str, tuple]:
    """The corpus releases by content: what an import produced, whatever their keys."""
    releases = Release.objects.filter(original_name__startswith="national-government-work-reports")
    return {
        r.content_hash: (
            r.title,
            r.region.code if r.region else "",
            r.published,
            r.published_precision,
            r.kind,
            r.source,
            r.status,
            tuple(r.sections.values_list("order", "kind", "heading", "speaker", "text")),
        )
        for r in releases.select_related("region")
    }


def _upload_bulk(client, action: str):
    response = upload(client, CORPUS_FILE.name, CORPUS_FILE.read_bytes())
    url = preview_url(response)
    assert url.endswith("/bulk/")
    report = client.get(url)
    assert "可导入 72 篇，重复 0 篇，无法导入 0 行" in report.content.decode()
    token = url.split("/")[-3]
    decided = client.post(url, {"token": token, "action": action})
    assert decided.status_code == 302, decided.status_code
    assert re.fullmatch(r"/admin/documents/job/\d+/change/", decided["Location"])
    return client.get(decided["Location"])


def test_the_corpus_imports_the_same_through_the_admin_as_through_the_command(staff_client):
    """Run inside the test's transaction: the index never sees these imports."""
    original = _corpus_snapshot()
    assert len(original) == 72
    Release.objects.filter(content_hash__in=original).delete()

    call_command("import_releases", str(CORPUS_FILE), stdout=StringIO())
    by_command = _corpus_snapshot()
    Release.objects.filter(content_hash__in=by_command).delete()

    done = _upload_bulk(staff_client, "draft")
    assert done.status_code == 200
    assert "已导入 72 篇，重复 0 篇，失败 0 行" in done.content.decode()
    by_admin = _corpus_snapshot()
    assert by_admin == by_command
    assert set(by_admin) == set(original)

    before = snapshot()
    again = upload(staff_client, CORPUS_FILE.name, CORPUS_FILE.read_bytes())
    assert "没有可导入的新发布稿：72 篇已存在，0 行无法导入" in form_errors(again)
    assert snapshot() == before
    out = StringIO()
    call_command("import_releases", str(CORPUS_FILE), stdout=out)
    assert "summary: 0 imported, 72 duplicate, 0 failed" in out.getvalue()
    assert snapshot() == before


def test_a_bulk_report_lists_each_row_and_discarding_it_stores_nothing(staff_client):
    rows = [
        {
            "title": "某市关于优化营商环境的新闻",
            "region": "包头市",
            "date": "2024-05-06",
            "text": new_release_text(),
        },
        {"title": "重复行", "text": new_release_text()},
        {"title": "空行", "text": ""},
    ]
    data = "\n".join(json.dumps(row, ensure_ascii=False) for row in rows).encode()
    before = snapshot()
    url = preview_url(upload(staff_client, "batch.jsonl", data))
    html = staff_client.get(url).content.decode()
    assert "可导入 1 篇，重复 1 篇，无法导入 1 行" in html
    assert "与本文件第 1 行内容相同" in html and "没有正文" in html
    assert (
        staff_client.post(url, {"token": url.split("/")[-3], "action": "discard"}).status_code
        == 302
    )
    assert snapshot() == before


# ---- a long release is stored by the worker ----------------------------------------------


def test_a_long_release_is_stored_by_a_job_with_the_previews_corrections(
    staff_client, settings, held_queue, django_capture_on_commit_callbacks
):
    from documents import jobs
    from documents.models import Job

    settings.PORTAL_INLINE_PUBLISH_CHARS = 1000  # the seed is longer: as a 20 MB text would be
    url = preview_url(upload(staff_client, "long.txt", new_release_text().encode()))
    values = form_values(staff_client.get(url))
    values["title"] = "改过的标题：下半年优化营商环境工作情况"
    with django_capture_on_commit_callbacks(execute=True):  # the job reaches the queue on commit
        response = staff_client.post(url, {**values, "action": "publish"})
    job = Job.objects.get(kind="publish_upload")
    assert response["Location"] == job.get_absolute_url() and held_queue == [job.pk]
    assert not Release.objects.filter(original_name="long.txt").exists()  # not in the request
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in page and "long.txt" in page

    jobs.run(job.pk)  # what the worker does
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 1, 1), job.error
    release = Release.objects.get(original_name="long.txt")
    assert release.title == values["title"] and release.status == Release.Status.PUBLISHED
    assert release.details["edited_fields"] == ["title"]
    assert job.rows[0]["release"] == release.pk
    assert job.rows[0]["message"].startswith(f"已发布“{values['title']}”")
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert (
        f'href="/admin/documents/release/{release.pk}/change/"' in page and "查看这篇发布稿" in page
    )
    assert staff_client.get(url).status_code == 302  # the staged file is gone


def test_a_long_release_that_became_a_duplicate_meanwhile_fails_with_the_reason(
    staff_client, settings, held_queue
):
    from documents import jobs
    from documents.models import Job
    from documents.services import import_release

    settings.PORTAL_INLINE_PUBLISH_CHARS = 1000
    text = new_release_text("\n\n重复检测专用段落。").encode()
    url = preview_url(upload(staff_client, "twice.txt", text))
    staff_client.post(url, {**form_values(staff_client.get(url)), "action": "publish"})
    job = Job.objects.get(kind="publish_upload")
    first = import_release(text, filename="first.txt", publish=True).release  # someone else
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "内容与已有发布稿完全相同" in job.error, job.error
    assert first.title in job.error
    assert Release.objects.filter(original_name="twice.txt").count() == 0
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-error"' in page


def test_with_the_queue_immediate_a_long_release_lands_on_its_page(staff_client, settings):
    settings.PORTAL_INLINE_PUBLISH_CHARS = 1000
    url = preview_url(upload(staff_client, "quick.txt", new_release_text("\n\n另一段。").encode()))
    response = staff_client.post(
        url, {**form_values(staff_client.get(url)), "action": "draft"}, follow=True
    )
    release = Release.objects.get(original_name="quick.txt")
    assert release.status == Release.Status.DRAFT
    assert response.redirect_chain[-1][0] == f"/admin/documents/release/{release.pk}/change/"
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("已保存为草稿") for m in messages), messages
