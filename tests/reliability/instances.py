"""Separate portal instances for tests that need several real processes.

The test database is private to the pytest process, so anything that must be shared between
processes — an import killed with SIGKILL, several importers at once, a server searched while
the index is rebuilt — runs against an instance of its own (``quality.bench.instance``): a
data folder with its SQLite file, originals and index, driven through ``manage.py``.

The documents are real: excerpts of the national government work reports copied into
``fixtures/corpora``, cut at paragraph boundaries so that every trial imports new content.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from quality.bench.instance import Instance

CORPUS = Path(settings.BASE_DIR) / "fixtures" / "corpora" / "national-government-work-reports.jsonl"
SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
#: Paragraphs per excerpt: about 4,000 characters of a report.
EXCERPT_PARAGRAPHS = 24


def reports() -> list[dict]:
    """The national corpus, one dict per report."""
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def excerpt(number: int) -> dict:
    """The ``number``-th distinct excerpt of the corpus, as a bulk-import record."""
    corpus = reports()
    report = corpus[number % len(corpus)]
    paragraphs = [p for p in report["content"].split("\n") if p.strip()]
    windows = max(1, len(paragraphs) // EXCERPT_PARAGRAPHS)
    window = (number // len(corpus)) % windows
    start = window * EXCERPT_PARAGRAPHS
    body = "\n\n".join(paragraphs[start : start + EXCERPT_PARAGRAPHS])
    return {
        "title": f"{report['title']}（节选{window + 1}）",
        "content": body,
        "year": report["year"],
    }


def write_bulk(path: Path, numbers: range) -> list[bytes]:
    """A JSONL file of the excerpts ``numbers``; returns each line's bytes (the stored original)."""
    lines = [json.dumps(excerpt(n), ensure_ascii=False).encode("utf-8") for n in numbers]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return lines


def write_text(path: Path, number: int) -> bytes:
    """A plain-text release file of one excerpt (title line, blank line, body)."""
    record = excerpt(number)
    data = f"{record['title']}\n\n{record['content']}\n".encode()
    path.write_bytes(data)
    return data


def build_template(folder: Path) -> Instance:
    """A migrated instance holding the five seed releases, published and indexed."""
    instance = Instance(folder)
    instance.reset()
    instance.manage("migrate", "--noinput")
    instance.manage("import_releases", "--publish", str(SEEDS))
    instance.manage("ensure_search_index")
    return instance


def clone(template: Instance, folder: Path) -> Instance:
    """A copy of ``template`` in ``folder`` (the index link copied as a link)."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(template.folder, folder, symlinks=True)
    return Instance(folder)


def manage(instance: Instance, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``manage.py`` in the instance; the result carries the exit code and all output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=instance.env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start(instance: Instance, *args: str) -> subprocess.Popen:
    """Start ``manage.py`` in the instance without waiting for it."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=instance.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def distinct_excerpts(count: int, first: int = 6000) -> list[dict]:
    """``count`` excerpts none of which repeats another (short reports wrap around)."""
    found: dict[str, dict] = {}
    number = first
    while len(found) < count:
        record = excerpt(number)
        found.setdefault(record["title"], record)
        number += 1
    return list(found.values())


def submit_bulk_job(instance: Instance, bulk: Path) -> None:
    """Stage a bulk file and submit its publish job, as the admin's bulk upload does; the job
    waits in the instance's queue for a worker."""
    submit = (
        "from pathlib import Path\n"
        "from documents import jobs, staging\n"
        "from documents.models import Job\n"
        f"data = Path({str(bulk)!r}).read_bytes()\n"
        f"token = staging.stage(data, {bulk.name!r}, note={{'bulk': True}})\n"
        f"jobs.submit(Job.Kind.BULK_IMPORT, label={bulk.name!r}, token=token, publish=True)\n"
    )
    submitted = manage(instance, "shell", "-c", submit)
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr


def latest_job(instance: Instance) -> dict:
    """The instance's latest job, as its row says (``{}`` when there is none)."""
    with sqlite3.connect(f"file:{instance.database}?mode=ro", uri=True) as db:
        row = db.execute(
            "SELECT id, status, done, total, attempts, error, rows, worker FROM documents_job"
            " ORDER BY id DESC"
        ).fetchone()
    keys = ("id", "status", "done", "total", "attempts", "error", "rows", "worker")
    return dict(zip(keys, row, strict=True)) if row else {}


def release_titles(instance: Instance) -> list[str]:
    """Every stored release's title."""
    with sqlite3.connect(f"file:{instance.database}?mode=ro", uri=True) as db:
        return [title for (title,) in db.execute("SELECT title FROM documents_release")]


def start_worker(instance: Instance, name: str) -> subprocess.Popen:
    """The task queue's worker (``run_huey``) in the instance, its output in ``<name>.log``
    (a pipe nobody reads would stop a worker that logs more than the pipe holds)."""
    log = (instance.folder / f"{name}.log").open("w", encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=instance.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def worker_logs(instance: Instance, *names: str) -> str:
    """The named workers' logs' last lines, for a failure message."""
    tails = []
    for name in names:
        path = instance.folder / f"{name}.log"
        if path.exists():
            tails.append(f"--- {name}\n" + "\n".join(path.read_text().splitlines()[-30:]))
    return "\n".join(tails)


def stored_releases(instance: Instance) -> list[dict]:
    """Every release row with its original file's digest (``None`` if the file is missing)."""
    with sqlite3.connect(f"file:{instance.database}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT id, original, original_name, status, index_error FROM documents_release"
        ).fetchall()
    found = []
    for pk, original, name, status, index_error in rows:
        path = instance.folder / "media" / original if original else None
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path and path.is_file() else None
        found.append(
            {"id": pk, "name": name, "status": status, "sha256": digest, "error": index_error}
        )
    return found


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def processes_running(marker: str) -> list[int]:
    """Pids of processes whose command line mentions ``marker`` (orphans of a killed import)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            found.append(int(entry.name))
    return found
