"""haystack's Elasticsearch 7 backend, with the portal's mapping, queries and reindexing.

Selected by settings alone (``SEARCH_ENGINE=elasticsearch``, ``ELASTICSEARCH_URL``; see
``portal/settings.py``): the search page, the API, the feed, the admin's publish and
``check_search_index`` call the same methods on it as on the Whoosh backend
(``search.engines.whoosh.backend``).

* Texts are normalised here and analysed on the cluster with built-in analyzers only
  (``search.engines.elasticsearch.mapping``); queries are the same ``Plan`` as Whoosh's, as JSON
  (``search.engines.elasticsearch.query``); highlights are mapped back to the original script
  (``search.engines.elasticsearch.highlight``).
* The configured ``INDEX_NAME`` is an alias. A rebuild creates a new index beside the live
  one, fills it, and moves the alias in one atomic ``_aliases`` call, so searches never see an
  empty or half-built index; then it re-syncs what was published meanwhile and deletes the old
  index. That is ``manage.py ensure_search_index --rebuild``, as for Whoosh.
* Writes replace a release's sections by indexing the new documents first and then deleting
  the release's documents that are not among them: a search in between finds the release.
"""

from __future__ import annotations

import logging
import secrets
import time
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

import elasticsearch
from django.core.exceptions import ImproperlyConfigured
from elasticsearch.helpers import BulkIndexError, bulk, scan
from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
)
from haystack.exceptions import SkipDocument

from search.core.analysis import policy_words
from search.core.fingerprint import index_fingerprint
from search.core.plan import Match, PhraseCheck, build_plan, in_one_sentence
from search.core.request import Scope, SearchRequest
from search.core.section_text import section_content
from search.engines.base import Marks, PortalBackend, SearchUnavailable, Similar
from search.engines.elasticsearch import highlight as es_highlight
from search.engines.elasticsearch import query as es_query
from search.engines.elasticsearch.mapping import document, index_body

log = logging.getLogger(__name__)
# The 7.x client (the one haystack's backend supports) deprecates request bodies in favour of
# keyword arguments that 8.x introduced; with 7.x, ``body`` is the form that maps every option.
warnings.filterwarnings(
    "ignore", "The 'body' parameter is deprecated", DeprecationWarning, __name__
)

#: Documents per bulk request while (re)building.
BULK_CHUNK = 500


