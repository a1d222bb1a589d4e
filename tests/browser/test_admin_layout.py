"""The admin pages an editor works in, at 1280 px and at 390 px, in a real browser.

An editor uploads from a desk and checks a release from a phone. At both widths the admin index
names the login protection in Chinese (not "AXES / Access attempts"), the upload page states
its size limit in megabytes, and the preview puts publish / draft / discard after the outline
while keeping them on screen (a sticky bar) from the first screenful on; nothing is wider than
the screen.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, _new_page
from tests.browser.test_upload import (
    STAFF,
    UPLOAD_PATH,
    UPLOADS,
    log_in,
    report_paragraphs,
    upload_file,
    write_file,
)

pytestmark = pytest.mark.browser

WIDTHS = {"1280": DESKTOP, "390": PHONE}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture(params=sorted(WIDTHS), ids=lambda w: f"{w}px")
def editor(request, browser, live_server, live_seeds):
    """A superuser's page at the given width, logged in through the admin login form."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(STAFF[0], "bianji@example.org", STAFF[1])
    viewport = WIDTHS[request.param]
    context, page = _new_page(browser, live_server.url, viewport=viewport)
    try:
        log_in(page, *STAFF)
        expect(page).to_have_url(re.compile(re.escape(UPLOAD_PATH) + "$"))
        yield page, viewport
    finally:
        context.close()


def test_the_admin_index_names_the_login_protection_in_chinese(editor):
    page, _ = editor
    page.goto("/admin/")
    body = page.locator("#content-main").inner_text()
    assert "登录保护" in body
    assert not re.search(r"\baxes\b", body, re.IGNORECASE), body
    assert _overflow(page) <= 1


def test_the_upload_page_states_its_limit_in_megabytes(editor):
    page, _ = editor
    page.goto(UPLOAD_PATH)
    limit = filesizeformat(settings.PORTAL_MAX_UPLOAD_BYTES).replace("\xa0", " ")
    assert re.fullmatch(r"\d+(\.\d)? MB", limit), limit
    expect(page.locator("#content-main")).to_contain_text(f"每个文件最大 {limit}")
    expect(page.locator("#content-main")).not_to_contain_text("决定")
    assert _overflow(page) <= 1


def test_the_decisions_follow_the_outline_and_stay_within_reach(editor, tmp_path):
    page, viewport = editor
    upload = UPLOADS[0]
    upload_file(page, write_file(tmp_path, upload, report_paragraphs(upload.title)))
    outline = page.locator("#outline")
    decisions = page.locator(".decision-row")
    expect(outline).to_be_visible()
    # In the document, the buttons come after what they decide on.
    after = page.evaluate(
        "() => !!(document.querySelector('#outline').compareDocumentPosition("
        "document.querySelector('.decision-row')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    assert after
    # On the first screenful, before any scrolling, 发布 is already on screen.
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator("#publish-button").bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    for button in ("#publish-button", "#draft-button", "#discard-button"):
        expect(decisions.locator(button)).to_be_visible()
    assert _overflow(page) <= 1, _overflow(page)
