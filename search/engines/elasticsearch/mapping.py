"""The Elasticsearch index: its analysis settings, its mapping, and the documents sent to it.

Elasticsearch never sees raw text. Every text is normalised by the portal's own analysis
(``search.core.analysis.normalise``: NFKC, OpenCC Traditional→Simplified, case-folding, whitespace
runs collapsed) before it is sent, so an engine that knows nothing of Chinese scripts matches
exactly what the Whoosh index matches, and the queries are normalised the same way. On the
engine's side only built-in analysis is used (no plugin to install on the cluster):

* ``text`` and ``title`` are analysed by the built-in ``cjk`` analyzer (CJK bigrams): a phrase
  of two or more ideographs is a phrase of bigrams, which Lucene only forms between adjacent
  ideographs, so it is found exactly where the ideographs stand in a row.
* their ``units`` sub-field cuts text into the portal's units (one per ideograph or symbol, one
  per run of letters, one per run of digits; ``search.core.analysis.split_units``) with a
  built-in ``pattern`` tokenizer: every other phrase (one ideograph, ``5G网络``, ``12345热线``)
  is a phrase of units, with the same word boundaries as the Whoosh index (``5g`` is not
  found inside ``15g``, ``2.5`` is found in ``pm2.5``).
* ``words`` holds jieba's words of the text (segmented here, with the portal's policy-term
  dictionary), for relevance and for more-like-this.
* the columns the search page filters, groups and counts by are keywords and numbers.
"""

from __future__ import annotations

from typing import Any

from search.core.analysis import normalise, policy_words

#: Java regex of one unit, as ``search.core.analysis._UNIT``: a run of letters or a run of digits
#: below the CJK blocks, or any single character (an ideograph, a symbol, a space, a line break).
UNIT_PATTERN = r"[\p{L}\p{Nl}\p{No}&&[^\x{2E80}-\x{10FFFF}]]+|[\p{Nd}&&[^\x{2E80}-\x{10FFFF}]]+|."
#: Fields searched by phrases: the text fields with their ``units`` sub-field.
PHRASE_FIELDS = ("text", "title", "heading", "speaker")
KEYWORD_FIELDS = (
    "django_ct",
    "django_id",
    "region",
    "province",
    "regions",
    "year",
    "kind",
    "issuer",
    "issuers",
    "doc_numbers",
    "validity",
    "section_kind",
    "status",
    "lead",
    "version",
)
NUMBER_FIELDS = ("section", "release", "day", "order")
#: haystack's document id (``documents.section.12``), kept as a keyword for its ``remove``.
ID_FIELD = "id"


def index_body(*, shards: int, replicas: int, meta: dict[str, Any]) -> dict[str, Any]:
    """The body of a create-index request: settings, analysis and the strict mapping.

    ``meta`` (the index fingerprint) is stored in the mapping's ``_meta``, so a cluster index
    built by older code is detected just as a Whoosh index is (``search.checks``).
    """
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                # a section is far shorter; an over-long one is still found, only not highlighted
                "highlight.max_analyzed_offset": 1_000_000,
            },
            "analysis": {
                "tokenizer": {
                    "portal_units": {
                        "type": "pattern",
                        "pattern": UNIT_PATTERN,
                        "group": 0,
                        "flags": "DOTALL",
                    }
                },
                "analyzer": {
                    "portal_units": {"type": "custom", "tokenizer": "portal_units"},
                    "portal_words": {"type": "custom", "tokenizer": "whitespace"},
                },
            },
        },
        "mappings": {"_meta": meta, "dynamic": "strict", "properties": properties()},
    }


def properties() -> dict[str, Any]:
    """The mapping's fields (see the module's docstring)."""
    fields: dict[str, Any] = {ID_FIELD: {"type": "keyword"}}
    for name in PHRASE_FIELDS:
        fields[name] = {
            "type": "text",
            "analyzer": "cjk",
            "fields": {"units": {"type": "text", "analyzer": "portal_units"}},
        }
    fields["words"] = {"type": "text", "analyzer": "portal_words"}
    for name in KEYWORD_FIELDS:
        fields[name] = {"type": "keyword"}
    for name in NUMBER_FIELDS:
        fields[name] = {"type": "long"}
    return fields


def document(prepared: dict[str, Any]) -> dict[str, Any]:
    """The source sent to Elasticsearch for one prepared section (``SectionIndex.full_prepare``).

    Texts are normalised here; ``words`` is added; ids and numbers become numbers; haystack's
    bookkeeping (``boost``, ``score``) and unknown keys are left out, since the mapping is
    strict.
    """
    source: dict[str, Any] = {ID_FIELD: str(prepared[ID_FIELD])}
    for name in PHRASE_FIELDS:
        source[name] = normalise(str(prepared.get(name) or ""))
    source["words"] = " ".join(policy_words(source["text"]))
    for name in KEYWORD_FIELDS:
        value = prepared.get(name)
        if value is None or value == "":
            continue
        source[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    for name in NUMBER_FIELDS:
        source[name] = int(prepared.get(name) or 0)
    return source
