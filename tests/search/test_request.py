"""Search parameters (``search.core.request.build_request``): validated once for page, API and
feed."""

from __future__ import annotations

import pytest

from search.core.request import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    BadSearchParameter,
    Scope,
    Sort,
    Within,
    build_request,
)
from search.core.service import match

pytestmark = pytest.mark.django_db


def build(**params: str | list[str]):
    return build_request({k: v if isinstance(v, list) else [v] for k, v in params.items()})


def test_defaults():
    request, paging = build(q="营商环境")
    assert (request.scope, request.within, request.sort) == (
        Scope.FULLTEXT,
        Within.SECTION,
        Sort.RELEVANCE,
    )
    assert (paging.page, paging.page_size) == (1, 10)
    assert build_request({"q": ["x"]}, default_page_size=20)[1].page_size == 20
    assert request.active == () and request.notes == ()


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("sort", "bogus", "sort"),
        ("sort", "NEWEST", "sort"),
        ("scope", "body", "scope"),
        ("within", "paragraph", "within"),
        ("page", "0", "page"),
        ("page", "-1", "page"),
        ("page", "abc", "page"),
        ("page", "1.5", "page"),
        ("page", str(MAX_PAGE + 1), "page"),
        ("page_size", "0", "page_size"),
        ("page_size", str(MAX_PAGE_SIZE + 1), "page_size"),
        ("page_size", "ten", "page_size"),
        ("year", "abc", "年份"),
        ("year", "24", "年份"),
        ("year", "1800", "年份"),
        ("year", "2020-2200", "年份"),
        ("kind", "blog", "类型"),
        ("from", "yesterday", "from"),
        ("from", "2024-13", "from"),
        ("to", "2024-06-32", "to"),
        ("answers", "maybe", "answers"),
        ("release", "abc", "release"),
        ("release", "-3", "release"),
    ],
)
def test_bad_parameters_raise_with_a_message_naming_the_parameter(name, value, needle):
    with pytest.raises(BadSearchParameter) as raised:
        build(q="营商环境", **{name: value})
    message = str(raised.value)
    assert needle in message
    assert value[:40] in message or name in {"sort", "scope", "within"}


@pytest.mark.parametrize(
    ("name", "allowed"), [("sort", "relevance, newest"), ("scope", "fulltext")]
)
def test_choice_errors_list_what_is_allowed(name, allowed):
    with pytest.raises(BadSearchParameter, match=allowed):
        build(q="x", **{name: "bogus"})


def test_bad_filter_in_the_query_text_is_reported_too():
    with pytest.raises(BadSearchParameter, match="年份"):
        build(q="营商环境 year:abc")
    with pytest.raises(BadSearchParameter, match="类型"):
        build(q="营商环境 kind:博客")


def test_from_after_to_is_refused():
    with pytest.raises(BadSearchParameter, match="起始日期晚于截止日期"):
        build(q="x", **{"from": "2024-06", "to": "2024-01"})


def test_limits_are_inclusive():
    _, paging = build(q="x", page=str(MAX_PAGE), page_size=str(MAX_PAGE_SIZE))
    assert (paging.page, paging.page_size) == (MAX_PAGE, MAX_PAGE_SIZE)


def test_last_value_of_single_valued_parameters_wins():
    request, paging = build(q="x", sort=["newest", "relevance"], page=["3", "2"])
    assert request.sort == Sort.RELEVANCE and paging.page == 2


# --- regions ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["金昌", "金昌市", "620300", " 金昌市 "])
def test_region_names_and_codes_resolve_to_the_city(value):
    request, _ = build(q="营商环境", region=value)
    assert request.filters.regions == ("620300",)
    assert request.notes == ()
    assert request.active[0].label == "金昌市"


@pytest.mark.parametrize("value", ["甘肅", "甘肅省", "甘肃", "甘肃省", "620000"])
def test_province_names_in_either_script_resolve(value):
    request, _ = build(q="营商环境", province=value)
    assert request.filters.provinces == ("620000",)
    assert request.active[0].label == "甘肃省"