class PortalElasticsearchBackend(PortalBackend, Elasticsearch7SearchBackend):
    """Elasticsearch with the portal's mapping, exact phrase queries and alias-swapped rebuilds."""

    #: Writes made during a rebuild go to the old index; ``search.indexing.rebuild`` re-syncs.
    rebuild_keeps_concurrent_writes = False

    def __init__(self, connection_alias: str, **options: Any) -> None:
        if not options.get("URL"):
            raise ImproperlyConfigured(
                "SEARCH_ENGINE=elasticsearch needs ELASTICSEARCH_URL "
                "(for example http://127.0.0.1:9200)"
            )
        options.setdefault("INDEX_NAME", "portal-sections")
        super().__init__(connection_alias, **options)
        self.alias = self.index_name
        self.shards = int(options.get("SHARDS", 1))
        self.replicas = int(options.get("REPLICAS", 1))

    # -- the alias and its indices ----------------------------------------------------------
    def setup(self) -> None:
        """Make sure the alias exists, pointing at an index with the portal's mapping."""
        try:
            if not self.conn.indices.exists_alias(name=self.alias):
                if self.conn.indices.exists(index=self.alias):
                    raise ImproperlyConfigured(
                        f"Elasticsearch has an index named {self.alias!r}, where the portal "
                        "keeps an alias; delete it or choose another ELASTICSEARCH_INDEX"
                    )
                created = self.create_index()
                self.conn.indices.put_alias(index=created, name=self.alias)
        except elasticsearch.TransportError as exc:
            raise _unavailable("set up the index", exc) from exc
        self.setup_complete = True

    def create_index(self) -> str:
        """A new, empty index with the portal's settings and mapping; returns its name."""
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
        body = index_body(shards=self.shards, replicas=self.replicas, meta=index_fingerprint())
        self.conn.indices.create(index=name, body=body)
        return name

    def live_indices(self) -> list[str]:
        """The indices the alias points at now (one, except in a failed manual edit)."""
        try:
            return sorted(self.conn.indices.get_alias(name=self.alias))
        except elasticsearch.NotFoundError:
            return []

    def describe_live(self) -> str:
        return f"alias {self.alias} now points at {', '.join(self.live_indices())}"

    def portal_indices(self) -> list[str]:
        """Every index this alias's rebuilds created, live or left over."""
        found = self.conn.indices.get(index=f"{self.alias}-*", ignore_unavailable=True)
        return sorted(found)

    def read_meta(self) -> dict[str, Any] | None:
        """The fingerprint the live index was built with (``None``: no index yet)."""
        try:
            mappings = self.conn.indices.get_mapping(index=self.alias)
        except elasticsearch.NotFoundError:
            return None
        except elasticsearch.TransportError as exc:
            raise _unavailable("read the index mapping", exc) from exc
        for entry in mappings.values():
            meta = entry.get("mappings", {}).get("_meta")
            if meta:
                return dict(meta)
        return None

    # -- writing -----------------------------------------------------------------------------
    def rebuild(self, index: Any, sections: Iterable[Any], *, procs: int | None = None) -> int:
        """Fill a new index beside the live one, move the alias to it, drop the old one.

        Searches keep using the old index until the alias moves (one atomic request).
        Releases published while the new index was filling are re-synced after the move, by
        comparing the index with the database (``search.indexing.drift.index_drift``).
        """
        try:
            new = self.create_index()
            try:
                added = self._bulk(new, self._documents(index, sections), refresh=False)
                self.conn.indices.refresh(index=new)
            except BaseException:
                self.conn.indices.delete(index=new, ignore=[404])
                raise
            old = self.live_indices()
            actions: list[dict[str, Any]] = [
                {"remove": {"index": name, "alias": self.alias}} for name in old
            ]
            actions.append({"add": {"index": new, "alias": self.alias}})
            self.conn.indices.update_aliases(body={"actions": actions})
            for name in old:
                self.conn.indices.delete(index=name, ignore=[404])
        except (elasticsearch.TransportError, BulkIndexError) as exc:
            raise _unavailable("rebuild the index", exc) from exc
        self.setup_complete = True
        return added

    def replace_releases(
        self, index: Any, release_ids: list[int], sections: list[Any], *, wait: float | None = None
    ) -> None:
        """Make the index hold exactly ``sections`` of ``release_ids``, searchable on return."""
        if not self.setup_complete:
            self.setup()
        docs = list(self._documents(index, sections))
        try:
            if docs:
                self._bulk(self.alias, iter(docs))
            self.conn.delete_by_query(
                index=self.alias,
                body={
                    "query": {
                        "bool": {
                            "filter": [{"terms": {"release": [int(r) for r in release_ids]}}],
                            "must_not": [{"ids": {"values": [d["id"] for d in docs]}}],
                        }
                    }
                },
                refresh=True,
                conflicts="proceed",
            )
        except (elasticsearch.TransportError, BulkIndexError) as exc:
            raise _unavailable("index releases", exc) from exc

    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        """haystack's ``update``, with the portal's documents."""
        if not self.setup_complete:
            self.setup()
        try:
            self._bulk(self.alias, self._documents(index, iterable))
            if commit:
                self.conn.indices.refresh(index=self.alias)
        except (elasticsearch.TransportError, BulkIndexError) as exc:
            raise _unavailable("index documents", exc) from exc

    def clear(self, models: Any = None, commit: bool = True) -> None:
        """Swap in an empty index (deleting the alias's index would break running searches)."""
        if not models or {m._meta.label for m in models} == {"documents.Section"}:
            self.rebuild(None, ())
            return
        super().clear(models, commit)

    def _documents(self, index: Any, sections: Iterable[Any]) -> Iterator[dict[str, Any]]:
        for section in sections:
            try:
                prepared = index.full_prepare(section)
            except SkipDocument:
                continue
            yield document(prepared)

    def _bulk(self, target: str, docs: Iterator[dict[str, Any]], *, refresh: bool = True) -> int:
        """Index ``docs`` into ``target``; visible to searches on return when ``refresh``."""
        actions = ({"_index": target, "_id": doc["id"], "_source": doc} for doc in docs)
        wait = "wait_for" if refresh else False
        added, _errors = bulk(self.conn, actions, chunk_size=BULK_CHUNK, refresh=wait)
        return added

    # -- reading -----------------------------------------------------------------------------
    def document_count(self) -> int:
        """How many sections the index holds."""
        try:
            return int(self.conn.count(index=self.alias)["count"])
        except elasticsearch.NotFoundError:
            return 0
        except elasticsearch.TransportError as exc:
            raise _unavailable("count the index", exc) from exc

    def release_document_count(self, release_id: int) -> int:
        """How many sections of one release the index holds."""
        body = {"query": {"term": {"release": int(release_id)}}}
        try:
            return int(self.conn.count(index=self.alias, body=body)["count"])
        except elasticsearch.NotFoundError:
            return 0
        except elasticsearch.TransportError as exc:
            raise _unavailable("count a release's documents", exc) from exc

    def document_versions(self) -> list[tuple[int, int, str]]:
        """(section, release, version) of every document."""
        body = {"_source": ["section", "release", "version"], "query": {"match_all": {}}}
        try:
            sources = (
                h["_source"] for h in scan(self.conn, query=body, index=self.alias, size=BULK_CHUNK)
            )
            return [(int(s["section"]), int(s["release"]), s["version"]) for s in sources]
        except elasticsearch.NotFoundError:
            return []
        except elasticsearch.TransportError as exc:
            raise _unavailable("list the indexed documents", exc) from exc

    def match_sections(self, request: SearchRequest) -> list[Match]:
        """Every section matching ``request``, with its score; ranking happens in the caller."""
        plan = build_plan(request)
        if plan is None:
            return []
        matches: list[Match] = []
        after: list[Any] | None = None
        try:
            while True:
                body = es_query.search_body(plan, after)
                hits = self.conn.search(index=self.alias, body=body)["hits"]["hits"]
                for hit in hits:
                    if plan.same_sentence:
                        text = hit.get("_source", {}).get(plan.field, "")
                        if not in_one_sentence(text, plan.groups):
                            continue
                    matches.append(es_query.to_match(hit))
                if len(hits) < es_query.BATCH:
                    return matches
                after = hits[-1]["sort"]
        except elasticsearch.NotFoundError:
            return []
        except elasticsearch.TransportError as exc:
            raise _unavailable("search", exc) from exc

    def highlight_sections(self, request: SearchRequest, sections: list[Any]) -> Marks:
        """For each section, the (heading, text) spans Elasticsearch marked, in the original."""
        if request.scope != Scope.FULLTEXT or not sections:
            return {}
        checks = [PhraseCheck.of(p) for p in request.query.positive if p.units]
        if not checks:
            return {}
        body = es_highlight.highlight_body([s.pk for s in sections], checks)
        try:
            hits = self.conn.search(index=self.alias, body=body)["hits"]["hits"]
        except elasticsearch.TransportError as exc:
            raise _unavailable("highlight", exc) from exc
        by_id = {s.pk: s for s in sections}
        found = {}
        for hit in hits:
            section = by_id.get(int(hit["fields"]["section"][0]))
            if section is None:
                continue
            spans = es_highlight.to_original(section_content(section), es_highlight.hit_spans(hit))
            found[section.pk] = es_highlight.split_content(section.heading, section.text, spans)
        return found

    def similar_sections(self, section: Any) -> list[Similar]:
        """Indexed sections most like ``section`` (itself left out), best first."""
        words = [w for w in policy_words(section_content(section)) if len(w) >= 2]
        if not words:
            return []
        body = es_query.more_like_this_body(words, section.pk, size=200)
        try:
            hits = self.conn.search(index=self.alias, body=body)["hits"]["hits"]
        except elasticsearch.TransportError as exc:
            raise _unavailable("find similar sections", exc) from exc
        return [
            Similar(
                int(h["fields"]["section"][0]),
                int(h["fields"]["release"][0]),
                (h["fields"].get("region") or [""])[0],
                float(h["_score"] or 0.0),
            )
            for h in hits
        ]


def _unavailable(doing: str, exc: Exception) -> SearchUnavailable:
    """The error pages and the API show: what failed, without the cluster's internals."""
    log.error("Elasticsearch could not %s: %s", doing, exc)
    return SearchUnavailable(f"the search cluster could not {doing}: {type(exc).__name__}")


class PortalElasticsearchEngine(Elasticsearch7SearchEngine):
    """Select the portal's Elasticsearch backend from ``HAYSTACK_CONNECTIONS``."""

    backend = PortalElasticsearchBackend
