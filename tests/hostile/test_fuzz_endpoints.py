"""Thousands of generated hostile requests against the public pages and the API: no 500s.

The same generator as ``manage.py fuzz_endpoints`` (``quality.fuzzing``), through Django's test
client, against the session's database (the seeds and the national corpus) and its index.
Speed is not asserted here — a shared test machine is no measure — the command reports it.
"""

from __future__ import annotations

import pytest

from quality.fuzzing import Targets, generate, run

REQUESTS = 10_000  # about 65 s on the 2-core machine, idle
SEED = 1


@pytest.mark.django_db
def test_no_generated_request_gets_a_server_error():
    report = run(generate(REQUESTS, SEED, Targets.from_database()))
    assert report.sent == REQUESTS
    kinds = {f.traceback.strip().splitlines()[-1]: f for f in report.failures}  # one per error
    crashes = "\n\n".join(f"{f.request.short()}\n{f.traceback}" for f in kinds.values())
    assert report.server_errors == 0, crashes
    assert report.statuses[200] > REQUESTS // 10  # real pages were reached, not only refusals
