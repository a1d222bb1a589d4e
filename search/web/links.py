"""Build search URLs from the current parameters: add, replace or remove one value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from django.urls import reverse


def params_of(query: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """A plain, mutable copy of ``request.GET``."""
    return {
        key: list(query.getlist(key)) if hasattr(query, "getlist") else list(values)
        for key, values in query.items()
    }


def search_url(params: Mapping[str, Sequence[str]], view: str = "search:page") -> str:
    """The URL of ``view`` with ``params``; empty values are left out."""
    pairs = [(k, v) for k, values in params.items() for v in values if v != ""]
    return reverse(view) + (f"?{urlencode(pairs)}" if pairs else "")


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
