"""Write the local real corpus: ``truth.jsonl``, ``variants.jsonl`` and ``files/<id>/…``.

The corpus is derived from fetched snapshots and is never committed (it lives under ``var/``);
only this code is. Building twice from the same snapshots gives the same files.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from documents.corpus.labelled import LabelledDoc, write_jsonl
from documents.corpus.sources import READERS, SPLITS
from documents.corpus.variants import make_variants

#: Documents per source unless told otherwise: ≥ 400 in all, a few tens of MB of files.
DEFAULT_LIMIT = 150


def build(
    mirror: Path, out: Path, *, limit: int = DEFAULT_LIMIT, say: Callable[[str], None] = print
) -> dict:
    """Read every snapshot present, write the corpus, return the counts."""
    docs: list[LabelledDoc] = []
    missing = []
    for name, reader in READERS.items():
        found = [replace(doc, split=SPLITS[name]) for doc in reader(mirror, limit)]
        if not found:
            missing.append(name)
        say(f"{name}: {len(found)} documents")
        docs.extend(found)
    if out.exists():
        shutil.rmtree(out / "files", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    records = []
    size = 0
    for doc in docs:
        folder = out / "files" / doc.id
        folder.mkdir(parents=True, exist_ok=True)
        for variant in make_variants(doc):
            (folder / variant.filename).write_bytes(variant.data)
            size += len(variant.data)
            records.append(variant.record(f"files/{doc.id}/{variant.filename}"))
    write_jsonl([replace(doc, meta=_small(doc.meta)) for doc in docs], out / "truth.jsonl")
    with (out / "variants.jsonl").open("w", encoding="utf-8") as lines:
        for record in records:
            lines.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {
        "documents": len(docs),
        "files": len(records),
        "bytes": size,
        "missing_sources": missing,
        "by_source": dict(Counter(f"{d.split}/{d.source}" for d in docs)),
        "by_split": dict(Counter(d.split for d in docs)),
        "by_kind": dict(Counter(f"{d.split}/{d.kind}" for d in docs)),
        "by_variant": dict(Counter(f"{r['variant']}/{r['encoding']}" for r in records)),
    }


def _small(meta: dict[str, str]) -> dict[str, str]:
    """The metadata kept in ``truth.jsonl``: the saved pages are already under ``files/``."""
    return {key: value for key, value in meta.items() if key != "original_html"}
