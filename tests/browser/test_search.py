"""Searching the portal in a real browser, on the five seed releases.

The search view and template tests prove the server sends the right HTML; these prove a reader
can use it: type a query on the home page and press Enter, read results grouped by release with
every hit marked in the release's own script (金昌 is written in Traditional characters), narrow
the results with a facet and widen them again, follow a hit to its section, search inside one
release from its page, get help when nothing matches, and flip the page between scripts.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SIMPLIFIED = "营商环境"
TRADITIONAL = "營商環境"
# 金昌 (000) is written in Traditional characters, the other four seeds in Simplified.
SCRIPT_OF_SEED = {
    "000": TRADITIONAL,
    "001": SIMPLIFIED,
    "002": SIMPLIFIED,
    "003": SIMPLIFIED,
    "004": SIMPLIFIED,
}
SUMMARY = re.compile(r"^(\d+) 篇发布稿中 (\d+) 处匹配（\d+ 毫秒）$")


@pytest.fixture
def search_seeds(transactional_db, request) -> dict[str, object]:
    """Exactly the five seed releases, in the database and in the search index.

    The session database also holds the national corpus, and ``live_seeds`` only imports the
    seeds on top of what is there: the first live-server test of a run would otherwise search
    77 releases, the later ones (after a flush) five. Drop everything else first, so every test
    here sees the same five whatever runs before it; ``live_seeds`` then rebuilds the index.
    """
    from documents.models import Release
    from tests.conftest import SEED_FILES

    Release.objects.exclude(original_name__in=[path.name for path in SEED_FILES]).delete()
    seeds = request.getfixturevalue("live_seeds")
    assert Release.objects.count() == len(seeds) == 5
    return seeds


def search_path(**params: str) -> str:
    return "/search/?" + urlencode(params)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def summary_counts(page) -> tuple[int, int]:
    """(releases, sections) from the summary line above the results."""
    text = page.locator(".results .summary").inner_text().strip()
    found = SUMMARY.match(text)
    assert found, f"unexpected summary {text!r}"
    return int(found.group(1)), int(found.group(2))


def result_ids(page) -> list[int]:
    """The releases on the results page, in order, by primary key."""
    return [
        int(value)
        for value in page.locator("ol.result-list > li.result").evaluate_all(
            "els => els.map(el => el.dataset.release)"
        )
    ]


def result(page, release):
    return page.locator(f"ol.result-list > li.result[data-release='{release.pk}']")


def wait_for_search_page(page, **expected: str) -> None:
    """Wait until the browser is on /search/ with at least ``expected`` in its query string."""
    expect(page).to_have_url(re.compile(r"/search/\?"))
    params = query_of(page.url)
    for name, value in expected.items():
        assert params.get(name) == [value], (name, page.url)
    expect(page.locator("form.search-main")).to_be_visible()


def assert_marks_read(page, release, text: str) -> None:
    """Every hit in ``release``'s result is marked, and every mark reads ``text``."""
    marks = result(page, release).locator(".hits mark")
    expect(marks.first).to_be_visible()
    assert set(marks.all_inner_texts()) == {text}, release.title


def test_home_search_box_submits_with_enter_and_groups_marked_hits_by_release(page, search_seeds):
    page.goto("/")
    box = page.locator("#home-q")
    expect(box).to_have_attribute("name", "q")
    box.fill(SIMPLIFIED)
    box.press("Enter")

    wait_for_search_page(page, q=SIMPLIFIED)
    expect(page).to_have_title(re.compile(rf"^{SIMPLIFIED} · 搜索"))
    # The query stays in the search page's own box, ready to be refined.
    expect(page.locator("#q")).to_have_value(SIMPLIFIED)

    # One result per release, each under its own title, with at most three hits.
    results = page.locator("ol.result-list > li.result")
    expect(results).to_have_count(5)
    assert sorted(result_ids(page)) == sorted(r.pk for r in search_seeds.values())
    releases, sections = summary_counts(page)
    assert releases == 5
    assert sections >= 5
    for prefix, release in search_seeds.items():
        item = result(page, release)
        expect(item.locator("h2.result-title a")).to_have_text(release.title)
        expect(item.locator("h2.result-title a")).to_have_attribute(
            "href", f"/releases/{release.pk}/"
        )
        hits = item.locator("li.hit")
        assert 1 <= hits.count() <= 3, release.title
        # The marks show the words as the release writes them, not as they were typed.
        assert_marks_read(page, release, SCRIPT_OF_SEED[prefix])
        for snippet in item.locator(".snippet").all():
            # Only <mark> inside a snippet: the text itself arrives escaped.
            tags = snippet.evaluate("el => [...el.querySelectorAll('*')].map(c => c.tagName)")
            assert set(tags) <= {"MARK"}, tags

    # The mark is painted, so the reader can see it.
    background = page.locator("mark").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(253, 230, 138)"


