"""Markup in released documents and in queries stays text, in a real browser.

A release is untrusted text: an uploaded file may carry ``<script>``, event handlers,
``javascript:`` URLs, broken tags, or a ``</mark>`` aimed at the search highlighter. The hostile
press conference below puts such markup in every field the portal shows (title, subtitle,
source, editor, file name, headings, body, asker, answerer's title) and goes in through the
real import path. A browser then reads every page that shows it — release, search results with
highlighted snippets and headings, facets and filter chips, the region page, the JSON API, and
the admin upload preview — and the test checks two things on each:

* nothing ran: ``window.__pwned`` (which every payload sets) stays undefined, no dialog opened,
  no injected image was fetched, no element or ``on…`` attribute came from the documents;
* the reader sees the markup as literal text, exactly as written.

The templates' escaping is what passes this; the Content-Security-Policy is a second wall,
so the pages must also report no CSP violation at all (a violation would mean markup reached
the DOM, or that the policy breaks a page of our own). Normal pages, the admin with its
JavaScript included, are checked for violations here too, and one test shows the policy does
block markup that reaches the DOM by other means.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.test_upload import STAFF, log_in

pytestmark = pytest.mark.browser

TITLE = "<script>window.__pwned=1</script>“优化营商环境”<b><i>未闭合专题新闻发布会——金昌专场"
SUBTITLE = "——<i>金昌</i>专场<svg onload=window.__pwned=10>"
SOURCE = "日报<script>__pwned=11</script>"
EDITOR = "郑文<img/src/onerror=__pwned=9>"
HEADING_1 = "一、减证便民<svg onload=window.__pwned=4>"
HEADING_2 = "二、严管</mark><script>__pwned=6</script>"
ASKER = "<u>中国甘肃网</u>"
ANSWERER_TITLE = "<img src=x onerror=__pwned=8>金昌市发展改革委副主任"
BODY = (
    '<img src=x onerror="window.__pwned=2">',
    "<img src=x onerror=alert(13)>",
    '<a href="javascript:window.__pwned=3">点我</a>',
    '"><script>window.__pwned=5</script>',
    "实体&lt;i&gt;照原样显示",  # an entity is text too: shown as typed, not decoded
    "</mark><script>window.__pwned=7</script>",
    '<iframe src="javascript:window.__pwned=12"></iframe>',
    "<style>body{display:none}</style>",
)
FILENAME = "注入<img src=x onerror=__pwned=14>.txt"
WORD = "防注入试验词"
"""In every body section of the hostile release and in no seed: what the searches look for."""

HOSTILE_TEXT = f"""{TITLE}
{SUBTITLE}
来源:{SOURCE}
2024年9月3日下午,省政府新闻办组织举行专题新闻发布会{BODY[0]}{BODY[1]}。金昌市委常委朱维昌介绍情况,讲到{WORD}。
{HEADING_1}
持续擦亮“办事不求人”服务名片{BODY[2]},大力推进政务服务改革。{BODY[3]}{WORD}出现在这里,{BODY[4]}。
{HEADING_2}
坚持以服务提质效,著眼解决影响企业发展的难点、堵点、痛点问题。{WORD}{BODY[5]}再次出现。
记者问答
{ASKER}记者现场提问
记者:刚才提到{WORD}{BODY[6]},请问你们在服务产业发展方面有没有什么创新的做法?
{ANSWERER_TITLE}肖飞:
金昌市是典型的工矿型城市,近年来围绕{WORD}全面转型高质量发展{BODY[7]}。
(责任编辑:{EDITOR})
"""

INJECTED_TAGS = (
    "script:not([src^='/static/js/']), style, img, svg:not(.bar-chart), iframe, object, embed, "
    "b, i, u"
)
"""Elements a public page never has: any of them would have come from a document or query
(the portal's own scripts are files under /static/js/, its own charts are ``svg.bar-chart``)."""

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
});
"""

PAGE_STATE = """() => ({
  pwned: typeof window.__pwned,
  violations: window.__violations || null,
  inlineScripts: [...document.scripts].filter(s => !s.src).length,
  handlers: [...document.querySelectorAll('*')].flatMap(
    el => [...el.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)),
  jsUrls: [...document.querySelectorAll('[href], [src], [action]')].filter(el =>
    /^\\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src')
                             || el.getAttribute('action') || '')).length,
})"""


class Watch:
    """Everything a page did that markup would make it do: dialogs, CSP reports, stray fetches."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.fetched: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        # <img src=x> would fetch ``…/x`` relative to the page.
        page.on("request", lambda r: r.url.endswith("/x") and self.fetched.append(r.url))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        if message.type in {"error", "warning"}:
            self.console.append(message.text)

    def goto(self, path: str, *, status: int = 200):
        response = self.page.goto(path)
        assert response is not None
        assert response.status == status, (path, response.status)
        return response

    def assert_inert(self, *, public: bool = True) -> None:
        """Nothing ran, nothing was blocked, nothing the documents wrote became markup."""
        state = self.page.evaluate(PAGE_STATE)
        where = self.page.url
        assert state["pwned"] == "undefined", where
        assert state["violations"] == [], (where, state["violations"])
        assert state["handlers"] == [], (where, state["handlers"])
        assert state["jsUrls"] == 0, where
        assert state["inlineScripts"] == 0, where
        assert not self.dialogs, (where, self.dialogs)
        assert not self.fetched, (where, self.fetched)
        csp = [t for t in self.console if "Content Security Policy" in t or "Refused to" in t]
        assert not csp, (where, csp)
        # A script of our own (the admin's) that broke under the policy would throw.
        errors = [t for t in self.console if t.startswith("pageerror")]
        assert not errors, (where, errors)
        if public:
            injected = self.page.locator(INJECTED_TAGS)
            assert injected.count() == 0, (
                where,
                injected.evaluate_all("els => els.map(e => e.outerHTML)"),
            )


