"""haystack's Whoosh backend, extended where the portal needs more than it gives.

* Schema: codes and ids become exact, sortable columns; analysed text uses the portal's analyzers
  with positions and is not stored (the database has the text).
* Versioned: the index remembers the schema version and dictionary it was built with, so a
  stale index is detected (``search.checks``) rather than silently half-matching.
* Fast: one searcher per process, refreshed only when the index changed on disk, and queries
  built as objects (``search.whoosh_queries``) instead of parsed strings; haystack's own search
  path reopens the readers on every query and narrows by ``django_ct`` over every document.
* Release-wise updates: a release's sections are replaced in one writer and one commit.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.exceptions import SkipDocument
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT
from whoosh.searching import Searcher

from search.analysis import policy_terms_digest
from search.fields import AnalyzedTextField, KeywordField, NumberField
from search.request import SearchRequest
from search.whoosh_queries import build_plan

log = logging.getLogger(__name__)

#: Bump whenever the analyzer, the fields or their meaning change: the index must be rebuilt.
SEARCH_SCHEMA_VERSION = 1
META_FILE = "portal-index.json"
_COLUMNS = ("section", "release", "province", "region", "year", "kind", "day", "order")

#: Per index path: the process's searcher and the index build it belongs to.
_searchers: dict[str, tuple[Searcher, int]] = {}
_searcher_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Match:
    """One matching section with what sorting, grouping and facets need."""

    section: int
    release: int
    score: float
    heading_hit: bool
    province: str
    region: str
    year: str
    kind: str
    day: int
    order: int


def index_fingerprint() -> dict[str, Any]:
    """What an index built now would record about itself."""
    return {"schema_version": SEARCH_SCHEMA_VERSION, "dictionary": policy_terms_digest()}


class PortalWhooshBackend(WhooshSearchBackend):
    """Whoosh with the portal's schema, searcher cache and section search."""

    def build_schema(self, fields: dict[str, Any]) -> tuple[str, Any]:
        content_field_name, schema = super().build_schema(fields)
        for field_class in fields.values():
            name = field_class.index_fieldname
            replacement = _whoosh_field(field_class)
            if replacement is not None:
                schema.remove(name)
                schema.add(name, replacement)
        return content_field_name, schema

    def setup(self) -> None:
        super().setup()
        meta = self.meta_path()
        if not meta.exists() and self.index.doc_count() == 0:
            self.write_meta()

    # -- bookkeeping -------------------------------------------------------------------------
    def meta_path(self) -> Path:
        return Path(self.path) / META_FILE

    def write_meta(self) -> None:
        """Record the fingerprint of a freshly created (empty) index."""
        self.meta_path().write_text(json.dumps(index_fingerprint()), encoding="utf-8")

    def read_meta(self) -> dict[str, Any] | None:
        """The fingerprint the index was built with, or ``None`` if unknown."""
        try:
            return json.loads(self.meta_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def document_count(self) -> int:
        """How many sections the index holds."""
        return self.searcher().doc_count()

    def release_document_count(self, release_id: int) -> int:
        """How many live (not deleted) sections of one release the index holds."""
        from whoosh.query import Term

        searcher = self.searcher()
        with _searcher_lock:
            return len(list(Term("release", str(release_id)).docs(searcher)))

    # -- writing -----------------------------------------------------------------------------
    def replace_releases(self, index: Any, release_ids: list[int], sections: list[Any]) -> None:
        """Drop the releases' sections from the index and add ``sections``, in one commit."""
        if not self.setup_complete:
            self.setup()
        writer = self.index.refresh().writer(timeout=30.0, limitmb=256)
        try:
            for release_id in release_ids:
                writer.delete_by_term("release", str(release_id))
            for section in sections:
                try:
                    doc = index.full_prepare(section)
                except SkipDocument:
                    continue
                doc = {key: self._from_python(value) for key, value in doc.items()}
                doc.pop("boost", None)
                writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def delete_index(self) -> None:
        super().delete_index()
        self.write_meta()

    # -- reading -----------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """This process's searcher, refreshed if any process committed or rebuilt since."""
        if not self.setup_complete:
            self.setup()
        try:
            build = self.meta_path().stat().st_mtime_ns
        except OSError:
            build = 0
        with _searcher_lock:
            cached, cached_build = _searchers.get(self.path, (None, None))
            if cached is not None and cached_build == build and cached.up_to_date():
                return cached
            # A new searcher, not ``cached.refresh()``: Whoosh's refresh reuses segment readers
            # with their old deletion lists, so replaced sections would still be found.
            if cached is not None:
                cached.close()
            current = self.index.refresh().searcher()
            _searchers[self.path] = (current, build)
            return current

    def match_sections(self, request: SearchRequest) -> list[Match]:
        """Every section matching ``request``, with its score; ranking happens in the caller."""
        plan = build_plan(request)
        if plan is None:
            return []
        searcher = self.searcher()
        with _searcher_lock:
            return self._collect(searcher, plan)

    def _collect(self, searcher: Searcher, plan: Any) -> list[Match]:
        query = plan.match
        if plan.words is not None:
            from whoosh.query import AndMaybe

            query = AndMaybe(query, plan.words)
        results = searcher.search(
            query, filter=plan.filter, mask=plan.mask, limit=None, terms=False
        )
        hits = [(hit.docnum, hit.score) for hit in results]
        if not hits:
            return []
        heading_docs: set[int] = set()
        if plan.heading is not None:
            heading_docs = set(searcher.docs_for_query(plan.heading))
        reader = searcher.reader()
        columns = {name: reader.column_reader(name) for name in _COLUMNS}
        matches = []
        for docnum, score in hits:
            values = {name: column[docnum] for name, column in columns.items()}
            matches.append(
                Match(
                    section=int(values["section"]),
                    release=int(values["release"]),
                    score=float(score or 0.0),
                    heading_hit=docnum in heading_docs,
                    province=values["province"] or "",
                    region=values["region"] or "",
                    year=values["year"] or "",
                    kind=values["kind"] or "",
                    day=int(values["day"] or 0),
                    order=int(values["order"] or 0),
                )
            )
        return matches


def _whoosh_field(field_class: Any) -> Any:
    """The Whoosh field type for one of the portal's haystack field types, if it has one."""
    if isinstance(field_class, KeywordField):
        return ID(stored=False, sortable=True)
    if isinstance(field_class, NumberField):
        return NUMERIC(numtype=int, bits=64, stored=False, sortable=True)
    if isinstance(field_class, AnalyzedTextField):
        return TEXT(
            analyzer=field_class.analyzer,
            phrase=field_class.positions,
            stored=field_class.stored,
            field_boost=field_class.boost,
        )
    if field_class.is_multivalued:
        return KEYWORD(commas=True, stored=field_class.stored)
    return None


class PortalWhooshEngine(WhooshEngine):
    """Select the portal's Whoosh backend from ``HAYSTACK_CONNECTIONS``."""

    backend = PortalWhooshBackend
