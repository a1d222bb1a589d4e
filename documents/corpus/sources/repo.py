"""The labelled set that ships in the repository, so evaluation runs on a clean clone.

The five seeds' truth is ``fixtures/corpora/seed-truth.jsonl``, copied from the table in
``fixtures/seeds/README.md`` (region, kind, published as stated there; a title only where the
README states one in full — none does, so titles are not scored). The national government work
reports come from ``fixtures/corpora/national-government-work-reports.jsonl``: title and year
from their own ``title``/``year`` fields, region 全国; a record whose title ends with 政府工作报告
(optionally ``（摘要）``) is a work report, the NPC resolutions approving them (``…关于政府工作
报告的决议``, year null) are normative documents — a 决议 of the congress, like a 决定.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from documents import gazetteer as gz
from documents.corpus.labelled import LabelledDoc
from documents.script import traditional_share

SOURCE = "repo"
SEED_TRUTH = Path("fixtures/corpora/seed-truth.jsonl")
REPORTS = Path("fixtures/corpora/national-government-work-reports.jsonl")
SEED_LICENCE = "The portal's seed releases (fixtures/seeds/README.md)."
REPORT_LICENCE = (
    "Wikisource, via a public corpus project; State Council reports and NPC resolutions are "
    "outside copyright under PRC Copyright Law art. 5."
)
_REPORT_TITLE = re.compile(r"政府工作报告(?:[(（]摘要[)）])?$")


def read(root: Path) -> Iterator[LabelledDoc]:
    """The seeds, then the national reports (all in the dev split)."""
    yield from seeds(root)
    yield from reports(root)


def seeds(root: Path) -> Iterator[LabelledDoc]:
    for line in (root / SEED_TRUTH).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        place = gz.lookup(row["region"])
        text = (root / row["file"]).read_bytes().decode("utf-8-sig")
        yield LabelledDoc(
            id=row["id"],
            source=SOURCE,
            split="dev",
            title=row.get("title", ""),
            region=row["region"],
            region_code=place.code if place else "",
            province=row.get("province", ""),
            published=row.get("published", ""),
            kind=row.get("kind", ""),
            text=text,
            licence=SEED_LICENCE,
            file=row["file"],
            script=row.get("script", "simplified"),
            meta={"note": row.get("note", "")},
        )


def reports(root: Path) -> Iterator[LabelledDoc]:
    for line in (root / REPORTS).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        title = row["title"].strip()
        key = hashlib.sha1(title.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]
        yield LabelledDoc(
            id=f"{SOURCE}-report-{key}",
            source=SOURCE,
            split="dev",
            title=title,
            region=gz.NATION_NAME,
            region_code=gz.NATION_CODE,
            province=gz.NATION_NAME,
            published=str(row["year"]) if row.get("year") else "",
            kind="work_report" if _REPORT_TITLE.search(title) else "normative",
            text=row["content"].strip(),
            licence=REPORT_LICENCE,
            url=row.get("url", ""),
            script="traditional" if traditional_share(row["content"]) > 0.1 else "simplified",
        )