@pytest.fixture
def watch(page) -> Watch:
    return Watch(page)


@pytest.fixture
def empty_portal(transactional_db) -> None:
    """No releases at all, and an index to match (the first live test still sees the corpus)."""
    from django.db import transaction

    from documents.models import Release
    from search.indexing.rebuild import rebuild_all

    with transaction.atomic():
        Release.objects.all().delete()
    rebuild_all()


@pytest.fixture
def hostile(empty_portal):
    """The hostile release, published through the import service like any uploaded file."""
    from documents.models import Release
    from documents.services import import_release

    result = import_release(HOSTILE_TEXT.encode(), filename=FILENAME, publish=True)
    assert result.release is not None, result.message
    return Release.objects.get(pk=result.release.pk)


def search_path(**params: str) -> str:
    return "/search/?" + urlencode(params)


def text_of(page, selector: str = "main") -> str:
    return page.locator(selector).inner_text()


def assert_only_marks(locator) -> None:
    """Each element holds text and our own ``<mark>`` and nothing else."""
    for element in locator.all():
        tags = element.evaluate("el => [...el.querySelectorAll('*')].map(c => c.tagName)")
        assert set(tags) <= {"MARK"}, (tags, element.inner_text())


# ---- the stored parse is what the test thinks it is ---------------------------------------
def test_the_hostile_markup_reaches_every_field_the_portal_shows(hostile):
    """Guard for the browser tests below: the parser kept each payload in its own field."""
    sections = list(hostile.sections.order_by("order"))
    assert hostile.title == TITLE
    assert hostile.subtitle == SUBTITLE
    assert hostile.source == SOURCE
    assert hostile.editor == EDITOR
    assert hostile.original_name == FILENAME
    assert hostile.region.code == "620300"  # 金昌市, from the title
    assert [s.heading for s in sections if s.heading][:2] == [HEADING_1, HEADING_2]
    question = next(s for s in sections if s.kind == "question")
    answer = next(s for s in sections if s.kind == "answer")
    assert question.speaker == ASKER
    assert (answer.speaker, answer.speaker_title) == ("肖飞", ANSWERER_TITLE)
    body = "\n".join(s.text for s in sections)
    assert all(payload in body for payload in BODY), body


