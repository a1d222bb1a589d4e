"""The reader's portal in a real browser: a phone, paper, citing, exporting, English.

At 390 px the results come before the facets and nothing is wider than the screen, in Chinese
and in English; printed, a release has no navigation or controls; on a wide screen its table of
contents stays in view; a section can be cited; a result list can be kept.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/regions/",
    "/topics/",
    "/search/?q=营商环境",
    "/compare/?topic=企业开办&regions=金昌市,张掖市,湘潭市,枣庄市",
]


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _english(page) -> None:
    page.goto("/")
    page.locator(".lang-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("english", [False, True], ids=["zh", "en"])
@pytest.mark.parametrize("screen", ["phone_page", "page"], ids=["390px", "1280px"])
def test_nothing_is_wider_than_the_screen(request, live_seeds, screen, english):
    page = request.getfixturevalue(screen)
    if english:
        _english(page)
    release = live_seeds["000"].get_absolute_url()
    for path in [*PAGES, release]:
        page.goto(path)
        assert _overflow(page) <= 1, (path, _overflow(page))
    nav = page.locator(".site-nav a").last  # 关于 / About is reachable, not cut off
    box = nav.bounding_box()
    assert box and box["x"] + box["width"] <= page.viewport_size["width"]


def test_results_come_first_on_a_phone(phone_page, live_seeds):
    page = phone_page
    page.goto("/search/?q=营商环境")
    first = page.locator("li.result").first
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] < 844, "the first result is below the fold"
    facets = page.locator("#facets")
    assert facets.bounding_box()["y"] > first.bounding_box()["y"]
    page.locator(".facets-jump a").click()
    expect(page).to_have_url(re.compile(r"#facets$"))


def test_a_filter_alone_browses_and_the_date_range_narrows(page, live_seeds):
    page.goto("/search/?region=620300")  # 金昌市, no words
    expect(page.locator("li.result").first).to_be_visible()
    page.goto("/search/?q=营商环境")
    page.locator("details.search-options summary").click()
    page.locator("input[name=from]").fill("2024-01-01")
    page.locator("input[name=to]").fill("2024-12-31")
    page.locator(".search-main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"from=2024-01-01"))
    for time in page.locator("li.result .release-meta time[datetime]").all():
        assert time.get_attribute("datetime").startswith("2024")


def test_a_result_list_downloads_as_a_spreadsheet(page, live_seeds):
    page.goto("/search/?q=企业开办")
    with page.expect_download() as info:
        page.locator("a.export-link", has_text="Excel").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    assert info.value.path().read_bytes()[:2] == b"PK"  # a zip: the workbook


def test_printing_a_release_leaves_out_the_chrome(page, live_seeds):
    page.goto(live_seeds["004"].get_absolute_url())
    page.emulate_media(media="print")
    for selector in (".site-header", ".site-footer", ".toc", ".permalink", ".search-form"):
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".sections")).to_be_visible()


def test_the_table_of_contents_stays_in_view_and_a_section_is_cited(page, live_seeds):
    page.goto(live_seeds["004"].get_absolute_url())
    toc = page.locator("nav.toc")
    assert toc.evaluate("el => getComputedStyle(el).position") == "sticky"
    page.mouse.wheel(0, 4000)
    page.wait_for_timeout(200)
    box = toc.bounding_box()
    assert box and 0 <= box["y"] < 900
    # The text column uses the width beside it.
    text = page.locator(".sections").bounding_box()
    assert text["x"] > box["x"] + box["width"]
    cite = page.locator("details.cite").first
    cite.locator("summary").click()
    citation = cite.locator(".citation")
    expect(citation).to_be_visible()
    expect(citation).to_contain_text("[EB/OL]")
    expect(citation).to_contain_text("#s")


def test_the_english_interface_names_regions_in_pinyin(page, live_seeds):
    _english(page)
    page.goto("/regions/")
    expect(page.locator("main")).to_contain_text("Gansu Province")
    page.goto("/compare/?topic=企业开办&regions=Jinchang,Zhangye")
    expect(page.locator(".legend")).to_contain_text("Jinchang")
    expect(page.locator(".legend")).to_contain_text("Zhangye")
