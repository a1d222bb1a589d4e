"""Build search URLs from the current parameters: add, replace or remove one value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def params_of(query: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """A plain, mutable copy of ``request.GET``."""
    return {
        key: list(query.getlist(key)) if hasattr(query, "getlist") else list(values)
        for key, values in query.items()
    }


def search_url(params: Mapping[str, Sequence[str]], view: str = "search:page") -> str:
    """The URL of ``view`` with ``params``; empty values are left out."""
    pairs = [(k, v) for k, values in params.items() for v in values if v != ""]
    return _path_of(view) + (f"?{urlencode(pairs)}" if pairs else "")


def _path_of(view: str) -> str:
    """The path of ``view`` under the current script prefix and URL configuration."""
    return _view_path(view, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=256)
def _view_path(view: str, prefix: str, urlconf: str) -> str:
    """``reverse(view)``, once per script prefix and URL configuration.

    A search page links every facet value, page and sort order to the same view: a few
    hundred ``reverse`` calls per page, each resolving the same path again.
    """
    return reverse(view, urlconf=urlconf)


def with_value(params: Mapping[str, Sequence[str]], key: str, value: str) -> dict[str, list[str]]:
    """Add a filter value (and go back to page 1)."""
    new = {k: list(v) for k, v in params.items() if k != "page"}
    if value not in new.get(key, []):
        new.setdefault(key, []).append(value)
    return new


def without_value(
    params: Mapping[str, Sequence[str]], key: str, value: str | None = None
) -> dict[str, list[str]]:
    """Remove one filter value, or every value of ``key`` (and go back to page 1)."""
    new = {k: list(v) for k, v in params.items() if k != "page"}
    if value is None:
        new.pop(key, None)
    else:
        new[key] = [v for v in new.get(key, []) if v != value]
    return new


def replaced(params: Mapping[str, Sequence[str]], **values: str) -> dict[str, list[str]]:
    """Set single-valued parameters such as ``sort`` or ``page``."""
    new = {k: list(v) for k, v in params.items()}
    for key, value in values.items():
        new[key] = [value]
        if key != "page":
            new.pop("page", None)
    return new


class FilterLinks:
    """The search URLs that add or remove one filter value, many from the same parameters.

    A search page links every facet value it shows (a few hundred on a broad search): each
    link is the current query with one value toggled. The unchanged parameters are encoded
    once here, so each link costs one encoded pair, not a copy and encoding of them all. The
    URLs are those of ``search_url(with_value(...))`` and ``search_url(without_value(...))``.
    """

    def __init__(self, params: Mapping[str, Sequence[str]], view: str = "search:page") -> None:
        self._path = _path_of(view)
        self._values = {k: list(v) for k, v in params.items() if k != "page"}
        self._encoded = {
            key: [_pair(key, v) for v in values if v != ""] for key, values in self._values.items()
        }

    def toggled(self, key: str, value: str) -> str:
        """Remove ``value`` from ``key`` if it is chosen, else add it."""
        chosen = self._values.get(key, [])
        if value in chosen:
            pieces = {**self._encoded, key: [_pair(key, v) for v in chosen if v not in ("", value)]}
        else:
            pieces = {**self._encoded, key: [*self._encoded.get(key, []), _pair(key, value)]}
        query = "&".join(piece for encoded in pieces.values() for piece in encoded)
        return self._path + (f"?{query}" if query else "")


def _pair(key: str, value: str) -> str:
    return urlencode([(key, value)])
