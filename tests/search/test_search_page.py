"""The search page, its Atom feed, OpenSearch, and the search boxes on release and region pages."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree

import pytest

from documents.models import Release, Section
from search.core.analysis import normalise
from search.core.service import match
from tests.search.scan import containing, request

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def page(client, url: str = "/search/", status: int = 200, **params: str) -> str:
    response = client.get(url + ("?" + urlencode(params) if params else ""))
    assert response.status_code == status
    return response.content.decode()


def follow(client, href: str, status: int = 200) -> str:
    return page(client, html.unescape(href), status)


def groups(text: str) -> list[int]:
    """Release ids of the result groups, in order."""
    return [int(x) for x in re.findall(r'<li class="result" data-release="(\d+)">', text)]


def box_value(text: str) -> str:
    (value,) = re.findall(r'<input id="q" type="search" name="q" value="([^"]*)"', text)
    return value


def link(text: str, pattern: str) -> str:
    found = re.search(pattern, text)
    assert found, pattern
    return found.group(1)


def parse_xml(content: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(content)  # noqa: S314 - our own server's output


# --- results ------------------------------------------------------------------------------


def test_results_are_grouped_by_release_with_marked_snippets(client, seeds, settings):
    text = page(client, q="營商環境")
    matches = match(request(q="营商环境"))
    releases = list(dict.fromkeys(m.release for m in matches))
    assert groups(text) == releases[: settings.SEARCH_PAGE_SIZE]
    assert f"{len(releases)} 篇发布稿中 {len(matches)} 处匹配" in text
    chunks = dict(re.findall(r'<li class="result" data-release="(\d+)">(.*?)</ul>', text, re.S))
    jinchang = chunks[str(seeds["000"].pk)]
    assert '<span class="snippet">' in jinchang and "金昌專場" in jinchang
    assert "<mark>營商環境</mark>" in jinchang  # marked in the release's own script
    hits = re.findall(r'<a class="hit-link" href="(/releases/\d+/#[\w-]+)">', text)
    assert hits and all(h.startswith("/releases/") for h in hits)


def test_a_group_links_to_all_its_matches_in_the_release(client, seeds, settings):
    text = page(client, q="营商环境")
    more = link(text, rf'<a class="more-in-release" href="([^"]*release={seeds["001"].pk})"')
    narrowed = follow(client, more)
    assert groups(narrowed) == [seeds["001"].pk]
    count = len(match(request(q="营商环境", release=str(seeds["001"].pk))))
    # Within one release every match is shown, a page of sections at a time.
    assert count > settings.SEARCH_PAGE_SIZE
    assert f"1 篇发布稿中 {count} 处匹配" in narrowed
    assert narrowed.count('class="hit ') == settings.SEARCH_PAGE_SIZE
    assert 'class="more-in-release"' not in narrowed
    second = follow(client, link(narrowed, r'<a rel="next" href="([^"]+)"'))
    assert second.count('class="hit ') == count - settings.SEARCH_PAGE_SIZE


def test_query_is_kept_in_the_box_escaped(client):
    query = '营商环境 "一网 通办" <b>&'
    text = page(client, q=query)
    assert html.unescape(box_value(text)) == query
    assert "<b>&" not in text


def test_injected_markup_in_the_query_is_escaped_everywhere(client):
    query = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    for params in ({"q": query}, {"q": "营商环境 " + query}, {"q": query, "region": query}):
        text = page(client, **params)
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;" in text


def test_explanation_says_how_the_query_was_read(client):
    text = page(client, q="營商環境 OR 一网通办 -金昌 地区:甘肃", within="sentence")
    explanation = text[text.index('<details class="explanation"') :]
    explanation = explanation[: explanation.index("</details>")]
    items = re.findall(r"<li>(.*?)</li>", explanation)
    assert any("「营商环境」 或 「一网通办」" in line for line in items)
    assert any("排除含有 「金昌」" in line for line in items)
    assert any("營商環境" in line and "简繁体" in line for line in items)
    assert any("region：甘肃省" in line for line in items)


def test_empty_query_shows_examples(client):
    text = page(client, q="")
    assert groups(text) == [] and "输入要找的词语" in text
    assert "查询里没有可搜索的词" in page(client, q="OR")


def test_bad_parameter_is_a_400_page_with_the_message(client):
    text = page(client, status=400, q="营商环境", sort="bogus")
    assert 'role="alert"' in text and "sort" in text
    assert "查询过长" in page(client, status=400, q="x" * 600)


# --- facets, filters, sorting, paging ------------------------------------------------------


def test_facet_links_narrow_the_results(client, seeds):
    text = page(client, q="营商环境")
    href = link(text, r'<a href="([^"]*)" data-facet="region" data-value="620300"')
    narrowed = follow(client, href)
    assert groups(narrowed) == [seeds["000"].pk]
    href = link(text, r'<a href="([^"]*)" data-facet="province" data-value="620000"')
    assert set(groups(follow(client, href))) == {seeds["000"].pk, seeds["001"].pk}
    href = link(text, r'<a href="([^"]*)" data-facet="kind" data-value="news"')
    kinds = set(
        Release.objects.filter(pk__in=groups(follow(client, href))).values_list("kind", flat=True)
    )
    assert kinds == {"news"}


def test_active_filters_are_shown_with_removal_links(client, seeds):
    text = page(client, q="营商环境", region="金昌", kind="发布会")
    active = text[text.index('<section class="active-filters">') :]
    active = active[: active.index("</section>")]
    labels = re.findall(r'class="remove-filter" href="([^"]*)"[^>]*>([^<]*) <span', active)
    assert {label for _, label in labels} == {"金昌市", "新闻发布会"}
    assert groups(text) == [seeds["000"].pk]
    region_off = next(href for href, label in labels if label == "金昌市")
    params = parse_qs(urlsplit(html.unescape(region_off)).query)
    assert params == {"q": ["营商环境"], "kind": ["发布会"]}
    assert set(groups(follow(client, region_off))) == {seeds["000"].pk, seeds["001"].pk}
    facet = re.search(r'data-facet="region" data-value="620300"([^>]*)>', text)
    assert facet  # the facet of the chosen region is still listed


def test_search_form_keeps_the_filters(client):
    text = page(client, q="营商环境", region="金昌", answers="1")
    form = text[text.index('<form class="search-form search-main"') :]
    form = form[: form.index("</form>")]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    assert hidden == {"region": "金昌", "answers": "1"}


def test_sort_links(client):
    text = page(client, q="营商环境")
    assert "<strong>相关度</strong>" in text
    newest = follow(client, link(text, r'<a href="([^"]*sort=newest)">最新</a>'))
    assert "<strong>最新</strong>" in newest
    ids = groups(newest)
    dates = dict(Release.objects.filter(pk__in=ids).values_list("pk", "published"))
    known = [dates[i] for i in ids if dates[i] is not None]
    assert known == sorted(known, reverse=True) and len(known) >= 9
    assert ids != groups(text)


def test_pagination(client, settings):
    releases = list(dict.fromkeys(m.release for m in match(request(q="营商环境"))))
    assert len(releases) > settings.SEARCH_PAGE_SIZE
    first = page(client, q="营商环境")
    assert "第 1 / 2 页" in first and 'rel="prev"' not in first
    second = follow(client, link(first, r'<a rel="next" href="([^"]*)"'))
    assert "第 2 / 2 页" in second and 'rel="next"' not in second
    assert groups(first) + groups(second) == releases
    back = follow(client, link(second, r'<a rel="prev" href="([^"]*)"'))
    assert groups(back) == groups(first)


def test_page_past_the_end_is_a_404_with_a_way_back(client):
    text = page(client, status=404, q="营商环境", page="3")
    last = link(text, r'<a href="([^"]*)">转到最后一页</a>')
    assert "page=2" in html.unescape(last)
    assert groups(follow(client, last))
    page(client, status=400, q="营商环境", page="abc")


def test_zero_results_offer_broader_searches(client):
    text = page(client, q="营商环境 甲乙丙丁", region="金昌", within="sentence")
    assert groups(text) == []
    zero = text[text.index('<div class="notice zero">') :]
    zero = zero[: zero.index("</div>")]
    assert "没有找到与“营商环境 甲乙丙丁”匹配的段落" in zero
    suggestions = dict(
        (label, href) for href, label in re.findall(r'<a href="([^"]*)">([^<]*)</a>', zero)
    )
    assert {"去掉所有筛选条件", "改为同一段落内", "任一词出现即可"} <= set(suggestions)
    either = follow(client, suggestions["任一词出现即可"])
    assert groups(either)  # 营商环境 OR 甲乙丙丁 in 金昌 finds the 金昌 seed


def test_zero_results_suggest_splitting_a_long_phrase(client):
    text = page(client, q="高效办成一件事改革举措清单")
    suggestion = link(text, r'<a href="([^"]*)">把「高效办成一件事改革举措清单」拆成词')
    assert groups(follow(client, suggestion))


# --- feed and OpenSearch ------------------------------------------------------------------


def test_feed_is_valid_atom_with_newest_matching_releases(client):
    response = client.get("/search/feed/?" + urlencode({"q": "营商环境"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert "营商环境" in feed.find(f"{ATOM}title").text
    entries = feed.findall(f"{ATOM}entry")
    releases = list(dict.fromkeys(m.release for m in match(request(q="营商环境", sort="newest"))))
    assert len(entries) == len(releases)
    for entry, release_id in zip(entries, releases, strict=True):
        href = entry.find(f"{ATOM}link").get("href")
        assert re.fullmatch(rf"http://testserver/releases/{release_id}/#[\w-]+", href)
        assert entry.find(f"{ATOM}title").text == Release.objects.get(pk=release_id).title
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        # The summary is the first hit's body snippet; a hit in the heading has no mark there.
        anchor = href.rsplit("#", 1)[1]
        heading = Section.objects.get(release_id=release_id, anchor=anchor).heading
        assert "<mark>" in summary.text or "营商环境" in normalise(heading)
        assert "<script" not in summary.text
        assert entry.find(f"{ATOM}updated") is not None and entry.find(f"{ATOM}id").text


def test_feed_of_a_query_without_terms_is_empty_and_bad_parameters_are_404(client):
    assert parse_xml(client.get("/search/feed/?q=").content).findall(f"{ATOM}entry") == []
    assert client.get("/search/feed/?q=x&year=abc").status_code == 404


def test_feed_of_a_query_with_control_characters_is_still_xml(client):
    # Found by the endpoint fuzzer: XML 1.0 cannot carry ESC, so the title drops it.
    response = client.get("/search/feed/?" + urlencode({"q": "\x1b[31m金昌"}))
    assert response.status_code == 200
    title = parse_xml(response.content).find(f"{ATOM}title").text
    assert title.endswith("[31m金昌")
    assert "\x1b" not in title


def test_feed_ids_and_self_link_are_absolute_and_keep_the_query(client):
    feed = parse_xml(client.get("/search/feed/?" + urlencode({"q": "营商环境"})).content)
    ids = [entry.find(f"{ATOM}id").text for entry in feed.findall(f"{ATOM}entry")]
    assert ids and all(urlsplit(i).scheme for i in ids)
    (self_link,) = [e.get("href") for e in feed.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert parse_qs(urlsplit(self_link).query) == {"q": ["营商环境"]}


def test_search_page_advertises_its_feed(client):
    text = page(client, q="营商环境")
    feed = link(
        text,
        r'<link rel="alternate" type="application/atom\+xml" title="搜索订阅[^"]*" href="([^"]*)"',
    )
    assert urlsplit(html.unescape(feed)).path == "/search/feed/"
    assert parse_qs(urlsplit(html.unescape(feed)).query) == {"q": ["营商环境"]}
    assert 'rel="search" type="application/opensearchdescription+xml"' in text


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    root = parse_xml(response.content)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.find(f"{OPENSEARCH}ShortName").text
    templates = {u.get("type"): u.get("template") for u in root.findall(f"{OPENSEARCH}Url")}
    html_template = templates["text/html"]
    assert html_template.startswith("http://testserver/search/?q={searchTerms}")
    filled = html_template.replace("{searchTerms}", "营商环境").replace("{startPage?}", "1")
    assert groups(page(client, urlsplit(filled).path, **{"q": "营商环境", "page": "1"}))
    assert templates["application/atom+xml"] == "http://testserver/search/feed/?q={searchTerms}"
    assert "/api/search?q={searchTerms}" in templates["application/json"]


# --- search within a release or a region ------------------------------------------------


def _within_form(text: str) -> tuple[str, dict[str, str]]:
    form = re.search(
        r'<form class="search-form" role="search" action="([^"]*)" method="get">(.*?)</form>',
        text,
        re.S,
    )
    assert form
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2)))
    return form.group(1), hidden


def test_release_page_searches_within_the_release(client, seeds):
    release = seeds["004"]
    action, hidden = _within_form(page(client, release.get_absolute_url()))
    assert action == "/search/" and hidden == {"release": str(release.pk)}
    text = page(client, action, q="营商环境", **hidden)
    assert groups(text) == [release.pk]
    mine = set(release.sections.values_list("pk", flat=True))
    assert f"{len(containing('营商环境') & mine)} 处匹配" in text


def test_region_page_searches_within_the_region(client, seeds):
    action, hidden = _within_form(page(client, "/regions/620000/"))
    assert action == "/search/" and hidden == {"region": "620000"}
    text = page(client, action, q="营商环境", **hidden)
    assert set(groups(text)) == {seeds["000"].pk, seeds["001"].pk}
    action, hidden = _within_form(page(client, "/regions/620300/"))
    assert groups(page(client, action, q="营商环境", **hidden)) == [seeds["000"].pk]
