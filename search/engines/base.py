"""The contract every search engine behind the portal implements, and the errors it may raise.

The portal's search code (``search.core``, ``search.indexing.sync``, the views, the admin) calls
engines only through ``PortalBackend``'s methods, so a new engine is one subclass of a haystack
backend and of this class, with every abstract method written and its optional capabilities
overridden where it has them — never probed for with ``hasattr``. ``tests/search/
backend_contract.py`` checks the promises below against each engine, on the same data.

What an engine promises, in short:

* reading: ``match_sections`` finds *every* section a request means (ranking, facets and
  paging happen in ``search.core.service``, the same for all engines); ``similar_sections``;
  counts and ``document_versions`` for ``check_search_index``; ``read_meta`` for staleness.
* writing: ``replace_releases`` leaves the index holding exactly the given sections of those
  releases, searchable on return; ``rebuild`` builds a whole new index beside the live one and
  swaps it in, so searches never see an empty or half-built index.
* failing: ``IndexBusy`` when another writer holds the index longer than the caller waits,
  ``SearchUnavailable`` when the engine cannot answer; pages and the API report both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from search.core.plan import Match
    from search.core.request import SearchRequest

#: Spans of a section's heading and text that the engine marked, in the original characters.
Marks = dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]]


class SearchUnavailable(RuntimeError):
    """The search engine (a remote cluster) could not answer; the message says what failed."""


class IndexBusy(Exception):
    """Another process held the index's write lock for longer than the caller would wait."""

    def __init__(self, path: str, waited: float) -> None:
        super().__init__(
            f"the search index {path} stayed locked by another writer for {waited:.0f} s"
        )
        self.waited = waited


@dataclass(frozen=True, slots=True)
class Similar:
    """An indexed section like the source, with its score and region code."""

    section: int
    release: int
    region: str
    score: float


class BulkWriter(Protocol):
    """An open write to the index that a bulk import feeds release by release.

    Nothing written is visible until ``commit``; ``cancel`` drops it all (a no-op once
    committed). The writer holds the index's write lock meanwhile: other writers wait.
    """

    def add(self, index: Any, sections: Iterable[Any]) -> int:
        """Queue ``sections``' documents; return how many became documents."""

    def commit(self) -> None:
        """Write everything queued, in one commit."""

    def cancel(self) -> None:
        """Drop everything queued (nothing once committed)."""


class PortalBackend(ABC):
    """What the portal needs of a search engine, on top of haystack's ``BaseSearchBackend``.

    Mixed into a haystack backend (``class X(PortalBackend, SomeHaystackBackend)``): haystack's
    own calls (``update``, ``remove``, ``clear``, ``more_like_this``) keep working, answered by
    the methods here where the portal has its own meaning for them.
    """

    #: Whether ``rebuild`` also holds what was written while it ran. An engine that lets
    #: writes go to the old index meanwhile says ``False``, and ``search.indexing.sync`` re-syncs
    #: the releases that differ once the new index is live.
    rebuild_keeps_concurrent_writes: bool = True

    # -- reading ---------------------------------------------------------------------------
    @abstractmethod
    def match_sections(self, request: SearchRequest) -> list[Match]:
        """Every section matching ``request``, with its score, in no particular order."""

    def highlight_sections(self, request: SearchRequest, sections: list[Any]) -> Marks:
        """The hits the engine itself marked in ``sections``, by section id.

        An engine that returns no highlights leaves marking to ``search.core.highlight``,
        which applies the same unit rules to the text as written (the default: none here).
        """
        return {}

    @abstractmethod
    def similar_sections(self, section: Any) -> list[Similar]:
        """Indexed, published sections most like ``section`` (itself left out), best first."""

    @abstractmethod
    def document_count(self) -> int:
        """How many sections the index holds."""

    @abstractmethod
    def release_document_count(self, release_id: int) -> int:
        """How many live sections of one release the index holds."""

    @abstractmethod
    def document_versions(self) -> list[tuple[int, int, str]]:
        """(section, release, version) of every live document, duplicates included."""

    @abstractmethod
    def read_meta(self) -> dict[str, Any] | None:
        """The fingerprint the live index was built with (``None``: unknown or no index).

        ``search.core.fingerprint.index_fingerprint`` is what the code expects; an index
        built with another one must be rebuilt before it is trusted.
        """

    def warm(self) -> None:
        """Load what answering a search needs, before a server process takes its first request.

        The default does nothing (an engine on another machine has nothing to load here).
        """
        return None

    def describe_live(self) -> str:
        """One line saying where the live index is (for ``ensure_search_index``'s report)."""
        return ""

    # -- writing ---------------------------------------------------------------------------
    @abstractmethod
    def replace_releases(
        self,
        index: Any,
        release_ids: list[int],
        sections: list[Any],
        *,
        wait: float | None = None,
    ) -> None:
        """Make the index hold exactly ``sections`` of ``release_ids``, searchable on return.

        Waits for another writer up to ``wait`` seconds (``None``: as long as it takes), then
        raises ``IndexBusy`` with nothing written.
        """

    @abstractmethod
    def rebuild(self, index: Any, sections: Iterable[Any], *, procs: int | None = None) -> int:
        """Build a complete new index from ``sections`` beside the live one and swap it in.

        ``index`` is haystack's ``SearchIndex`` (``None``: an empty index); ``sections`` may
        be a lazy iterator; ``procs`` is a hint for engines that analyse locally. Returns
        how many documents the new index holds.
        """

    def open_bulk_writer(self) -> BulkWriter | None:
        """A writer a bulk import can stream releases into, or ``None`` (the default).

        ``None`` means the import's after-commit sync (``replace_releases``) does the work;
        an engine returns a writer only where streaming beats that.
        """
        return None

    # -- haystack's more-like-this, answered by ``similar_sections`` -------------------------
    def more_like_this(
        self,
        model_instance: Any,
        additional_query_string: str | None = None,
        start_offset: int = 0,
        end_offset: int | None = None,
        models: Any = None,
        limit_to_registered_models: Any = None,
        result_class: Any = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """haystack's more-like-this (sections only), with the portal's likeness."""
        from haystack.models import SearchResult

        result_class = result_class or SearchResult
        similar = self.similar_sections(model_instance)
        chosen = similar[start_offset:end_offset]
        meta = model_instance._meta
        results = [
            result_class(meta.app_label, meta.model_name, s.section, s.score) for s in chosen
        ]
        return {"results": results, "hits": len(similar)}
