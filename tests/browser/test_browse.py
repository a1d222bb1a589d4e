"""Reading the portal in a real browser, on the five seed releases.

The view and template tests prove the server sends the right HTML; these prove a reader can
use it: follow links from the home page down to a release, land on a section from its
permalink (scrolled into view and highlighted by ``:target``), flip a release between the
original, Simplified and Traditional scripts and have that choice remembered, recover from a
dead link, and read a release on a phone without scrolling sideways.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

JINCHANG_ANSWERERS = [
    ("肖飛", "金昌市發展改革委副主任"),
    ("栗得泉", "金昌市市場監管局局長"),
    ("謝宗華", "金昌經開區黨工委副書記、紀檢監察工委書記"),
    ("毛財榮", "金昌市政務服務中心副主任"),
]
JINCHANG_ASKERS = ["中國甘肅網", "中新社", "科技日報", "省廣電總臺"]


def release_url(release) -> str:
    return f"/releases/{release.pk}/"


def in_viewport(page, selector: str) -> dict:
    """Where the element's box sits relative to the visible part of the page."""
    return page.locator(selector).evaluate(
        """el => {
            const box = el.getBoundingClientRect();
            const root = document.documentElement;
            return {top: box.top, bottom: box.bottom, height: window.innerHeight,
                    scrollY: window.scrollY, target: el.matches(':target'),
                    atBottom: window.scrollY + window.innerHeight >= root.scrollHeight - 1};
        }"""
    )


def assert_scrolled_to(page, anchor: str) -> None:
    """The page's hash is ``anchor``, its section is ``:target`` and sits at the top."""
    expect(page).to_have_url(re.compile(f"#{re.escape(anchor)}$"))
    assert page.evaluate("location.hash") == f"#{anchor}"
    where = in_viewport(page, f"section#{anchor}")
    assert where["target"], f"#{anchor} does not match :target"
    assert where["scrollY"] > 0, "the page did not scroll"
    assert 0 <= where["top"] < where["height"], where
    # scroll-margin-top is 1rem: the section starts just below the top edge, unless the
    # page is too short below it to scroll that far.
    assert where["top"] <= 40 or where["atBottom"], where


def test_home_shows_counts_and_latest_then_links_lead_down_to_a_release(page, live_seeds):
    from documents.models import Section

    page.goto("/")
    counts = page.locator("ul.counts li")
    expect(counts).to_have_count(3)
    expect(counts.nth(0)).to_have_text(re.compile(r"^\s*5\s*篇发布稿"))
    expect(counts.nth(1)).to_have_text(re.compile(rf"^\s*{Section.objects.count()}\s*个段落"))
    expect(counts.nth(2)).to_have_text(re.compile(r"^\s*5\s*个地区"))

    latest = page.locator(".col-main .release-list .release-title")
    expect(latest).to_have_count(5)
    assert set(latest.all_inner_texts()) == {release.title for release in live_seeds.values()}

    # Down the region tree by clicking, as a reader would: province, city, release.
    page.locator(".province-groups a.province", has_text="甘肃省").click()
    expect(page).to_have_url(re.compile(r"/regions/620000/$"))
    expect(page.locator("main h1")).to_contain_text("甘肃省")

    page.locator(".child-regions a", has_text="金昌市").click()
    expect(page).to_have_url(re.compile(r"/regions/620300/$"))
    expect(page.locator("main h1")).to_contain_text("金昌市")
    expect(page.locator(".breadcrumbs a", has_text="甘肃省")).to_have_attribute(
        "href", "/regions/620000/"
    )

    jinchang = live_seeds["000"]
    page.locator(".release-list a.release-title").first.click()
    expect(page).to_have_url(re.compile(re.escape(release_url(jinchang)) + "$"))
    expect(page.locator("article.release h1")).to_have_text(jinchang.title)


def test_region_page_lists_releases_newest_first_with_kind_and_date(page, live_seeds):
    page.goto("/regions/620000/")
    items = page.locator(".release-list .release-item")
    expect(items).to_have_count(2)
    expect(items.nth(0).locator(".release-title")).to_have_text(live_seeds["000"].title)
    expect(items.nth(1).locator(".release-title")).to_have_text(live_seeds["001"].title)
    # 张掖 was imported after 金昌, so only the dates can have put 金昌 first.
    dates = [items.nth(i).locator("time").get_attribute("datetime") for i in range(2)]
    assert dates == ["2024-09-03", "2024-01-15"]
    expect(items.nth(0).locator("time")).to_have_text("2024年9月3日")
    for i in range(2):
        expect(items.nth(i).locator(".kind")).to_have_text("新闻发布会")

    page.goto("/regions/150100/")
    item = page.locator(".release-list .release-item")
    expect(item).to_have_count(1)
    expect(item.locator(".kind")).to_have_text("工作报告")
    expect(item.locator("time")).to_have_attribute("datetime", "2023-06-27")


