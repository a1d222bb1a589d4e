"""发文机关, 文号 and 时效性 as filters and facets, and the new kinds, on the real seeds.

Four seed releases are given a regulation's metadata for each test (set on the model,
re-indexed by the after-commit signal processor as in production) and restored afterwards, so
the session's index ends as it began. Results are compared with the database: the sections of
the releases that carry the value and contain the phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

from documents.models import Release, Section
from quality.evaluation import Oracle
from search.core.query import parse_query
from search.core.release_metadata import doc_number_terms, issuer_key, issuer_parts
from search.core.service import match
from tests.search.scan import committing, containing, forget_searchers, request

#: The phrase every seed release contains (in Simplified or Traditional script).
PHRASE = "营商环境"
FIELDS = ("issuer", "doc_number", "validity", "kind")
GANSU_OFFICE = "甘肃省人民政府办公厅"
#: What the test gives four seeds: 金昌 a normative document, 张掖 a joint regulation since
#: repealed, 湘潭 a national interpretation written in Traditional script, 枣庄 none of these.
METADATA = {
    "000": {
        "issuer": GANSU_OFFICE,
        "doc_number": "甘政办发〔2024〕12号",
        "validity": Release.ValidityChoices.CURRENT,
        "kind": Release.KindChoices.NORMATIVE,
    },
    "001": {
        "issuer": f"{GANSU_OFFICE}、甘肃省发展和改革委员会",
        "doc_number": "甘政办发〔2023〕5号",
        "validity": Release.ValidityChoices.REPEALED,
        "kind": Release.KindChoices.REGULATION,
    },
    "002": {
        "issuer": "國務院辦公廳",
        "doc_number": "國辦發［２０２４］３號",
        "validity": "",
        "kind": Release.KindChoices.INTERPRETATION,
    },
    "003": {"issuer": "", "doc_number": "", "validity": "", "kind": Release.KindChoices.NEWS},
}


@pytest.fixture
def regulations(seeds, django_capture_on_commit_callbacks) -> Iterator[dict[str, Release]]:
    """The seeds by prefix, four of them carrying ``METADATA`` in the index too."""
    with carrying(seeds, METADATA, django_capture_on_commit_callbacks):
        yield seeds


@contextmanager
def carrying(
    seeds: dict[str, Release], metadata: dict[str, dict[str, str]], capture: Any
) -> Iterator[None]:
    """Seeds given ``metadata``, saved and re-indexed after commit; restored afterwards."""
    before = {key: {f: getattr(seeds[key], f) for f in FIELDS} for key in metadata}
    forget_searchers()
    with committing(capture):
        for key, values in metadata.items():
            _save(seeds[key], values)
    forget_searchers()
    try:
        yield
    finally:
        with committing(capture):
            for key, values in before.items():
                _save(seeds[key], values)
        forget_searchers()


def _save(release: Release, values: dict[str, str]) -> None:
    for name, value in values.items():
        setattr(release, name, value)
    release.save()


def sections_of(*releases: Release) -> set[int]:
    """Sections of ``releases`` that contain ``PHRASE``: what a filtered search must return."""
    mine = Section.objects.filter(release__in=releases).values_list("pk", flat=True)
    return containing(PHRASE) & set(mine)


def found(**params: str) -> set[int]:
    return {m.section for m in match(request(q=PHRASE, **params))}


def found_in_box(filters: str) -> set[int]:
    return {m.section for m in match(request(q=f"{PHRASE} {filters}"))}


# --- the keywords, without a database ------------------------------------------------------


def test_a_number_is_indexed_whole_by_code_and_by_code_and_year():
    assert doc_number_terms("甘政办发〔2024〕12号") == [
        "甘政办发〔2024〕12号",
        "甘政办发",
        "甘政办发〔2024〕",
    ]
    assert doc_number_terms("國辦發［２０２４］３號") == [
        "国办发〔2024〕3号",
        "国办发",
        "国办发〔2024〕",
    ]
    assert doc_number_terms("国务院令第722号") == ["国务院令第722号"]
    assert doc_number_terms("  ") == []


def test_a_joint_issuer_is_each_of_its_bodies():
    assert issuer_parts("国家发展改革委、商务部 國務院辦公廳") == [
        "国家发展改革委",
        "商务部",
        "国务院办公厅",
    ]
    assert issuer_key(" 國務院辦公廳 ") == "国务院办公厅"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("issuer:国务院办公厅", "issuer"),
        ("发文机关:国务院办公厅", "issuer"),
        ("文号:国办发〔2024〕3号", "docno"),
        ("docno:国办发[2024]3号", "docno"),
        ("发文字号:国办发(2024)3号", "docno"),
        ("validity:current", "validity"),
        ("时效性:现行有效", "validity"),
    ],
)
def test_the_query_box_reads_the_new_filter_keys(typed, key):
    parsed = parse_query(f"营商环境 {typed}")
    assert [p.text for p in parsed.positive] == ["营商环境"]
    assert parsed.filters == {key: (typed.split(":", 1)[1],)}


# --- 文号 ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "甘政办发〔2024〕12号",
        "甘政办发[2024]12号",
        "甘政办发(2024)12号",
        "甘政办发（２０２４）１２号",
    ],
)
def test_a_number_is_found_in_any_bracket_style(regulations, typed):
    expected = sections_of(regulations["000"])
    assert expected
    assert found_in_box(f"文号:{typed}") == expected
    assert found_in_box(f"docno:{typed}") == expected
    assert found(docno=typed) == expected


@pytest.mark.django_db
def test_a_number_in_traditional_script_and_full_width_is_found_by_its_simplified_form(
    regulations,
):
    assert found_in_box("文号:国办发〔2024〕3号") == sections_of(regulations["002"])


@pytest.mark.django_db
def test_an_issuer_code_finds_all_its_numbers_and_a_partial_number_nothing(regulations):
    both = sections_of(regulations["000"], regulations["001"])
    assert found_in_box("文号:甘政办发") == both
    assert found_in_box("文号:甘政办发[2023]") == sections_of(regulations["001"])
    assert found_in_box("文号:甘政办发〔2024〕1号") == set()  # 12号 is not 1号
    assert found_in_box("文号:甘政") == set()


# --- 发文机关 and 时效性 ------------------------------------------------------------------------


@pytest.mark.django_db
def test_issuer_filter_finds_single_and_joint_releases_in_either_script(regulations):
    gansu = sections_of(regulations["000"], regulations["001"])
    assert found_in_box(f"issuer:{GANSU_OFFICE}") == gansu
    assert found_in_box("發文機關:甘肅省人民政府辦公廳") == gansu
    assert found(issuer="甘肃省发展和改革委员会") == sections_of(regulations["001"])
    assert found(issuer="国务院办公厅") == sections_of(regulations["002"])
    assert found(issuer="甘肃省") == set()  # an issuer is matched whole


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("现行有效", "000"),
        ("current", "000"),
        ("有效", "000"),
        ("已废止", "001"),
        ("repealed", "001"),
    ],
)
def test_validity_filter(regulations, typed, key):
    assert found_in_box(f"validity:{typed}") == sections_of(regulations[key])
    assert found(validity=typed) == sections_of(regulations[key])


@pytest.mark.django_db
def test_filters_combine_with_each_other_and_with_region(regulations):
    assert found(issuer=GANSU_OFFICE, validity="current") == sections_of(regulations["000"])
    assert found(issuer=GANSU_OFFICE, region="张掖") == sections_of(regulations["001"])
    assert found(docno="甘政办发〔2024〕12号", validity="repealed") == set()


@pytest.mark.django_db
def test_new_kinds_filter_by_label_and_value(regulations):
    assert found(kind="法规规章") == sections_of(regulations["001"])
    assert found_in_box("kind:规范性文件") == sections_of(regulations["000"])
    assert found(kind="interpretation") == sections_of(regulations["002"])


# --- facets ------------------------------------------------------------------------------------


def facet(data: dict, name: str) -> dict[str, tuple[str, int, int]]:
    return {v["value"]: (v["label"], v["count"], v["releases"]) for v in data["facets"][name]}


@pytest.mark.django_db
def test_api_counts_issuers_validity_and_new_kinds(client, regulations):
    data = client.get("/api/search?" + urlencode({"q": PHRASE, "page_size": 100})).json()
    jinchang, zhangye, xiangtan = (len(sections_of(regulations[k])) for k in ("000", "001", "002"))
    issuers = facet(data, "issuer")
    assert issuers[GANSU_OFFICE] == (GANSU_OFFICE, jinchang + zhangye, 2)
    assert issuers["甘肃省发展和改革委员会"] == ("甘肃省发展和改革委员会", zhangye, 1)
    assert issuers["国务院办公厅"] == ("国务院办公厅", xiangtan, 1)
    assert facet(data, "validity") == {
        "current": ("现行有效", jinchang, 1),
        "repealed": ("已废止", zhangye, 1),
    }
    kinds = facet(data, "kind")
    assert kinds["normative"] == ("规范性文件", jinchang, 1)
    assert kinds["regulation"] == ("法规规章", zhangye, 1)
    assert kinds["interpretation"] == ("政策解读", xiangtan, 1)


@pytest.mark.django_db
def test_api_filters_as_the_page_does_and_names_the_number(client, regulations):
    data = client.get(
        "/api/search?" + urlencode({"q": PHRASE, "docno": "甘政办发(2024)12号", "page_size": 100})
    ).json()
    assert {r["section_id"] for r in data["results"]} == sections_of(regulations["000"])
    assert {(r["issuer"], r["doc_number"], r["validity"], r["kind"]) for r in data["results"]} == {
        (GANSU_OFFICE, "甘政办发〔2024〕12号", "current", "normative")
    }
    box = client.get("/api/search?" + urlencode({"q": f"{PHRASE} 发文机关:国务院办公厅"})).json()
    assert box["total"] == len(sections_of(regulations["002"]))
    bad = client.get("/api/search?" + urlencode({"q": PHRASE, "validity": "maybe"}))
    assert bad.status_code == 400 and "validity" in bad.json()["error"]


@pytest.mark.django_db
def test_search_page_shows_the_new_facets_and_the_number_and_issuer_of_each_result(
    client, regulations
):
    text = client.get("/search/?" + urlencode({"q": PHRASE})).content.decode()
    assert '<section class="facet facet-issuer">' in text and "<h2>发文机关</h2>" in text
    assert '<section class="facet facet-validity">' in text and "<h2>时效性</h2>" in text
    kinds = re.search(r'<section class="facet facet-kind">(.*?)</section>', text, re.S).group(1)
    assert all(label in kinds for label in ("法规规章", "规范性文件", "政策解读"))
    chunk = re.search(
        rf'<li class="result" data-release="{regulations["000"].pk}">(.*?)</ul>', text, re.S
    ).group(1)
    assert '<span class="doc-number">甘政办发〔2024〕12号</span>' in chunk
    assert f'<span class="issuer">{GANSU_OFFICE}</span>' in chunk
    # The facet links filter: following the 现行有效 one leaves 金昌 alone.
    href = re.search(r'<a href="([^"]*)" data-facet="validity" data-value="current"', text)
    narrowed = client.get(href.group(1).replace("&amp;", "&")).content.decode()
    assert re.findall(r'<li class="result" data-release="(\d+)">', narrowed) == [
        str(regulations["000"].pk)
    ]
    assert "现行有效" in re.search(r'class="active-filters">(.*?)</section>', narrowed, re.S)[1]


@pytest.mark.django_db
def test_facets_without_values_are_not_shown(client, regulations):
    zaozhuang = regulations["003"].pk
    text = client.get("/search/?" + urlencode({"q": PHRASE, "release": zaozhuang})).content.decode()
    assert 'class="result"' in text
    assert "facet-issuer" not in text and "facet-validity" not in text
    assert 'class="doc-number"' not in text


# --- the feed ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_feed_entries_carry_kind_issuer_and_number(client, regulations):
    response = client.get("/search/feed/?" + urlencode({"q": PHRASE, "issuer": GANSU_OFFICE}))
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - our own server's output
    entries = {e.find(f"{atom}title").text: e for e in feed.findall(f"{atom}entry")}
    assert set(entries) == {regulations["000"].title, regulations["001"].title}
    jinchang = entries[regulations["000"].title]
    assert {c.get("term") for c in jinchang.findall(f"{atom}category")} == {
        "规范性文件",
        "现行有效",
    }
    assert jinchang.find(f"{atom}author/{atom}name").text == GANSU_OFFICE
    summary = jinchang.find(f"{atom}summary").text
    assert summary.startswith(f"金昌市 · {GANSU_OFFICE} · 甘政办发〔2024〕12号 · ")


# --- the evaluation oracle -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"docno": "甘政办发[2024]12号"},
        {"docno": "甘政办发"},
        {"docno": "甘政办发（2023）"},
        {"docno": "甘政办发〔2024〕1号"},
        {"issuer": "國務院辦公廳"},
        {"issuer": "甘肃省发展和改革委员会", "validity": "已废止"},
        {"validity": "current"},
    ],
)
def test_the_oracle_agrees_with_the_engine_on_the_new_filters(regulations, params):
    """``evaluate_search``'s database scan states the filters' meaning apart from the index."""
    search = request(q=PHRASE, **params)
    assert Oracle().relevant(search) == {m.section for m in match(search)}


# --- imported text stays text ------------------------------------------------------------------

MARKUP = "<img src=x onerror=alert(1)>"
#: Markup without a space or slash, so one issuing body holds all of it.
TAG = "<svg>"


@pytest.mark.django_db
def test_an_issuer_and_number_with_markup_are_shown_as_text(
    client, seeds, django_capture_on_commit_callbacks
):
    """Unlike regions and kinds, issuers and numbers come from imported files."""
    hostile = {
        "003": {"issuer": f"{TAG}国务院、枣庄市人民政府", "doc_number": f"枣政发〔2024〕{MARKUP}"}
    }
    with carrying(seeds, hostile, django_capture_on_commit_callbacks):
        query = {"q": PHRASE, "release": seeds["003"].pk}
        text = client.get("/search/?" + urlencode(query)).content.decode()
        feed = client.get("/search/feed/?" + urlencode(query)).content.decode()
    assert "<img" not in text and "<svg" not in text
    assert 'data-value="&lt;svg&gt;国务院"' in text
    assert '<span class="issuer">&lt;svg&gt;国务院、枣庄市人民政府</span>' in text
    assert '<span class="doc-number">枣政发〔2024〕&lt;img' in text
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = ElementTree.fromstring(feed).findall(f"{atom}entry")  # noqa: S314
    summary = entry.find(f"{atom}summary").text  # HTML: the issuer and number escaped in it
    assert "<img" not in summary and "<svg" not in summary
    assert "&lt;svg&gt;国务院、枣庄市人民政府 · 枣政发〔2024〕&lt;img src=x" in summary
