"""The labelled document: one real release with the truth its source states about it.

Every truth field is a string, "" meaning "the source does not say" — such a field is not scored
for that document. Dates are ISO strings at the precision the source gives (``2024-05-06``,
``2024-05`` or ``2024``). ``region`` is a name as the source writes it and ``region_code`` the
six-digit code where the gazetteer can represent it (Taiwan's places cannot: see the corpus
README). ``kind`` and ``validity`` are ``documents.ingest.metadata`` ``Kind`` / ``Validity`` values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from documents.choices import Kind, Validity

#: The truth fields scoring compares, in the order the report lists them.
TRUTH_FIELDS = (
    "title",
    "region",
    "province",
    "issuer",
    "doc_number",
    "written",
    "published",
    "kind",
    "validity",
)


@dataclass(frozen=True, slots=True)
class LabelledDoc:
    """A real document and what its source says about it."""

    id: str  # unique across corpora: "<source>-<key>"
    source: str  # the reader that produced it (lawrefbook, govcn, tainan, ey_gazette, repo)
    split: str  # "dev" or "test"
    title: str = ""
    region: str = ""  # a place name as the source writes it
    region_code: str = ""  # GB/T 2260 code when the gazetteer holds the place
    province: str = ""
    issuer: str = ""  # 发文机关 / 制定机关
    doc_number: str = ""  # 文号 as written
    written: str = ""  # 成文日期
    published: str = ""  # 发布/公布日期
    kind: str = ""  # a Kind value
    validity: str = ""  # a Validity value
    text: str = ""  # the body as the source gives it, title excluded where it can be
    licence: str = ""  # the licence note for this source
    url: str = ""  # where the source says the document lives
    file: str = ""  # an in-repo file to upload as-is (the seeds), relative to the repo root
    script: str = "simplified"  # "simplified" or "traditional": which furniture vocabulary fits
    meta: dict[str, str] = field(default_factory=dict)  # source fields kept but not scored

    def __post_init__(self) -> None:
        if self.kind:
            Kind(self.kind)
        if self.validity:
            Validity(self.validity)
        if self.split not in ("dev", "test"):
            raise ValueError(f"{self.id}: split must be dev or test, not {self.split!r}")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict) -> LabelledDoc:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def write_jsonl(docs: Iterable[LabelledDoc], path: Path) -> int:
    """Write one document a line; returns how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for doc in docs:
            out.write(doc.to_json() + "\n")
            count += 1
    return count


def read_jsonl(path: Path) -> Iterator[LabelledDoc]:
    """The documents of a ``truth.jsonl`` (blank lines skipped)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield LabelledDoc.from_dict(json.loads(line))