def test_traditional_query_finds_the_same_releases_and_hits_as_simplified(page, search_seeds):
    page.goto(search_path(q=SIMPLIFIED))
    expect(page.locator("ol.result-list > li.result")).to_have_count(5)
    simplified = (result_ids(page), summary_counts(page))
    simplified_hits = page.locator(".hit-link").evaluate_all(
        "els => els.map(el => el.getAttribute('href'))"
    )

    box = page.locator("#q")
    box.fill(TRADITIONAL)
    box.press("Enter")
    wait_for_search_page(page, q=TRADITIONAL)
    expect(page.locator("#q")).to_have_value(TRADITIONAL)
    expect(page.locator("ol.result-list > li.result")).to_have_count(5)

    assert (result_ids(page), summary_counts(page)) == simplified
    hits = page.locator(".hit-link").evaluate_all("els => els.map(el => el.getAttribute('href'))")
    assert hits == simplified_hits
    # Marks still follow each release's own script, whichever script the query was typed in.
    for prefix, release in search_seeds.items():
        assert_marks_read(page, release, SCRIPT_OF_SEED[prefix])


def test_region_facet_narrows_the_results_and_removing_the_filter_restores_them(page, search_seeds):
    jinchang = search_seeds["000"]
    page.goto(search_path(q=SIMPLIFIED))
    expect(page.locator("ol.result-list > li.result")).to_have_count(5)
    wide = summary_counts(page)
    wide_ids = result_ids(page)
    expect(page.locator(".active-filters")).to_have_count(0)

    facet = page.locator("a[data-facet=region][data-value='620300']")
    expect(facet).to_have_text("金昌市")
    expect(facet.locator("xpath=..").locator(".count")).to_have_text("1")
    # The facet's tooltip says how many sections will remain.
    sections_in_jinchang = int(re.match(r"(\d+)", facet.get_attribute("title")).group(1))
    facet.click()

    wait_for_search_page(page, q=SIMPLIFIED, region="620300")
    expect(page.locator("ol.result-list > li.result")).to_have_count(1)
    assert result_ids(page) == [jinchang.pk]
    assert summary_counts(page) == (1, sections_in_jinchang)
    assert summary_counts(page) != wide
    expect(page.locator("#q")).to_have_value(SIMPLIFIED)
    assert_marks_read(page, jinchang, TRADITIONAL)

    # The chosen value is shown as chosen, and the other facets only offer what is left.
    chosen = page.locator("a[data-facet=region].active")
    expect(chosen).to_have_count(1)
    expect(chosen).to_have_attribute("aria-current", "true")
    expect(chosen).to_have_text("金昌市")
    expect(page.locator("a[data-facet=region]")).to_have_count(1)
    expect(page.locator("a[data-facet=province]")).to_have_text(["甘肃省"])

    remove = page.locator(".active-filters a.remove-filter")
    expect(remove).to_have_count(1)
    expect(remove).to_contain_text("金昌市")
    remove.click()

    wait_for_search_page(page, q=SIMPLIFIED)
    assert "region" not in query_of(page.url)
    expect(page.locator("ol.result-list > li.result")).to_have_count(5)
    assert summary_counts(page) == wide
    assert result_ids(page) == wide_ids
    expect(page.locator(".active-filters")).to_have_count(0)
    expect(page.locator("#q")).to_have_value(SIMPLIFIED)


