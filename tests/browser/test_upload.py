"""The admin upload, end to end in a real browser: file → preview → publish → public search.

The view tests check each step's HTML; this one checks the whole path a staff editor takes, with
the admin's own JavaScript (select2 region picker) running: log in through the login form,
upload a GBK ``.txt``, an ``.html`` page and a ``.docx``, each built here from a different
national government work report, read the preview (how the file was read, detected title and
region, the section outline), publish, and find the release through the public search right
after the success message — no waiting, no retry: the message claims the release is searchable,
so it must be. The HTML page's navigation, scripts and footer must not end up as text. A
publish the form refuses stores nothing and keeps the preview for correcting.

A user who is not staff, or nobody at all, must never see the upload form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, _new_page
from tests.conftest import SEED_FILES, corpus_records
from tests.documents.test_formats import html_page, make_docx

pytestmark = pytest.mark.browser

UPLOAD_PATH = "/admin/documents/release/upload/"
PREVIEW_URL = re.compile(r"/admin/documents/release/upload/[0-9a-f]{32}/$")
CHANGE_URL = re.compile(r"/admin/documents/release/(\d+)/change/$")
PARAGRAPHS = 12
"""Non-empty paragraphs taken from each report (after its title line)."""
STAFF = ("bianji", "Zhengce-2025-upload")
READER = ("duzhe", "Duzhe-2025-reader")
JUNK = ("SCRIPT_JUNK", "NAV_JUNK", "HEADER_JUNK", "INLINE_SCRIPT_JUNK", "ASIDE_JUNK", "FOOTER_JUNK")
"""Markers that ``html_page`` puts in the page's furniture, outside the article."""


@dataclass(frozen=True)
class Upload:
    """One file to upload, and what the preview and the search must show for it."""

    suffix: str
    title: str  # the corpus record's title, also the file's first line / <h1> / first paragraph
    encoding: re.Pattern[str]  # the preview's 读取方式
    heading: str  # a section heading the outline must list
    phrase: str  # in this upload's body (not its title) and in no other release


UPLOADS = (
    # GBK bytes: the decoder reports the GBK superset it used, GB18030.
    Upload(
        "txt",
        "2025年中华人民共和国国务院政府工作报告",
        re.compile(r"^GB18030$"),
        "一、2024年工作回顾",
        "大洋钻探船建成入列",
    ),
    Upload(
        "html",
        "2018年中华人民共和国国务院政府工作报告",
        re.compile(r"^html"),
        "一、过去五年工作回顾",
        "织就了世界上最大的社会保障网",
    ),
    Upload(
        "docx",
        "2004年中华人民共和国国务院政府工作报告",
        re.compile(r"^docx$"),
        "一、一年来工作回顾",
        "突如其来的非典型肺炎疫情",
    ),
)


# ---- building the files -----------------------------------------------------------------
def report_paragraphs(title: str) -> list[str]:
    """The title line and the first ``PARAGRAPHS`` non-empty paragraphs of a corpus report."""
    (record,) = [r for r in corpus_records() if r["title"] == title]
    lines = [line.strip() for line in record["content"].splitlines() if line.strip()]
    return [title, *lines[:PARAGRAPHS]]


def file_bytes(upload: Upload, paragraphs: list[str]) -> bytes:
    if upload.suffix == "txt":
        data = "\n\n".join(paragraphs).encode("gbk")  # raises if the text is not GBK-safe
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # so the upload really has to detect the encoding
        return data
    if upload.suffix == "html":
        return html_page(paragraphs).encode("utf-8")
    return make_docx(paragraphs, title=upload.title)


def write_file(folder: Path, upload: Upload, paragraphs: list[str]) -> Path:
    """The upload's file, named as an editor would name it (Chinese title and all)."""
    path = folder / f"{upload.title}.{upload.suffix}"
    path.write_bytes(file_bytes(upload, paragraphs))
    return path


def assert_phrases_are_unique(texts: dict[str, str]) -> None:
    """Each phrase is in its own upload's body and nowhere else (other uploads, the seeds)."""
    seeds = [path.read_text(encoding="utf-8") for path in SEED_FILES]
    for upload in UPLOADS:
        body = texts[upload.suffix].split("\n\n", 1)[1]
        assert upload.phrase in body, upload.title
        assert upload.phrase not in upload.title
        others = [texts[u.suffix] for u in UPLOADS if u is not upload] + seeds
        assert not any(upload.phrase in other for other in others), upload.phrase


