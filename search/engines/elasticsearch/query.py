"""A search request as Elasticsearch query JSON, and Elasticsearch hits back as ``Match`` rows.

The request is first restated as the same ``Plan`` the Whoosh backend runs
(``search.core.plan.build_plan``), so both engines read one meaning of a query: every group
must have one of its phrases, excluded phrases must be absent, filters restrict, and a phrase
found in the heading puts the section first. Each phrase becomes a ``match_phrase`` on a field
whose analysis makes it exact (``search.engines.elasticsearch.mapping``): a run of two or more
ideographs on the ``cjk`` bigram field, anything else on the ``units`` sub-field. Ranking, grouping
and facet counts then happen in ``search.core.service``, the same for every engine.
"""

from __future__ import annotations

import re
from typing import Any

from search.core.plan import MATCH_COLUMNS, Match, PhraseCheck, Plan

#: The ideographs the ``cjk`` analyzer bigrams (CJK unified ideographs, extensions and
#: compatibility ideographs; not 〇, CJK punctuation or kana).
_HAN_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]{2,}")
#: The named query that says a positive phrase is in the heading.
HEADING_QUERY = "heading"
#: Columns every match reads, as in ``search.core.plan.MATCH_COLUMNS``.
MATCH_FIELDS = MATCH_COLUMNS
#: Hits fetched per round trip while collecting every match.
BATCH = 5000


def phrase_field(field: str, check: PhraseCheck) -> str:
    """The field whose analysis finds ``check`` exactly: bigrams for ideographs, else units."""
    return field if _HAN_ONLY.fullmatch(check.needle) else f"{field}.units"


def phrase_query(field: str, check: PhraseCheck) -> dict[str, Any]:
    """One phrase, exactly as normalised, in ``field``."""
    return {"match_phrase": {phrase_field(field, check): {"query": check.needle}}}


def any_of(queries: list[dict[str, Any]], name: str | None = None) -> dict[str, Any]:
    """A clause true when one of ``queries`` is."""
    clause: dict[str, Any] = {"bool": {"should": queries, "minimum_should_match": 1}}
    if name:
        clause["bool"]["_name"] = name
    return clause


def query(plan: Plan) -> dict[str, Any]:
    """The ``query`` of a search: phrases score, filters restrict, the heading is named."""
    filters: list[dict[str, Any]] = [{"term": {"status": "published"}}]
    for name, values in plan.keywords:
        filters.append({"terms": {name: list(values)}})
    if plan.day_from or plan.day_to:
        bounds = {"gte": plan.day_from or 1}
        if plan.day_to is not None:
            bounds["lte"] = plan.day_to
        filters.append({"range": {"day": bounds}})
    if plan.speakers:
        filters.append(any_of([phrase_query("speaker", c) for c in plan.speakers]))
    boolean: dict[str, Any] = {
        "must": [any_of([phrase_query(plan.field, c) for c in group]) for group in plan.groups],
        "filter": filters,
    }
    if plan.excluded:
        boolean["must_not"] = [phrase_query(plan.field, c) for c in plan.excluded]
    if plan.headings:
        boolean["should"] = [
            any_of([phrase_query("heading", c) for c in plan.headings], HEADING_QUERY)
        ]
    return {"bool": boolean}


def search_body(plan: Plan, after: list[Any] | None = None) -> dict[str, Any]:
    """One batch of matches, best first, with the columns ``Match`` needs and no source.

    Sorted by score, then section id, so ``search_after`` pages through every match without
    Elasticsearch's 10,000-hit window. The text comes along only when sentences must be
    checked (``within=sentence``), which the engine cannot do.
    """
    body: dict[str, Any] = {
        "query": query(plan),
        "size": BATCH,
        "sort": [{"_score": "desc"}, {"section": "asc"}],
        "track_total_hits": True,
        "_source": [plan.field] if plan.same_sentence else False,
        "docvalue_fields": list(MATCH_FIELDS),
    }
    if after is not None:
        body["search_after"] = after
    return body


def to_match(hit: dict[str, Any]) -> Match:
    """A hit of ``search_body`` as the row ``search.core.service`` ranks and counts."""
    values = {name: (hit.get("fields", {}).get(name) or [None])[0] for name in MATCH_FIELDS}
    return Match(
        section=int(values["section"] or 0),
        release=int(values["release"] or 0),
        score=float(hit.get("_score") or 0.0),
        heading_hit=HEADING_QUERY in hit.get("matched_queries", ()),
        province=values["province"] or "",
        region=values["region"] or "",
        year=values["year"] or "",
        kind=values["kind"] or "",
        day=int(values["day"] or 0),
        order=int(values["order"] or 0),
        issuer=values["issuer"] or "",
        validity=values["validity"] or "",
    )


def more_like_this_body(words: list[str], exclude: int, size: int) -> dict[str, Any]:
    """Sections sharing the distinctive jieba words of a text (``words``), itself left out."""
    return {
        "query": {
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["words"],
                            "like": " ".join(words),
                            "min_term_freq": 1,
                            "min_doc_freq": 2,
                            "max_query_terms": 24,
                        }
                    }
                ],
                "filter": [{"term": {"status": "published"}}],
                "must_not": [{"term": {"section": exclude}}],
            }
        },
        "size": size,
        "_source": False,
        "docvalue_fields": ["section", "release", "region"],
    }
