"""Ranking: the first page picked without ranking every match is the first page of the ranking."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search.core.plan import Match
from search.core.request import Sort
from search.core.service import best, rank


@st.composite
def matches(draw):
    """Matches with many ties: few scores, days and releases, as broad searches have."""
    count = draw(st.integers(0, 300))
    rows = []
    for section in range(count):
        release = draw(st.integers(1, 12))
        rows.append(
            Match(
                section=section,
                release=release,
                score=draw(st.sampled_from([0.5, 1.25, 2.0, 3.5])),
                heading_hit=draw(st.booleans()),
                province="620000",
                region="620300",
                year="2024",
                kind="news",
                day=draw(st.sampled_from([0, 20240903, 20231001])),
                order=section,
            )
        )
    return rows


@given(matches(), st.sampled_from(list(Sort)), st.integers(1, 120))
@settings(max_examples=300, deadline=None)
def test_the_best_are_the_first_of_the_ranking(found, sort, count):
    assert best(found, sort, count) == rank(found, sort)[:count]


def test_a_page_past_many_ties_is_still_the_ranking():
    tied = [Match(n, 1 + n % 3, 1.0, False, "", "", "", "", 20240101, n) for n in range(500)]
    assert best(tied, Sort.RELEVANCE, 40) == rank(tied, Sort.RELEVANCE)[:40]
    assert best(tied, Sort.NEWEST, 40) == rank(tied, Sort.NEWEST)[:40]