def test_a_new_query_keeps_the_chosen_facet(page, search_seeds):
    jinchang = search_seeds["000"]
    page.goto(search_path(q=SIMPLIFIED))
    page.locator("a[data-facet=region][data-value='620300']").click()
    wait_for_search_page(page, region="620300")

    box = page.locator("#q")
    box.fill("招商引资")
    box.press("Enter")
    wait_for_search_page(page, q="招商引资", region="620300")
    assert result_ids(page) == [jinchang.pk]
    expect(page.locator(".active-filters a.remove-filter")).to_contain_text("金昌市")
    assert_marks_read(page, jinchang, "招商引資")


@pytest.mark.parametrize(("prefix", "text"), [("000", TRADITIONAL), ("001", SIMPLIFIED)])
def test_following_a_hit_lands_on_its_section_in_view(page, search_seeds, prefix, text):
    release = search_seeds[prefix]
    page.goto(search_path(q=SIMPLIFIED))
    link = result(page, release).locator(".hit-link").first
    href = link.get_attribute("href")
    assert href.startswith(f"/releases/{release.pk}/#"), href
    anchor = href.split("#", 1)[1]
    link.click()

    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    assert page.evaluate("location.hash") == f"#{anchor}"
    expect(page.locator("article.release h1")).to_have_text(release.title)
    section = page.locator(f"section[id='{anchor}']")
    expect(section).to_have_count(1)
    expect(section).to_be_in_viewport()
    where = section.evaluate(
        """el => {const box = el.getBoundingClientRect();
                  return {top: box.top, bottom: box.bottom, height: window.innerHeight,
                          target: el.matches(':target')};}"""
    )
    assert where["target"], where
    assert 0 <= where["top"] < where["height"], where
    expect(section).to_contain_text(text)


def test_every_hit_link_on_the_results_page_points_at_a_section_holding_the_query(
    page, search_seeds
):
    script_of = {release.pk: SCRIPT_OF_SEED[p] for p, release in search_seeds.items()}
    page.goto(search_path(q=SIMPLIFIED))
    hrefs = page.locator(".hit-link").evaluate_all("els => els.map(el => el.getAttribute('href'))")
    assert len(hrefs) >= 5
    for href in hrefs:
        pk = int(re.match(r"^/releases/(\d+)/#", href).group(1))
        anchor = href.split("#", 1)[1]
        page.goto(href)
        section = page.locator(f"section[id='{anchor}']")
        expect(section).to_have_count(1)
        expect(section).to_be_in_viewport()
        expect(section).to_contain_text(script_of[pk])


def test_search_within_a_release_from_its_page_stays_in_that_release(page, search_seeds):
    jinchang = search_seeds["000"]
    page.goto(f"/releases/{jinchang.pk}/")
    form = page.locator(".release-header form[role=search]")
    expect(form.locator("input[type=hidden][name=release]")).to_have_value(str(jinchang.pk))
    box = form.locator("#release-q")
    expect(box).to_have_attribute("placeholder", "在本篇中搜索")
    box.fill(SIMPLIFIED)
    box.press("Enter")

    wait_for_search_page(page, q=SIMPLIFIED, release=str(jinchang.pk))
    expect(page.locator("ol.result-list > li.result")).to_have_count(1)
    assert result_ids(page) == [jinchang.pk]
    releases, sections = summary_counts(page)
    assert releases == 1
    assert sections > 1
    assert_marks_read(page, jinchang, TRADITIONAL)
    expect(page.locator(".active-filters a.remove-filter")).to_contain_text(jinchang.title)
    expect(page.locator("#q")).to_have_value(SIMPLIFIED)
    hrefs = page.locator(".hit-link").evaluate_all("els => els.map(el => el.getAttribute('href'))")
    assert all(href.startswith(f"/releases/{jinchang.pk}/#") for href in hrefs), hrefs

    # A new query typed on the results page is still confined to the release: 招商引资 is
    # also in 张掖 and 呼和浩特, but they stay out.
    page.locator("#q").fill("招商引资")
    page.locator("#q").press("Enter")
    wait_for_search_page(page, q="招商引资", release=str(jinchang.pk))
    assert result_ids(page) == [jinchang.pk]
    assert_marks_read(page, jinchang, "招商引資")

    # Removing the release filter widens the search to every release.
    page.locator(".active-filters a.remove-filter").click()
    wait_for_search_page(page, q="招商引资")
    assert "release" not in query_of(page.url)
    assert len(result_ids(page)) > 1


