"""A portal instance with the seeds, built once per session and cloned by each test.

The figures these tests measure (trials, drift repaired, searches answered) are printed in
a "reliability figures" section at the end of the pytest run, whether or not ``-s`` is given.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quality.bench.instance import Instance
from tests.reliability.instances import build_template


@pytest.fixture(scope="session")
def template_instance(tmp_path_factory: pytest.TempPathFactory) -> Instance:
    """Migrated, the five seeds published and indexed; clone it rather than change it."""
    return build_template(Path(tmp_path_factory.mktemp("reliability")) / "template")


_FIGURES: list[str] = []


@pytest.fixture
def figures() -> list[str]:
    """Append a line to the run's "reliability figures" summary."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if _FIGURES:
        terminalreporter.section("reliability figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
