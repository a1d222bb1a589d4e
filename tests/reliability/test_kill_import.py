"""An import killed at any moment loses nothing and leaves an index that ``check_search_index``
mends.

Each trial starts ``import_releases --publish`` on new releases — a bulk file of 20 records,
which is streamed to the index under its write lock, and in every other trial three plain
text files too, each synced after its own commit — and kills it with SIGKILL at a random
moment between start-up and the end of a normal run. Then:

* no process of the import survives it (the index's forked writers end with their parent,
  so nothing keeps the index locked);
* ``check_search_index --repair`` brings the drift to 0 (exit 0 means it checked again after the
  repair and found none);
* every release in the database still has its original file, byte for byte the input.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

from tests.reliability.instances import (
    clone,
    manage,
    processes_running,
    sha256,
    start,
    stored_releases,
    write_bulk,
    write_text,
)

TRIALS = 20
RECORDS = 20  # documents.services.STREAM_MIN_RECORDS: the bulk file is streamed


def _inputs(folder: Path, trial: int) -> tuple[list[Path], dict[str, str]]:
    """The trial's files and, per stored original name, the digest its original must have."""
    folder.mkdir(parents=True, exist_ok=True)
    first = 1000 + trial * (RECORDS + 3)
    bulk = folder / f"trial{trial:02d}.jsonl"
    lines = write_bulk(bulk, range(first, first + RECORDS))
    expected = {f"{bulk.stem}-{n}.json": sha256(line) for n, line in enumerate(lines, start=1)}
    files = [bulk]
    if trial % 2:
        for k in range(3):
            text = folder / f"trial{trial:02d}-{k}.txt"
            expected[text.name] = sha256(write_text(text, first + RECORDS + k))
            files.append(text)
    return files, expected


def _check_originals(instance, expected: dict[str, str]) -> int:
    """Every release's original is on disk with the input's bytes; return how many were new."""
    new = 0
    for release in stored_releases(instance):
        assert release["sha256"] is not None, f"release {release['id']} lost its original"
        if release["name"] in expected:
            assert release["sha256"] == expected[release["name"]], release["name"]
            new += 1
    return new


def test_an_import_killed_at_random_moments_is_repaired_without_loss(
    template_instance, tmp_path, figures
):
    # A normal run first: how long an import takes, so kills fall anywhere in it.
    baseline = clone(template_instance, tmp_path / "baseline")
    files, expected = _inputs(tmp_path / "input-baseline", trial=TRIALS + 1)
    started = time.monotonic()
    done = manage(baseline, "import_releases", "--publish", *map(str, files))
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert _check_originals(baseline, expected) == len(expected)
    assert manage(baseline, "check_search_index").returncode == 0

    rng = random.Random(20261123)
    drift_before_repair = 0
    imported_before_kill = 0
    for trial in range(TRIALS):
        instance = clone(template_instance, tmp_path / f"trial{trial:02d}")
        inputs = tmp_path / f"input{trial:02d}"
        files, expected = _inputs(inputs, trial)
        importer = start(instance, "import_releases", "--publish", *map(str, files))
        time.sleep(rng.uniform(0.2, duration))
        importer.send_signal(signal.SIGKILL)
        importer.wait(timeout=10)

        deadline = time.monotonic() + 10
        while processes_running(str(inputs)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not processes_running(str(inputs)), f"trial {trial}: import processes survived"

        repaired = manage(instance, "check_search_index", "--repair", timeout=120)
        assert repaired.returncode == 0, f"trial {trial}: {repaired.stdout}{repaired.stderr}"
        drift_before_repair += "drift:" in repaired.stdout
        imported_before_kill += _check_originals(instance, expected)

    # Kills fell before, during and after the stored releases: some trials had drift to
    # repair, and between them the trials stored part of what they were given.
    figures.append(
        f"{TRIALS} SIGKILL trials: {drift_before_repair} left drift that --repair fixed; "
        f"{imported_before_kill} releases stored before the kills, all with their originals"
    )
    assert imported_before_kill > 0