# ---- browser steps ----------------------------------------------------------------------
def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def log_in(page, username: str, password: str) -> None:
    """Submit the admin login form, asking to be sent to the upload page afterwards."""
    page.goto("/admin/login/?" + urlencode({"next": UPLOAD_PATH}))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#login-form input[type=submit]").click()


def assert_sent_to_login(page) -> None:
    """The browser is on the admin login page, with no way to upload anything."""
    expect(page).to_have_url(re.compile(r"/admin/login/\?"))
    assert query_of(page.url).get("next") == [UPLOAD_PATH], page.url
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#id_file")).to_have_count(0)
    expect(page.locator("#upload-form")).to_have_count(0)


def upload_file(page, path: Path) -> None:
    page.goto(UPLOAD_PATH)
    page.set_input_files("#id_file", path)
    page.locator("#upload-form input[type=submit]").click()
    expect(page).to_have_url(PREVIEW_URL)


def check_preview(page, upload: Upload) -> int:
    """What the preview says about the file; returns its number of sections."""
    expect(page.locator("#detected-encoding")).to_have_text(upload.encoding)
    expect(page.locator("#detected-region")).to_have_text("全国")  # 国务院 in the title
    expect(page.locator("#id_title")).to_have_value(upload.title)
    expect(page.locator("#id_kind")).to_have_value("work_report")
    # The region picker is the admin's select2 widget, filled with the detected region.
    expect(page.locator(".field-region .select2-selection__rendered")).to_contain_text("全国")

    text = page.locator("#id_text").input_value()
    assert upload.phrase in text
    assert not [junk for junk in JUNK if junk in text], text[:200]

    rows = page.locator("#outline tbody tr")
    expect(rows.first).to_be_visible()
    sections = rows.count()
    assert sections >= 3, sections
    expect(rows.filter(has_text=upload.heading)).to_have_count(1)
    count_cell = page.locator("#upload-facts tr", has=page.locator("th", has_text="分段"))
    expect(count_cell.locator("td")).to_have_text(f"{sections} 段")
    return sections


def publish(page, upload: Upload, sections: int) -> int:
    """Click 发布; returns the new release's primary key from the change page it lands on."""
    page.locator("#publish-button").click()
    expect(page).to_have_url(CHANGE_URL)
    message = page.locator("ul.messagelist li.success")
    expect(message).to_have_count(1)
    expect(message).to_have_text(
        re.compile(
            rf"^已发布“{re.escape(upload.title)}”：{sections} 段，\d+(\.\d+)? 秒后已可检索。$"
        )
    )
    return int(CHANGE_URL.search(page.url).group(1))


def search(page, query: str):
    page.goto("/search/?" + urlencode({"q": query}))
    expect(page.locator("form.search-main")).to_be_visible()
    return page.locator("ol.result-list > li.result")


def assert_found_only(page, upload: Upload, pk: int) -> None:
    """A phrase search finds exactly the new release, on the first page load."""
    results = search(page, f'"{upload.phrase}"')
    expect(results).to_have_count(1)
    item = page.locator(f"ol.result-list > li.result[data-release='{pk}']")
    expect(item).to_have_count(1)
    expect(item.locator("h2.result-title a")).to_have_text(upload.title)
    expect(item.locator("h2.result-title a")).to_have_attribute("href", f"/releases/{pk}/")
    assert "".join(item.locator(".hits mark").all_inner_texts()).startswith(upload.phrase)