def test_see_all_matches_in_a_release_shows_all_of_them(page, search_seeds):
    jinchang = search_seeds["000"]
    page.goto(search_path(q=SIMPLIFIED))
    more = result(page, jinchang).locator("a.more-in-release")
    label = more.inner_text()
    matched = int(re.search(r"本篇共 (\d+) 处匹配", label).group(1))
    assert matched > 3
    more.click()

    wait_for_search_page(page, q=SIMPLIFIED, release=str(jinchang.pk))
    assert summary_counts(page) == (1, matched)
    # Every match is reachable: on this page, or on the pages after it.
    seen = page.locator(".hit-link").count()
    while page.locator(".pager a[rel=next]").count():
        page.locator(".pager a[rel=next]").click()
        expect(page.locator(".hit-link").first).to_be_visible()
        seen += page.locator(".hit-link").count()
    assert seen == matched


def test_zero_results_explain_and_suggest(page, search_seeds):
    query = "量子纠缠计算机"
    page.goto(search_path(q=query))
    expect(page.locator("#q")).to_have_value(query)
    expect(page.locator("ol.result-list > li.result")).to_have_count(0)
    assert summary_counts(page) == (0, 0)

    notice = page.locator(".notice.zero")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(f"没有找到与“{query}”匹配的段落。")
    expect(notice).to_contain_text("搜索已同时涵盖简体和繁体、全角和半角")
    expect(notice.locator("li", has_text="换一个更短或更常用的说法")).to_be_visible()
    # The explanation of how the query was read is opened when nothing matched.
    explanation = page.locator("details.explanation")
    expect(explanation).to_have_attribute("open", "")
    expect(explanation.locator("li").first).to_be_visible()
    expect(explanation).to_contain_text(query)
    # The suggestion splits the unknown phrase into words.
    split = notice.locator("a", has_text="拆成词")
    expect(split).to_be_visible()
    assert query_of(split.get_attribute("href"))["q"] == ["量子 纠缠 计算机"]


def test_zero_results_suggestion_can_be_followed_to_results(page, search_seeds):
    page.goto(search_path(q=f"{SIMPLIFIED} 量子"))
    expect(page.locator(".notice.zero")).to_be_visible()
    page.locator(".notice.zero a", has_text="任一词出现即可").click()

    wait_for_search_page(page, q=f"{SIMPLIFIED} OR 量子")
    expect(page.locator("#q")).to_have_value(f"{SIMPLIFIED} OR 量子")
    expect(page.locator(".notice.zero")).to_have_count(0)
    expect(page.locator("ol.result-list > li.result")).to_have_count(5)


def test_zero_results_with_a_filter_suggest_dropping_it(page, search_seeds):
    # 郝文年 speaks in 张掖's release only; searched within 金昌 nothing matches.
    page.goto(search_path(q="郝文年", region="620300"))
    expect(page.locator(".notice.zero")).to_be_visible()
    page.locator(".notice.zero a", has_text="去掉所有筛选条件").click()
    wait_for_search_page(page, q="郝文年")
    assert "region" not in query_of(page.url)
    assert result_ids(page) == [search_seeds["001"].pk]


def scripts_mentioning_alert(page) -> int:
    return page.evaluate(
        "[...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert'))"
        ".length"
    )


