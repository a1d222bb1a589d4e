"""Failures of the search engine that pages and the API report instead of crashing."""

from __future__ import annotations


class SearchUnavailable(RuntimeError):
    """The search engine (a remote cluster) could not answer; the message says what failed."""
