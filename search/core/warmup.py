"""Make a new server process ready before it answers anyone: the first query must not pay.

A fresh process would otherwise spend its first search loading the engine's columns, the
OpenCC converter and jieba's dictionary (about a second on the portal's machines). gunicorn
calls ``warm_up`` in each worker before it accepts requests (``gunicorn.conf.py``).
"""

from __future__ import annotations

import logging
import time

from search.core.analysis import normalise, segmenter
from search.engines import backend_for
from search.engines.base import SearchUnavailable

log = logging.getLogger(__name__)


def warm_analysers() -> float:
    """Load the OpenCC converter and jieba's dictionary; return the seconds it took."""
    started = time.perf_counter()
    normalise("營商環境")  # the OpenCC converter
    segmenter()  # jieba and the policy-term dictionary (suggestions when nothing is found)
    return time.perf_counter() - started


def warm_up(alias: str = "default") -> float:
    """Load the analysers and the engine's data; return the seconds it took."""
    started = time.perf_counter()
    normalise("營商環境")  # the OpenCC converter
    segmenter()  # jieba and the policy-term dictionary (suggestions when nothing is found)
    try:
        backend_for(alias).warm()
    except SearchUnavailable as exc:  # the engine is down: the first search will say so
        log.warning("search warm-up skipped: %s", exc)
    took = time.perf_counter() - started
    log.info("search warm-up took %.2f s", took)
    return took
