"""``GET /api/search``: the documented JSON, totals that count sections, and 400s, never 500s."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from search.core.request import MAX_PAGE_SIZE
from tests.search.scan import containing

pytestmark = pytest.mark.django_db

# The response shape documented in README.md ("JSON API").
TOP_KEYS = {
    "query",
    "expansions",
    "total",
    "total_releases",
    "page",
    "page_size",
    "page_count",
    "took_ms",
    "explanation",
    "results",
    "facets",
}
RESULT_KEYS = {
    "section_id",
    "release_id",
    "release_title",
    "region",
    "province",
    "published",
    "kind",
    "issuer",
    "doc_number",
    "validity",
    "section_kind",
    "heading",
    "speaker",
    "url",
    "snippet",
    "score",
}
FACET_NAMES = {"province", "region", "year", "kind", "issuer", "validity"}
FACET_KEYS = {"value", "label", "count", "releases"}


def api(client, **params: str):
    response = client.get("/api/search?" + urlencode(params))
    assert response.status_code != 500
    assert response["Content-Type"] == "application/json"
    return response


def ok(client, **params: str) -> dict:
    response = api(client, **params)
    assert response.status_code == 200, response.content.decode()
    return response.json()


def error(client, status: int = 400, **params: str) -> str:
    response = api(client, **params)
    assert response.status_code == status
    data = response.json()
    assert set(data) == {"error"} and data["error"]
    return data["error"]


def test_schema_is_exactly_as_documented(client):
    data = ok(client, q="营商环境", page_size="5")
    assert set(data) == TOP_KEYS
    assert data["query"] == "营商环境"
    assert (data["page"], data["page_size"]) == (1, 5)
    assert isinstance(data["took_ms"], int | float) and data["took_ms"] >= 0
    assert isinstance(data["explanation"], list) and all(
        isinstance(x, str) for x in data["explanation"]
    )
    assert len(data["results"]) == 5
    for result in data["results"]:
        assert set(result) == RESULT_KEYS
        assert isinstance(result["section_id"], int) and isinstance(result["release_id"], int)
        assert isinstance(result["score"], int | float)
        assert result["published"] is None or re.fullmatch(
            r"\d{4}-\d{2}-\d{2}", result["published"]
        )
        assert "<mark>" in result["snippet"] or "<mark>" not in result["heading"]
    assert set(data["facets"]) == FACET_NAMES
    for name, values in data["facets"].items():
        # Every release has a province, region, year and kind; not every one an issuer.
        assert values or name in {"issuer", "validity"}
        for value in values:
            assert set(value) == FACET_KEYS
            assert 1 <= value["releases"] <= value["count"]


def test_total_counts_matching_sections_across_pages(client):
    truth = containing("营商环境")
    first = ok(client, q="營商環境", page_size="20")
    assert first["total"] == len(truth)
    assert first["page_count"] == -(-len(truth) // 20)
    seen = []
    for page in range(1, first["page_count"] + 1):
        seen += [
            r["section_id"]
            for r in ok(client, q="營商環境", page_size="20", page=str(page))["results"]
        ]
    assert len(seen) == len(set(seen)) == first["total"]
    assert set(seen) == truth
    assert first["total_releases"] == len(
        {r["release_id"] for r in ok(client, q="营商环境", page_size="100")["results"]}
    )


def test_default_and_maximum_page_size(client, settings):
    assert ok(client, q="税")["page_size"] == settings.PORTAL_API_PAGE_SIZE
    data = ok(client, q="税", page_size=str(MAX_PAGE_SIZE))
    assert len(data["results"]) == MAX_PAGE_SIZE < data["total"]
    assert "page_size" in error(client, q="税", page_size=str(MAX_PAGE_SIZE + 1))


def test_snippets_mark_the_hits_in_the_original_script(client, seeds):
    data = ok(client, q="营商环境", region="金昌", page_size="100")
    assert data["total"] > 0
    for result in data["results"]:
        assert result["release_id"] == seeds["000"].pk
        assert result["region"] == "金昌市" and result["province"] == "甘肃省"
        assert "營商環境" in re.findall(r"<mark>(.*?)</mark>", result["snippet"])


# --- bad input: 400 with a message, or a lenient 200, never a 500 ----------------------------


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"q": "x" * 10_000}, "500"),
        ({"q": "营商环境", "page": "99999"}, "page"),
        ({"q": "营商环境", "page": "0"}, "page"),
        ({"q": "营商环境", "page": "abc"}, "page"),
        ({"q": "营商环境", "page": "50"}, "50"),  # past the last page
        ({"q": "营商环境", "page_size": "1000"}, "page_size"),
        ({"q": "营商环境", "page_size": "0"}, "page_size"),
        ({"q": "营商环境", "year": "abc"}, "年份"),
        ({"q": "营商环境", "sort": "bogus"}, "sort"),
        ({"q": "营商环境", "scope": "bogus"}, "scope"),
        ({"q": "营商环境", "within": "bogus"}, "within"),
        ({"q": "营商环境", "kind": "bogus"}, "类型"),
        ({"q": "营商环境", "from": "bogus"}, "from"),
        ({"q": "营商环境", "to": "2024-99"}, "to"),
        ({"q": "营商环境", "answers": "bogus"}, "answers"),
        ({"q": "营商环境", "release": "bogus"}, "release"),
        ({"q": "营商环境", "from": "2024", "to": "2020"}, "日期"),
    ],
)
def test_bad_parameters_are_400_with_an_error(client, params, needle):
    assert needle in error(client, **params)


@pytest.mark.parametrize("q", ["", "   ", "OR", "NOT", "AND", "-"])
def test_queries_without_terms_find_nothing_without_error(client, q):
    data = ok(client, q=q)
    if q == "-":  # a lone minus is a literal character, searched like any other
        assert data["total"] == len(containing("-")) > 0
    else:
        assert data["total"] == 0 and data["results"] == [] and data["page_count"] == 1


def test_a_filter_without_terms_browses_its_sections(client):
    data = ok(client, q="region:金昌")
    assert data["total"] > 0
    assert {hit["region"] for hit in data["results"]} == {"金昌市"}


def test_no_query_at_all(client):
    data = ok(client)
    assert data["total"] == 0 and data["query"] == ""


def test_lone_operators_are_explained(client):
    assert any("OR" in line for line in ok(client, q="OR")["explanation"])
    assert any("NOT" in line for line in ok(client, q="营商 NOT")["explanation"])


def test_unbalanced_quote_is_read_leniently_and_explained(client):
    data = ok(client, q='"一网通办')
    assert data["total"] == len(containing("一网通办")) > 0
    assert any("引号" in line for line in data["explanation"])


def test_star_is_a_literal_character(client):
    assert ok(client, q="*")["total"] == len(containing("*"))
    assert ok(client, q="营商*")["total"] == 0


def test_markup_in_the_query_is_never_served_as_html(client):
    response = api(client, q="<script>alert(1)</script> 营商环境")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    data = response.json()
    assert data["query"] == "<script>alert(1)</script> 营商环境"  # echoed as data, in JSON
    for result in data["results"]:
        assert "<script" not in result["snippet"]


def test_snippets_contain_no_tags_but_mark(client):
    for q in ("营商环境", "税", "<", "&"):
        for result in ok(client, q=q, page_size="100")["results"]:
            assert set(re.findall(r"</?([a-zA-Z][^\s>/]*)", result["snippet"])) <= {"mark"}


# --- facets -------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["营商环境", "税", "一网通办 OR 放管服"])
def test_facet_counts_sum_to_the_totals(client, q):
    data = ok(client, q=q, page_size="100")
    # Every section has exactly one province, year and kind; a region value also counts the
    # regions below it (as filtering by it does), so region counts may overlap.
    for name in ("province", "year", "kind"):
        assert sum(v["count"] for v in data["facets"][name]) == data["total"], name
        assert sum(v["releases"] for v in data["facets"][name]) == data["total_releases"], name
    assert sum(v["count"] for v in data["facets"]["region"]) >= data["total"]


def test_each_facet_value_applied_as_a_filter_gives_its_count(client):
    data = ok(client, q="营商环境")
    checked = 0
    for name in ("province", "year", "kind", "region"):
        for value in data["facets"][name]:
            narrowed = ok(client, q="营商环境", **{name: value["value"]})
            assert (narrowed["total"], narrowed["total_releases"]) == (
                value["count"],
                value["releases"],
            ), (name, value)
            checked += 1
    assert checked >= 10


def test_national_region_facet_narrows_to_its_count(client):
    data = ok(client, q="营商环境")
    (national,) = [v for v in data["facets"]["region"] if v["value"] == "000000"]
    narrowed = ok(client, q="营商环境", region="000000")
    assert narrowed["total"] == national["count"]


# --- links --------------------------------------------------------------------------------


def test_results_link_to_anchors_that_exist_on_the_release_page(client):
    data = ok(client, q="高效办成一件事 OR 毛财荣 OR 呼和浩特", page_size="100")
    assert data["total"] >= 10
    pages: dict[str, str] = {}
    for result in data["results"]:
        match = re.fullmatch(r"/releases/(\d+)/#([\w-]+)", result["url"])
        assert match, result["url"]
        assert int(match.group(1)) == result["release_id"]
        path = f"/releases/{result['release_id']}/"
        if path not in pages:
            response = client.get(path)
            assert response.status_code == 200
            pages[path] = response.content.decode()
        assert f'id="{match.group(2)}"' in pages[path]


def test_release_id_matches_the_release_api(client):
    data = ok(client, q="营商环境", page_size="100")
    details = {}
    for result in data["results"]:
        rid = result["release_id"]
        if rid not in details:
            details[rid] = client.get(f"/api/releases/{rid}").json()
        release = details[rid]
        assert release["title"] == result["release_title"]
        assert release["region"] == result["region"] and release["province"] == result["province"]
        assert release["published"] == result["published"] and release["kind"] == result["kind"]
        section = next(s for s in release["sections"] if s["id"] == result["section_id"])
        assert section["url"].endswith(result["url"])
        assert section["heading"] == result["heading"] and section["kind"] == result["section_kind"]