def test_province_page_lists_its_cities_marking_those_with_releases(page, live_seeds):
    page.goto("/regions/620000/")
    expect(page.locator(".children h2")).to_have_text("下辖市州")
    cities = page.locator(".child-regions li")
    names = cities.locator("a").all_inner_texts()
    assert names[0] == "兰州市"
    assert {"金昌市", "张掖市", "嘉峪关市", "临夏回族自治州"} <= set(names)
    with_releases = page.locator(".child-regions li.has-releases a")
    assert with_releases.all_inner_texts() == ["金昌市", "张掖市"]
    expect(page.locator(".child-regions li.has-releases .count").first).to_have_text("1")


def test_jinchang_release_shows_title_facts_and_the_four_answerers_with_titles(page, live_seeds):
    jinchang = live_seeds["000"]
    page.goto(release_url(jinchang))
    expect(page).to_have_title(re.compile("金昌專場"))
    expect(page.locator("article.release h1")).to_have_text(
        "“全省優化營商環境提質增效年”行動系列專題新聞發布會——金昌專場"
    )
    expect(page.locator(".release-header .kind")).to_have_text("新闻发布会")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("金昌市，甘肃省")
    expect(facts.locator("time")).to_have_attribute("datetime", "2024-09-03")

    answers = page.locator("section.kind-answer .qa-who")
    expect(answers).to_have_count(4)
    shown = [
        (
            answer.locator(".speaker").inner_text(),
            answer.locator(".speaker-title").inner_text(),
        )
        for answer in answers.all()
    ]
    assert shown == JINCHANG_ANSWERERS
    askers = page.locator("section.kind-question .qa-who .speaker").all_inner_texts()
    assert askers == JINCHANG_ASKERS


def test_original_file_downloads_byte_for_byte(page, live_seeds):
    from tests.conftest import seed_bytes

    page.goto(release_url(live_seeds["000"]))
    with page.expect_download() as info:
        page.locator("a.original").click()
    download = info.value
    # Named after the release (title and date), not the storage name.
    assert (
        download.suggested_filename
        == "“全省優化營商環境提質增效年”行動系列專題新聞發布會——金昌專場-2024-09-03.txt"
    )
    assert download.path().read_bytes() == seed_bytes("000")


def test_toc_link_scrolls_its_section_into_view_and_marks_it_target(page, live_seeds):
    page.goto(release_url(live_seeds["000"]))
    assert page.evaluate("window.scrollY") == 0
    link = page.locator("nav.toc a", has_text="謝宗華")
    expect(link).to_have_attribute("href", "#s5-6")
    link.click()
    assert_scrolled_to(page, "s5-6")
    target = page.locator("section:target")
    expect(target).to_have_count(1)
    expect(target.locator(".speaker")).to_have_text("謝宗華")


def test_section_permalink_sets_the_hash_and_highlights_that_section(page, live_seeds):
    page.goto(release_url(live_seeds["000"]))
    permalink = page.locator("section#s5-4-2 > a.permalink")
    expect(permalink).to_have_text("§")
    permalink.click()
    assert_scrolled_to(page, "s5-4-2")
    # The :target rule paints the section, so the reader can see which one the link means.
    highlight = page.locator("section#s5-4-2").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert highlight == "rgb(255, 247, 214)"


def test_opening_a_permalink_url_lands_on_that_section(page, live_seeds):
    page.goto(release_url(live_seeds["000"]) + "#s5-6-1")
    assert_scrolled_to(page, "s5-6-1")
    where = in_viewport(page, "section#s5-6-1")
    assert where["top"] <= 40, where
    # Heading ranks follow the outline: this third-level point is an h4 only if two levels
    # of headings stand above it; whatever its rank, it is the section's heading.
    expect(page.locator("section:target :is(h2, h3, h4, h5, h6)")).to_have_text(
        "一是聚焦提升集聚力,打造融通發展的產業環境"
    )


def test_permalink_near_the_end_keeps_its_section_on_screen(page, live_seeds):
    page.goto(release_url(live_seeds["000"]) + "#s5-8-5")
    assert_scrolled_to(page, "s5-8-5")
    where = in_viewport(page, "section#s5-8-5")
    assert where["bottom"] <= where["height"], where