def test_region_filter_in_the_query_text_resolves_the_same_way():
    from_text, _ = build(q="营商环境 地区：金昌")
    from_url, _ = build(q="营商环境", region="金昌")
    assert from_text.filters.regions == from_url.filters.regions == ("620300",)
    assert from_text.active == ()  # only URL parameters get a removal link


def test_a_city_is_not_a_province():
    request, _ = build(q="营商环境", province="金昌")
    assert request.filters.provinces == ("-",)
    assert any("金昌" in note for note in request.notes)


def test_ambiguous_region_name_includes_every_match_and_says_so():
    request, _ = build(q="营商环境", region="吉林")
    assert set(request.filters.regions) == {"220000", "220200"}  # 吉林省 and 吉林市
    assert any("对应多个地区" in note for note in request.notes)


@pytest.mark.parametrize("value", ["火星", "不存在市", "999999", "金"])
def test_unknown_region_gives_a_note_and_zero_results(value):
    request, _ = build(q="营商环境", region=value)
    assert any(value in note for note in request.notes)
    assert match(request) == []
    assert match(build(q="营商环境")[0])  # the same query without the filter finds sections


# --- other filters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "years"),
    [
        ("2024", ("2024",)),
        ("2020-2023", ("2020", "2021", "2022", "2023")),
        ("2023-2021", ("2021", "2022", "2023")),
        ("2021至2022", ("2021", "2022")),
        ("unknown", ("unknown",)),
        ("不详", ("unknown",)),
    ],
)
def test_years_and_year_ranges(value, years):
    assert build(q="x", year=value)[0].filters.years == years


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("press_conference", "press_conference"),
        ("新闻发布会", "press_conference"),
        ("發布會", "press_conference"),
        ("发布会", "press_conference"),
        ("新闻", "news"),
        ("新聞報道", "news"),
        ("报告", "work_report"),
        ("other", "other"),
    ],
)
def test_kind_names_aliases_and_traditional(value, kind):
    assert build(q="x", kind=value)[0].filters.kinds == (kind,)


@pytest.mark.parametrize(
    ("params", "day_from", "day_to"),
    [
        ({"from": "2024"}, 20240101, None),
        ({"to": "2024"}, None, 20241231),
        ({"from": "2024-06", "to": "2024-06"}, 20240601, 20240631),
        ({"from": "2024/1/5", "to": "2024.01.05"}, 20240105, 20240105),
        ({"from": "2024年6月", "to": "2024年6月30日"}, 20240601, 20240630),
    ],
)
def test_dates(params, day_from, day_to):
    filters = build(q="x", **params)[0].filters
    assert (filters.day_from, filters.day_to) == (day_from, day_to)


@pytest.mark.parametrize(
    ("value", "flag"), [("1", True), ("true", True), ("on", True), ("0", False)]
)
def test_answers_flag(value, flag):
    request, _ = build(q="x", answers=value)
    assert request.filters.answers_only is flag
    assert any(f.param == "answers" for f in request.active) is flag


def test_release_filter_is_labelled_with_its_title(seeds):
    release = seeds["000"]
    request, _ = build(q="x", release=str(release.pk))
    assert request.filters.release == release.pk
    assert request.active[0].label == release.title
    missing, _ = build(q="x", release="999999")
    assert "999999" in missing.active[0].label


def test_speaker_filter_is_a_normalised_phrase():
    request, _ = build(q="x", speaker="毛財榮")
    (speaker,) = request.filters.speakers
    assert speaker.normalised == "毛财荣"


def test_url_and_query_filters_combine():
    request, _ = build(q="营商环境 year:2023", year="2024", region="金昌", province="甘肃")
    assert request.filters.years == ("2024", "2023")
    assert request.filters.regions == ("620300",) and request.filters.provinces == ("620000",)
    assert [(f.param, f.value) for f in request.active] == [
        ("province", "甘肃"),
        ("region", "金昌"),
        ("year", "2024"),
    ]


def test_full_width_year_parameter_means_the_same_year():
    wide, _ = build(q="营商环境", year="２０２４")
    narrow, _ = build(q="营商环境", year="2024")
    assert match(narrow)
    assert wide.filters.years == ("2024",)
    assert len(match(wide)) == len(match(narrow))
