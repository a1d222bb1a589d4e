"""Make a new server process ready before it answers anyone: the first query must not pay.

A fresh process would otherwise spend its first search loading the engine's columns, the
OpenCC converter and jieba's dictionary (about a second on the portal's machines), and then
the things Django and the portal build on first use: the URL resolver's reverse tables, the
region names and parents, the releases results show, the query language's compiled patterns,
the database connection.
gunicorn calls ``warm_up`` in each worker before it accepts requests (``gunicorn.conf.py``).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DatabaseError

from search.core.analysis import normalise, segmenter
from search.core.explain import describe
from search.core.request import build_request
from search.core.service import search_sections
from search.core.shown_sections import remember_releases
from search.engines import backend_for
from search.engines.base import SearchUnavailable

log = logging.getLogger(__name__)

#: The warm-up search: the commonest word of policy texts, so that facets, snippets and
#: section links are all built once (every library has hits for it; an empty one has none,
#: and then there is nothing to warm).
WARM_QUERY = "发展"


def warm_analysers() -> float:
    """Load the OpenCC converter and jieba's dictionary; return the seconds it took."""
    started = time.perf_counter()
    normalise("營商環境")  # the OpenCC converter
    segmenter()  # jieba and the policy-term dictionary (suggestions when nothing is found)
    return time.perf_counter() - started


def warm_search(alias: str = "default") -> float:
    """Answer one search the way the API does, without a client; return the seconds it took.

    Measured on the 1x benchmark index: a new worker's first search took 44-52 ms before
    (the same search warm: 16-19 ms), 20-21 ms after. The search's own result is discarded.
    """
    started = time.perf_counter()
    request, paging = build_request(
        {"q": [WARM_QUERY]}, default_page_size=settings.PORTAL_API_PAGE_SIZE
    )
    page = search_sections(request, paging, using=alias)
    describe(page.request)
    for hit in page.hits:
        hit.section.get_absolute_url()
        str(hit.snippet)
    return time.perf_counter() - started


def warm_up(alias: str = "default") -> float:
    """Load the analysers and the engine's data, then search once; return the seconds it took.

    A warm-up that fails (the engine or the database is down) is logged and skipped: the
    process still serves, and the first search that fails says so to its reader.
    """
    started = time.perf_counter()
    warm_analysers()
    try:
        backend_for(alias).warm()
        remember_releases()
        warm_search(alias)
    except (SearchUnavailable, DatabaseError) as exc:
        log.warning("search warm-up skipped: %s", exc)
    took = time.perf_counter() - started
    log.info("search warm-up took %.2f s", took)
    return took