def test_script_switch_turns_a_traditional_release_simplified_and_back(page, live_seeds):
    page.goto(release_url(live_seeds["000"]))
    title = page.locator("article.release h1")
    expect(title).to_contain_text("營商環境")
    expect(page.locator("nav.script-switch strong[aria-current]")).to_have_attribute(
        "data-script", "orig"
    )

    page.locator("nav.script-switch a[data-script=hans]").click()
    expect(page).to_have_url(re.compile(re.escape(release_url(live_seeds["000"])) + "$"))
    expect(title).to_contain_text("营商环境")
    expect(title).not_to_contain_text("營商環境")
    expect(page.locator("nav.script-switch strong[aria-current]")).to_have_attribute(
        "data-script", "hans"
    )
    expect(page.locator("section.kind-answer .speaker").first).to_have_text("肖飞")

    page.locator("nav.script-switch a[data-script=orig]").click()
    expect(title).to_contain_text("營商環境")
    expect(page.locator("section.kind-answer .speaker").first).to_have_text("肖飛")


def test_script_switch_turns_a_simplified_release_traditional_and_is_remembered(page, live_seeds):
    zhangye, jinchang = live_seeds["001"], live_seeds["000"]
    page.goto(release_url(zhangye))
    title = page.locator("article.release h1")
    expect(title).to_contain_text("营商环境")

    page.locator("nav.script-switch a[data-script=hant]").click()
    expect(page).to_have_url(re.compile(re.escape(release_url(zhangye)) + "$"))
    expect(title).to_contain_text("營商環境")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("nav.script-switch strong[aria-current]")).to_have_attribute(
        "data-script", "hant"
    )

    # The choice lives in a cookie: other pages come up in Traditional too.
    page.goto("/")
    expect(page.locator(".release-title", has_text="張掖專場")).to_have_count(1)
    page.goto("/regions/620000/")
    expect(page.locator("main h1")).to_contain_text("甘肅省")

    page.goto(release_url(zhangye))
    page.locator("nav.script-switch a[data-script=orig]").click()
    expect(title).to_have_text(zhangye.title)
    expect(title).to_contain_text("营商环境")
    page.goto(release_url(jinchang))
    expect(page.locator("article.release h1")).to_have_text(jinchang.title)


def test_script_switch_works_on_a_shared_script_link(page, live_seeds):
    page.goto(release_url(live_seeds["001"]) + "?script=hans")
    page.locator("nav.script-switch a[data-script=hant]").click()
    expect(page.locator("article.release h1")).to_contain_text("營商環境", timeout=2_000)


def test_unknown_release_gets_a_helpful_404_page(page, live_seeds):
    response = page.goto("/releases/999999/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("main h1")).to_have_text("找不到这个页面")
    expect(page.locator(".not-found code")).to_have_text("/releases/999999/")
    expect(page.locator(".not-found a", has_text="回到首页")).to_have_attribute("href", "/")
    expect(page.locator(".not-found .release-title")).to_have_count(5)
    # The site header is there too, so the reader is not stranded.
    expect(page.locator("header.site-header a.brand")).to_be_visible()

    page.locator(".not-found a", has_text="按地区浏览全部发布稿").click()
    expect(page).to_have_url(re.compile(r"/regions/$"))
    expect(page.locator(".province-groups a.province", has_text="甘肃省")).to_be_visible()


def horizontal_overflow(page) -> dict:
    """The page's widths; ``scroll`` wider than ``client`` means a sideways scrollbar."""
    return page.evaluate(
        """() => ({inner: window.innerWidth,
                   client: document.documentElement.clientWidth,
                   scroll: document.documentElement.scrollWidth,
                   body: document.body.scrollWidth})"""
    )


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_release_page_fits_a_phone_without_sideways_scrolling(phone_page, live_seeds, prefix):
    phone_page.goto(release_url(live_seeds[prefix]))
    expect(phone_page.locator("article.release h1")).to_be_visible()
    widths = horizontal_overflow(phone_page)
    assert widths["client"] == 390, widths
    assert widths["inner"] == 390, widths
    assert widths["scroll"] <= widths["client"], widths
    assert widths["body"] <= widths["client"], widths
    # Every section permalink is still on screen horizontally (not pushed off the left edge).
    lefts = phone_page.locator("a.permalink").evaluate_all(
        "els => els.map(el => el.getBoundingClientRect().left)"
    )
    assert lefts
    assert min(lefts) >= 0


@pytest.mark.parametrize("path", ["/", "/regions/", "/regions/620000/"])
def test_browse_pages_fit_a_phone_without_sideways_scrolling(phone_page, live_seeds, path):
    phone_page.goto(path)
    expect(phone_page.locator("main h1")).to_be_visible()
    widths = horizontal_overflow(phone_page)
    assert widths["inner"] == 390, widths
    assert widths["scroll"] <= widths["client"] == 390, widths


def test_release_page_fits_a_1024px_window_without_sideways_scrolling(page, live_seeds):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(release_url(live_seeds["000"]))
    widths = horizontal_overflow(page)
    assert widths["scroll"] <= widths["client"], widths