# ---- public pages ---------------------------------------------------------------------------
def test_release_page_shows_every_payload_as_text_and_runs_none(page, watch, hostile):
    response = watch.goto(f"/releases/{hostile.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    watch.assert_inert()

    assert page.evaluate("document.title") == f"{TITLE} · 营商环境政策库"
    expect(page.locator("article.release h1")).to_have_text(TITLE)
    expect(page.locator(".release-header .subtitle")).to_have_text(SUBTITLE)
    facts = page.locator("dl.facts")
    expect(facts.locator("div", has_text="来源").locator("dd")).to_have_text(SOURCE)
    expect(facts.locator("div", has_text="编辑").locator("dd")).to_have_text(EDITOR)
    expect(facts.locator("a.original")).to_have_text(FILENAME)
    expect(page.locator("section.sec h2").first).to_have_text(HEADING_1)
    expect(page.locator("section.sec h2").nth(1)).to_have_text(HEADING_2)
    expect(page.locator("section.kind-question .speaker")).to_have_text(ASKER)
    expect(page.locator("section.kind-answer .speaker")).to_have_text("肖飞")
    expect(page.locator("section.kind-answer .speaker-title")).to_have_text(ANSWERER_TITLE)
    expect(page.locator("nav.toc")).to_contain_text(f"问（{ASKER}）")
    article = text_of(page, "article.release")
    for payload in BODY:
        assert payload in article, payload
    # The <style> in the body did not hide the page.
    expect(page.locator("article.release h1")).to_be_visible()


@pytest.mark.parametrize("script", ["hans", "hant"])
def test_release_page_in_either_script_runs_nothing(page, watch, hostile, script):
    watch.goto(f"/releases/{hostile.pk}/?script={script}")
    watch.assert_inert()
    expect(page.locator("article.release h1")).to_contain_text("<script>window.__pwned=1</script>")
    assert "<b><i>" in text_of(page, "article.release h1")


def test_search_snippets_and_headings_show_the_markup_around_the_marks(page, watch, hostile):
    watch.goto(search_path(q=WORD, release=str(hostile.pk)))
    watch.assert_inert()
    assert page.evaluate("document.title").startswith(f"{WORD} · 搜索")

    result = page.locator(f"li.result[data-release='{hostile.pk}']")
    expect(result.locator("h2.result-title a")).to_have_text(TITLE)
    assert_only_marks(result.locator("h2.result-title a"))
    snippets = result.locator(".snippet")
    expect(snippets).to_have_count(5)
    assert_only_marks(snippets)
    assert set(result.locator(".snippet mark").all_inner_texts()) == {WORD}
    shown = "\n".join(snippets.all_inner_texts())
    for payload in BODY:
        assert payload in shown, payload
    headings = result.locator(".hit-heading").all_inner_texts()
    assert HEADING_1 in headings
    assert HEADING_2 in headings
    assert f"{ASKER}问" in headings
    assert "肖飞答" in headings
    # The release filter's chip names the release by its title, as text.
    expect(page.locator(".active-filters a.remove-filter")).to_contain_text(TITLE)


def test_a_query_made_of_markup_finds_it_and_marks_it_as_text(page, watch, hostile):
    """``</mark><script>`` in the text, searched for: the mark wraps it, it does not close it."""
    query = "</mark><script>window.__pwned=7</script>"
    watch.goto(search_path(q=query))
    watch.assert_inert()
    expect(page.locator("#q")).to_have_value(query)
    assert page.evaluate("document.title").startswith(f"{query} · 搜索")
    mark = page.locator(f"li.result[data-release='{hostile.pk}'] .snippet mark")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text(query)
    assert_only_marks(page.locator(".snippet"))
    expect(page.locator("details.explanation")).to_contain_text(query)


def test_a_heading_hit_marks_inside_hostile_heading_text(page, watch, hostile):
    watch.goto(search_path(q="严管"))
    watch.assert_inert()
    heading = page.locator(f"li.result[data-release='{hostile.pk}'] .hit-heading").first
    expect(heading).to_have_text(HEADING_2)
    expect(heading.locator("mark")).to_have_text("严管")
    assert_only_marks(heading)


def test_a_title_search_marks_the_hostile_title_as_text(page, watch, hostile):
    watch.goto(search_path(q="未闭合", scope="title"))
    watch.assert_inert()
    title = page.locator(f"li.result[data-release='{hostile.pk}'] h2.result-title a")
    expect(title).to_have_text(TITLE)
    expect(title.locator("mark")).to_have_text("未闭合")
    assert_only_marks(title)


def test_markup_in_a_query_that_matches_nothing_is_echoed_as_text(page, watch, hostile):
    query = '"><img src=x onerror=window.__pwned=21><script>alert(22)</script>'
    watch.goto(search_path(q=query))
    watch.assert_inert()
    expect(page.locator("#q")).to_have_value(query)
    assert page.evaluate("document.title").startswith(f"{query} · 搜索")
    notice = page.locator(".notice.zero")
    expect(notice).to_contain_text(f"没有找到与“{query}”匹配的段落。")
    for link in notice.locator("a").all():  # suggestions rebuilt from the query stay links
        assert link.get_attribute("href").startswith("?") or "/search/" in link.get_attribute(
            "href"
        )


def test_markup_in_filter_parameters_is_echoed_as_text(page, watch, hostile):
    """Filters echo what was asked for: in chips, in the explanation, in the error message."""
    speaker = "<b onmouseover=window.__pwned=23>发改委</b>"
    region = "<svg onload=window.__pwned=24>"
    watch.goto(search_path(q=WORD, speaker=speaker, region=region))
    watch.assert_inert()
    chips = page.locator(".active-filters a.remove-filter")
    expect(chips).to_have_count(2)
    expect(chips.filter(has_text=speaker)).to_have_count(1)
    expect(chips.filter(has_text=region)).to_have_count(1)
    expect(page.locator("details.explanation")).to_contain_text(f"没有找到地区 “{region}”。")

    # Written into the query as ``地区:…`` instead: the same, and the query echoes it too.
    query = f"{WORD} 地区:<svg/onload=window.__pwned=25>"
    watch.goto(search_path(q=query))
    watch.assert_inert()
    expect(page.locator("#q")).to_have_value(query)
    expect(page.locator("details.explanation")).to_contain_text(
        "没有找到地区 “<svg/onload=window.__pwned=25>”。"
    )

    # A value the filter refuses comes back in the error message, as text.
    kind = "<i onclick=window.__pwned=26>x</i>"
    watch.goto(search_path(q=WORD, kind=kind), status=400)
    watch.assert_inert()
    expect(page.locator(".notice.error")).to_contain_text(f"类型（kind）“{kind}” 无效")


def test_facet_labels_come_from_fixed_vocabularies_and_stay_text(page, watch, hostile):
    """Region, province, year and kind facets: labels the documents cannot write.

    A region facet shows the gazetteer's name (an upload only picks one of them), a kind
    facet a fixed choice, a year digits. The one way to put markup there is a staff member
    renaming a region in the admin; ``test_a_region_renamed_with_markup_…`` covers that.
    """
    watch.goto(search_path(q=WORD))
    watch.assert_inert()
    labels = {
        name: page.locator(f"a[data-facet={name}]").all_inner_texts()
        for name in ("province", "region", "year", "kind")
    }
    assert labels == {
        "province": ["甘肃省"],
        "region": ["金昌市"],
        "year": ["2024"],
        "kind": ["新闻发布会"],
    }, labels


def test_a_region_renamed_with_markup_shows_it_as_text_everywhere(page, watch, hostile):
    """What a staff edit in the region admin would do: the name reaches facets and pages."""
    region = hostile.region
    original = region.name
    hostile_name = "金昌市<img src=x onerror=window.__pwned=30>"
    region.name = hostile_name
    region.save()  # as the admin does: the search page's cache of names is dropped
    try:
        watch.goto(search_path(q=WORD))
        watch.assert_inert()
        facet = page.locator("a[data-facet=region][data-value='620300']")
        expect(facet).to_have_text(hostile_name)
        facet.click()
        expect(page).to_have_url(re.compile(r"region=620300"))
        watch.assert_inert()
        expect(page.locator(".active-filters a.remove-filter")).to_contain_text(hostile_name)
        expect(page.locator(".release-meta a").first).to_have_text(hostile_name)

        watch.goto("/regions/620300/")
        watch.assert_inert()
        expect(page.locator("main h1")).to_contain_text(hostile_name)
        assert page.evaluate("document.title").startswith(f"{hostile_name} · ")

        for path in ("/", f"/releases/{hostile.pk}/", "/regions/", "/regions/620000/"):
            watch.goto(path)
            watch.assert_inert()
            assert hostile_name in text_of(page), path
    finally:
        region.name = original
        region.save()


def test_browse_pages_listing_the_release_show_its_title_as_text(page, watch, hostile):
    for path in ("/", "/regions/620300/", "/regions/620000/"):
        watch.goto(path)
        watch.assert_inert()
        expect(page.locator(".release-list a.release-title")).to_have_text(TITLE)
    watch.goto("/releases/999999/", status=404)  # the 404 page lists the latest releases
    watch.assert_inert()
    expect(page.locator(".not-found .release-title")).to_have_text(TITLE)


def test_json_api_opened_in_the_browser_is_text(page, watch, hostile):
    for path in (f"/api/releases/{hostile.pk}", "/api/search?" + urlencode({"q": WORD})):
        response = watch.goto(path)
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in response.headers["content-security-policy"]
        watch.assert_inert()
        body = page.locator("body").inner_text()
        assert "<script>window.__pwned=1</script>" in body, path


# ---- the admin ------------------------------------------------------------------------------
def test_staff_upload_of_the_hostile_file_previews_publishes_and_lists_it_as_text(
    page, watch, empty_portal, tmp_path
):
    """The real upload path in the browser, the admin's JavaScript (select2) running under CSP."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(STAFF[0], "bianji@example.org", STAFF[1])
    log_in(page, *STAFF)
    expect(page.locator("#id_file")).to_be_visible()
    watch.assert_inert(public=False)

    path = tmp_path / FILENAME
    path.write_bytes(HOSTILE_TEXT.encode())
    page.set_input_files("#id_file", path)
    page.locator("#upload-form input[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/upload/[0-9a-f]{32}/$"))
    watch.assert_inert(public=False)
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#detected-region")).to_have_text("金昌市 · 甘肃省")
    expect(page.locator(".field-region .select2-selection__rendered")).to_contain_text("金昌市")
    outline = text_of(page, "#outline")
    for text in (HEADING_1, HEADING_2, ASKER, ANSWERER_TITLE):
        assert text in outline, text
    # The preview's own stylesheet (a static file, not an inline <style>) is applied.
    overflow = page.locator("#outline").evaluate("el => getComputedStyle(el).overflowY")
    assert overflow == "auto"

    page.locator("#publish-button").click()
    expect(page).to_have_url(re.compile(r"/admin/documents/release/\d+/change/$"))
    watch.assert_inert(public=False)
    expect(page.locator("ul.messagelist li.success")).to_contain_text(f"已发布“{TITLE}”")

    watch.goto("/admin/documents/release/")
    watch.assert_inert(public=False)
    expect(page.locator("#result_list th.field-title a")).to_have_text(TITLE)

    watch.goto(search_path(q=WORD))
    watch.assert_inert()
    expect(page.locator("h2.result-title a")).to_have_text(TITLE)


# ---- the policy itself ----------------------------------------------------------------------
NORMAL_PAGES = ("/", "/regions/", "/regions/620000/", "/about/", "/releases/999999/")


def test_normal_pages_send_the_policy_and_break_nothing_under_it(page, watch, live_seeds):
    jinchang = live_seeds["000"]
    paths = [*NORMAL_PAGES, f"/releases/{jinchang.pk}/", search_path(q="营商环境")]
    for path in paths:
        response = watch.goto(path, status=404 if "999999" in path else 200)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        watch.assert_inert()
        # The stylesheet applies: the header's accent border is painted.
        border = page.locator("header.site-header").evaluate(
            "el => getComputedStyle(el).borderBottomColor"
        )
        assert border == "rgb(179, 38, 30)", path
    background = page.locator("mark").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(253, 230, 138)"

    # The script switch (a plain link to a view that sets a cookie) still works.
    watch.goto(f"/releases/{jinchang.pk}/")
    page.locator("nav.script-switch a[data-script=hans]").click()
    expect(page.locator("article.release h1")).to_contain_text("营商环境")
    watch.assert_inert()
    # So does the language switch, a form posted to Django's set_language (form-action 'self').
    page.locator("form.lang-switch button").click()
    expect(page.locator("form.lang-switch button")).to_have_text("中文")
    expect(page.locator("nav.site-nav")).to_contain_text("About")
    watch.assert_inert()


def test_admin_pages_run_their_scripts_under_the_policy(page, watch, live_seeds):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(STAFF[0], "bianji@example.org", STAFF[1])
    watch.goto("/admin/login/")
    watch.assert_inert(public=False)
    log_in(page, *STAFF)
    expect(page.locator("#id_file")).to_be_visible()
    watch.assert_inert(public=False)
    jinchang = live_seeds["000"]
    for path in (
        "/admin/",
        "/admin/documents/release/",
        f"/admin/documents/release/{jinchang.pk}/change/",
        "/admin/documents/region/",
    ):
        watch.goto(path)
        watch.assert_inert(public=False)
    # The changelist's action bar is driven by admin/js/actions.js: ticking a row counts it.
    watch.goto("/admin/documents/release/")
    page.locator("#result_list input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1")
    watch.assert_inert(public=False)


def test_were_escaping_to_fail_the_policy_would_still_run_nothing(page, watch, hostile):
    """The second wall, and proof the checks above can fail: serve the page unescaped.

    The release page is fetched from the server and handed to the browser with every entity
    decoded, as a template that forgot to escape would send it. The markup now becomes
    elements; the policy refuses to run or apply any of it, and ``assert_inert`` says so.
    """
    path = f"/releases/{hostile.pk}/"

    def unescaped(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=html.unescape(response.text()))

    page.route(f"**{path}", unescaped)
    watch.goto(path)
    page.wait_for_function("window.__violations.length >= 5")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not watch.dialogs
    directives = {v.split()[0] for v in page.evaluate("window.__violations")}
    assert {"script-src-elem", "script-src-attr", "style-src-elem"} <= directives, directives
    expect(page.locator("article.release h1")).to_be_visible()  # <style> hid nothing
    with pytest.raises(AssertionError):
        watch.assert_inert()