def test_a_script_tag_in_the_query_is_shown_as_text_and_never_runs(page, search_seeds):
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    payload = "<script>alert(1)</script>"

    # Typed into the home page's box, as a reader (or a crafted link) would.
    page.goto("/")
    page.locator("#home-q").fill(payload)
    page.locator("#home-q").press("Enter")
    wait_for_search_page(page, q=payload)
    page.wait_for_load_state("load")

    expect(page.locator("#q")).to_have_value(payload)
    expect(page.locator(".notice.zero")).to_contain_text(f"没有找到与“{payload}”匹配的段落。")
    expect(page.locator("details.explanation")).to_contain_text(payload)
    expect(page).to_have_title(re.compile("^" + re.escape(payload) + " · 搜索"))
    # The payload did not become an element: it is text, in the box and in the notice.
    assert scripts_mentioning_alert(page) == 0

    # A link that opens the search directly does not run it either, nor does a suggestion.
    page.goto(search_path(q=payload, region="620300"))
    page.wait_for_load_state("load")
    expect(page.locator("#q")).to_have_value(payload)
    for href in [a.get_attribute("href") for a in page.locator(".notice.zero a").all()]:
        page.goto(href)
        page.wait_for_load_state("load")
        assert scripts_mentioning_alert(page) == 0, href
    assert scripts_mentioning_alert(page) == 0
    assert dialogs == []


def test_script_switch_on_a_search_page_keeps_the_query_and_converts_the_snippets(
    page, search_seeds
):
    jinchang, zhangye = search_seeds["000"], search_seeds["001"]
    page.goto(search_path(q=SIMPLIFIED, region="620700"))
    assert result_ids(page) == [zhangye.pk]
    assert_marks_read(page, zhangye, SIMPLIFIED)
    before = summary_counts(page)

    page.locator("nav.script-switch a[data-script=hant]").click()
    expect(page.locator("nav.script-switch strong[aria-current]")).to_have_attribute(
        "data-script", "hant"
    )
    # Back on the same search, filter included; the query is as the reader typed it.
    wait_for_search_page(page, q=SIMPLIFIED, region="620700")
    assert "script" not in query_of(page.url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("#q")).to_have_value(SIMPLIFIED)
    assert result_ids(page) == [zhangye.pk]
    assert summary_counts(page) == before
    # Title, snippets, marks and facet labels are all Traditional now.
    assert_marks_read(page, zhangye, TRADITIONAL)
    expect(result(page, zhangye).locator("h2.result-title")).to_contain_text("張掖專場")
    snippets = " ".join(result(page, zhangye).locator(".snippet").all_inner_texts())
    assert "营商环境" not in snippets
    assert "營商環境" in snippets
    expect(page.locator(".active-filters a.remove-filter")).to_contain_text("張掖市")
    expect(page.locator("a[data-facet=province]")).to_have_text(["甘肅省"])

    # The choice is remembered: a new search comes up in Traditional too.
    page.locator(".active-filters a.remove-filter").click()
    wait_for_search_page(page, q=SIMPLIFIED)
    expect(page.locator("ol.result-list > li.result")).to_have_count(5)
    for release in search_seeds.values():
        assert_marks_read(page, release, TRADITIONAL)

    # And to Simplified: the Traditional 金昌 release now reads in Simplified, marks included.
    page.locator("nav.script-switch a[data-script=hans]").click()
    expect(page.locator("nav.script-switch strong[aria-current]")).to_have_attribute(
        "data-script", "hans"
    )
    wait_for_search_page(page, q=SIMPLIFIED)
    expect(page.locator("#q")).to_have_value(SIMPLIFIED)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    for release in search_seeds.values():
        assert_marks_read(page, release, SIMPLIFIED)
    jinchang_result = result(page, jinchang)
    expect(jinchang_result.locator("h2.result-title")).to_contain_text("金昌专场")
    expect(jinchang_result.locator(".hit-heading").first).to_have_text("谢宗华答")
    assert "營商環境" not in " ".join(jinchang_result.locator(".snippet").all_inner_texts())


def test_search_results_fit_a_phone_without_sideways_scrolling(phone_page, search_seeds):
    phone_page.goto(search_path(q=SIMPLIFIED))
    expect(phone_page.locator("ol.result-list > li.result")).to_have_count(5)
    widths = phone_page.evaluate(
        """() => ({inner: window.innerWidth,
                   client: document.documentElement.clientWidth,
                   scroll: document.documentElement.scrollWidth})"""
    )
    assert widths["inner"] == 390, widths
    assert widths["scroll"] <= widths["client"] == 390, widths
