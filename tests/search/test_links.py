"""Search links: the facet links built from pre-encoded parameters are the plain ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search.web.links import FilterLinks, search_url, with_value, without_value

KEYS = ["q", "province", "region", "year", "kind", "issuer", "page", "sort"]
VALUES = st.sampled_from(
    ["", "营商环境 一网通办", "620300", "2024", "news", "国务院&办公厅", "a=b"]
)
PARAMS = st.dictionaries(st.sampled_from(KEYS), st.lists(VALUES, max_size=3), max_size=6)


def plain(params, key, value):
    chosen = value in params.get(key, [])
    return search_url(
        without_value(params, key, value) if chosen else with_value(params, key, value)
    )


@given(PARAMS, st.sampled_from(KEYS[1:6]), VALUES.filter(bool))
@settings(max_examples=300, deadline=None)
def test_toggled_links_are_the_plain_links(params, key, value):
    assert FilterLinks(params).toggled(key, value) == plain(params, key, value)


def test_a_chosen_value_links_to_the_search_without_it_and_back_to_page_one():
    params = {"q": ["营商环境"], "region": ["620300", "430300"], "page": ["3"]}
    links = FilterLinks(params)
    assert (
        links.toggled("region", "620300")
        == "/search/?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83&region=430300"
    )
    assert links.toggled("year", "2024").endswith("&region=620300&region=430300&year=2024")
    assert "page=" not in links.toggled("kind", "news")
