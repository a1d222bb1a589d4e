"""Run the portal's real upload path on every variant of the labelled corpora and score it.

Each file goes through ``documents.services.parse_upload`` — the function the admin upload and
the import command call — so what is measured is what staff get; nothing is stored. The repo
corpus (seeds + national reports) is built in memory, so this runs on a clean clone; a local
corpus built by ``manage.py build_real_corpus`` is read from its folder when present.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from documents.corpus.labelled import LabelledDoc, read_jsonl
from documents.corpus.scoring import FIELDS, Parsed, score, tally
from documents.corpus.sources import repo
from documents.corpus.variants import make_variants
from documents.ingest.errors import IngestError
from documents.services import parse_upload

#: The local corpus, when it has been built (var/ is never committed).
DEFAULT_REAL_CORPUS = Path("var/real-corpus")


@dataclass(frozen=True, slots=True)
class Case:
    """One file to upload and the truth of the document it was made from."""

    corpus: str
    file: str  # shown in misses
    filename: str  # given to parse_upload (its suffix chooses the reader)
    data: bytes
    doc: LabelledDoc
    variant: str
    furniture: tuple[tuple[str, str], ...]


def repo_cases(root: Path) -> list[Case]:
    """The in-repo labelled set with its variants, generated now."""
    cases = []
    for doc in repo.read(root):
        slim = replace(doc, meta={})
        for variant in make_variants(doc, root):
            name = f"repo/{doc.id}/{variant.filename}"
            cases.append(
                Case(
                    "repo",
                    name,
                    variant.filename,
                    variant.data,
                    slim,
                    variant.name,
                    variant.furniture,
                )
            )
    return cases


def corpus_cases(folder: Path) -> list[Case]:
    """A corpus built by ``build_real_corpus``: ``truth.jsonl``, ``variants.jsonl``, ``files/``."""
    docs = {doc.id: replace(doc, meta={}) for doc in read_jsonl(folder / "truth.jsonl")}
    cases = []
    for line in (folder / "variants.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        doc = docs.get(row["doc_id"])
        path = folder / row["file"]
        if doc is None or not path.is_file():
            continue
        furniture = tuple((family, text) for family, text in row["furniture"])
        cases.append(
            Case(
                folder.name,
                row["file"],
                Path(row["file"]).name,
                path.read_bytes(),
                doc,
                row["variant"],
                furniture,
            )
        )
    return cases


def parse_case(case: Case) -> Parsed:
    """The upload path's reading of one file, as plain values (runs in a worker process)."""
    try:
        upload = parse_upload(case.data, case.filename)
    except IngestError as exc:
        return Parsed(error=str(exc)[:200])
    except Exception as exc:  # a crash is a result too: it is what staff would see
        return Parsed(error=f"{type(exc).__name__}: {str(exc)[:160]}")
    meta = upload.parsed.metadata
    return Parsed(
        title=meta.title,
        region_code=meta.region.code if meta.region else "",
        region_name=meta.region.name if meta.region else "",
        issuer=meta.issuer,
        doc_number=meta.doc_number,
        written=meta.written.value.isoformat() if meta.written.value else "",
        written_precision=meta.written.precision.value,
        published=meta.published.value.isoformat() if meta.published.value else "",
        published_precision=meta.published.precision.value,
        kind=meta.kind.value,
        validity=meta.validity.value,
        body=upload.parsed.body_text,
        sections=tuple((s.heading, s.text) for s in upload.parsed.sections),
    )


def run(cases: list[Case], *, workers: int = 2, misses: int = 30) -> dict:
    """Parse and score every case; returns the report (summary, per source, misses, wall time)."""
    started = time.perf_counter()
    parsed = _parse_all(cases, workers)
    rows = []
    for case, result in zip(cases, parsed, strict=True):
        for outcome in score(case.doc, result, case.furniture):
            rows.append(
                {
                    "split": case.doc.split,
                    "source": case.doc.source,
                    "variant": case.variant,
                    "file": case.file,
                    "field": outcome.field,
                    "ok": outcome.ok,
                    "expected": outcome.expected,
                    "got": outcome.got,
                }
            )
    wall = time.perf_counter() - started
    return {
        "files": len(cases),
        "documents": len({c.doc.id for c in cases}),
        "wall_s": round(wall, 1),
        "workers": workers,
        "corpora": dict(Counter(c.corpus for c in cases)),
        "counts": _counts(cases),
        "summary": tally(rows),
        "by_source": {
            f"{s}": tally([r for r in rows if r["source"] == s])
            for s in sorted({r["source"] for r in rows})
        },
        "by_variant": {
            v: tally([r for r in rows if r["variant"] == v])
            for v in sorted({r["variant"] for r in rows})
        },
        "errors": sum(1 for p in parsed if p.error),
        "misses": _misses(rows, misses),
        "miss_counts": _miss_counts(rows),
    }


def _parse_all(cases: list[Case], workers: int) -> list[Parsed]:
    if workers <= 1 or len(cases) < 20:
        return [parse_case(c) for c in cases]
    context = multiprocessing.get_context("fork")  # workers inherit the configured Django
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(parse_case, cases, chunksize=8))


def _counts(cases: list[Case]) -> dict:
    docs = {c.doc.id: c.doc for c in cases}.values()
    by: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        by["split"][doc.split] += 1
        by["source"][f"{doc.split}/{doc.source}"] += 1
        by["kind"][f"{doc.split}/{doc.kind or '?'}"] += 1
    return {key: dict(sorted(counter.items())) for key, counter in by.items()}


def _misses(rows: list[dict], limit: int) -> dict:
    """Up to ``limit`` misses per split and field (file, expected, got)."""
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        bucket = out[row["split"]][row["field"]]
        if not row["ok"] and len(bucket) < limit:
            bucket.append(
                {"file": row["file"], "expected": row["expected"], "got": row["got"][:300]}
            )
    return {split: {f: fields[f] for f in FIELDS if f in fields} for split, fields in out.items()}


def _miss_counts(rows: list[dict]) -> dict:
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        if not row["ok"]:
            counts[row["split"]][row["field"]] += 1
    return {split: dict(counter) for split, counter in counts.items()}


def default_cases(
    root: Path, corpora: Iterable[Path] = (), *, repo_only: bool = False
) -> list[Case]:
    """The repo set, plus the given corpus folders (or ``var/real-corpus`` when it exists)."""
    cases = repo_cases(root)
    if repo_only:
        return cases
    folders = list(corpora) or [root / DEFAULT_REAL_CORPUS]
    for folder in folders:
        if (folder / "truth.jsonl").is_file():
            cases.extend(corpus_cases(folder))
    return cases


def bench_summary(root: Path, *, workers: int = 2) -> dict:
    """The parse_eval figures ``make bench`` records: summary per split, counts, wall time."""
    report = run(default_cases(root), workers=workers, misses=0)
    return {
        key: report[key]
        for key in ("files", "documents", "wall_s", "corpora", "counts", "summary", "errors")
    }