# ---- the tests --------------------------------------------------------------------------
@pytest.fixture
def staff_page(page, live_seeds):
    """``page`` logged in as a superuser through the admin login form, on the upload page."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(STAFF[0], "bianji@example.org", STAFF[1])
    log_in(page, *STAFF)
    expect(page).to_have_url(re.compile(re.escape(UPLOAD_PATH) + "$"))
    expect(page.locator("#id_file")).to_be_visible()
    return page


def test_staff_uploads_txt_html_and_docx_and_finds_each_in_search_right_after_publishing(
    staff_page, live_seeds, tmp_path
):
    from documents.models import Release

    page = staff_page
    paragraphs = {u.suffix: report_paragraphs(u.title) for u in UPLOADS}
    assert_phrases_are_unique({s: "\n\n".join(p) for s, p in paragraphs.items()})

    published: dict[str, int] = {}
    for upload in UPLOADS:
        upload_file(page, write_file(tmp_path, upload, paragraphs[upload.suffix]))
        sections = check_preview(page, upload)
        published[upload.suffix] = publish(page, upload, sections)
        assert_found_only(page, upload, published[upload.suffix])

    # Each upload is its own release, and the seeds are untouched.
    assert len(set(published.values())) == 3
    assert Release.objects.count() == len(live_seeds) + 3
    for upload in UPLOADS:
        release = Release.objects.get(pk=published[upload.suffix])
        assert release.is_published
        assert release.title == upload.title
        assert upload.encoding.match(release.original_encoding), release.original_encoding

    # The web page's furniture (nav, header, scripts, aside, footer) did not become text:
    # neither on the public release page nor in the search index.
    page.goto(f"/releases/{published['html']}/")
    article = page.locator("article.release")
    expect(article.locator("h1")).to_have_text(UPLOADS[1].title)
    expect(article).to_contain_text(UPLOADS[1].phrase)
    assert not [junk for junk in JUNK if junk in article.inner_text()]
    for junk in ("NAV_JUNK", "FOOTER_JUNK"):
        expect(search(page, junk)).to_have_count(0)


def test_non_staff_and_anonymous_users_never_reach_the_upload_form(
    page, browser, live_server, transactional_db
):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    reader = get_user_model().objects.create_user(READER[0], "duzhe@example.org", READER[1])
    assert not reader.is_staff

    # Nobody logged in: sent to the login page.
    page.goto(UPLOAD_PATH)
    assert_sent_to_login(page)

    # A separate browser for the reader, who is not staff.
    context, reader_page = _new_page(browser, live_server.url, viewport=DESKTOP)
    try:
        # The admin login form refuses a non-staff account …
        log_in(reader_page, *READER)
        expect(reader_page.locator("p.errornote")).to_contain_text("工作人员账户")
        reader_page.goto(UPLOAD_PATH)
        assert_sent_to_login(reader_page)

        # … and a reader who is logged in (a session made elsewhere) is still not let in.
        client = Client()
        client.force_login(reader)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        reader_page.goto(UPLOAD_PATH)
        assert_sent_to_login(reader_page)
        expect(reader_page.locator("#content-main > p.errornote")).to_contain_text(READER[0])
    finally:
        context.close()


def test_a_rejected_publish_stores_nothing_and_the_corrected_preview_publishes(
    staff_page, live_seeds, tmp_path
):
    """Clearing the title is refused with the form kept; the corrected title is what's stored."""
    from documents.models import Release

    page = staff_page
    upload = UPLOADS[0]
    upload_file(page, write_file(tmp_path, upload, report_paragraphs(upload.title)))
    sections = check_preview(page, upload)
    preview_url = page.url

    page.locator("#id_title").fill("")
    page.locator("#publish-button").click()
    expect(page.locator(".field-title .errorlist")).to_be_visible()
    expect(page.locator("p.errornote")).to_have_text("请更正下面的错误。")
    assert page.url == preview_url
    assert Release.objects.count() == len(live_seeds)  # nothing stored
    # Everything else is still as detected, ready to be corrected.
    expect(page.locator("#detected-encoding")).to_have_text(upload.encoding)
    expect(page.locator("#id_kind")).to_have_value("work_report")
    expect(page.locator("#outline tbody tr")).to_have_count(sections)
    assert upload.phrase in page.locator("#id_text").input_value()
    region_after_rejection = page.locator("#detected-region").inner_text().strip()

    corrected = replace(upload, title="2025年国务院政府工作报告（节选）")
    page.locator("#id_title").fill(corrected.title)
    pk = publish(page, corrected, sections)
    assert_found_only(page, corrected, pk)
    assert Release.objects.get(pk=pk).title == corrected.title
    # The detected region stays on show when the preview comes back with errors.
    assert region_after_rejection == "全国"
