"""Filters alone browse: ``region:金昌`` (or only facet choices) lists every section they allow."""

from __future__ import annotations

import pytest

from documents.models import Region, Section
from quality.evaluation import Oracle
from search.core.request import build_request
from search.core.service import match

pytestmark = pytest.mark.django_db


def _published_sections(region_name: str) -> set[int]:
    region = Region.objects.get(name=region_name)
    prefix = region.descendant_codes_prefix()
    return set(
        Section.objects.filter(
            release__status="published", release__region__code__startswith=prefix
        ).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "params", [{"q": "region:金昌"}, {"region": "620300"}, {"region": "金昌市"}]
)
def test_a_region_filter_alone_lists_its_sections(params):
    request, _paging = build_request({k: [v] for k, v in params.items()})
    assert request.searchable and not request.query.has_terms
    found = {m.section for m in match(request)}
    expected = _published_sections("金昌市")
    assert found == expected and expected
    assert found == set(Oracle().relevant(request))


def test_filters_alone_on_the_page_and_the_api(client):
    page = client.get("/search/", {"region": "620700"})  # 张掖市
    assert page.status_code == 200
    html = page.content.decode()
    assert "张掖" in html and 'class="result' in html
    api = client.get("/api/search", {"q": "region:张掖 year:2024"}).json()
    assert api["total"] == len(_published_sections("张掖市"))
    assert {hit["region"] for hit in api["results"]} == {"张掖市"}


def test_an_exclusion_with_a_filter_browses_what_is_left():
    request, _paging = build_request({"q": ["region:金昌 -营商环境"]})
    found = {m.section for m in match(request)}
    assert found and found < _published_sections("金昌市")
    assert found == set(Oracle().relevant(request))


def test_nothing_at_all_is_still_no_search(client):
    request, _paging = build_request({})
    assert not request.searchable
    assert match(request) == []
