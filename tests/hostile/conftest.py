"""Hostile-input tests: one Hypothesis profile, and caches warmed before any deadline runs.

Examples are derived from each test's name (``derandomize``) and nothing is stored between
runs, so CI sees the same inputs every time and a failure reproduces from the test alone;
each found bug is then kept as an ``@example``. The first call into OpenCC, jieba or the
gazetteer builds tables for seconds, which would read as a blown deadline on the first example.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "hostile",
    derandomize=True,
    database=None,
    deadline=2000,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# New inputs on every run, for hunting bugs by hand: HYPOTHESIS_PROFILE=hunt pytest tests/hostile
settings.register_profile("hunt", settings.get_profile("hostile"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hostile"))


@pytest.fixture(scope="session", autouse=True)
def warm_caches() -> None:
    """Build the converters, the gazetteer and the segmenter once, outside any deadline."""
    from documents.ingest import parse_text
    from documents.ingest.metadata import find_places
    from documents.script import to_simplified, to_traditional

    to_simplified("發展")
    to_traditional("发展")
    find_places("甘肃省张掖市")
    parse_text("标题\n\n正文第一段，说明情况。")
