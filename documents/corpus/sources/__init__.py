"""One reader per fetched snapshot, each yielding ``LabelledDoc``s with truth from its metadata.

A reader takes the mirror folder (``/work/.mirror``) and a per-source limit and picks its subset
deterministically (sorted paths, every k-th), so two builds give the same corpus. ``SPLITS`` says
which half each source belongs to: the split is by source, never by document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from documents.corpus.labelled import LabelledDoc
from documents.corpus.sources import ey_gazette, govcn, lawrefbook, tainan

Reader = Callable[[Path, int], Iterator[LabelledDoc]]

#: Snapshot readers by source name. Dev holds mainland regulations (LawRefBook) and Traditional
#: city press releases (Tainan); test holds gov.cn normative documents with their 信息索引表 and
#: the Executive Yuan gazette — other sites, other genres, other layouts than the rules saw.
READERS: dict[str, Reader] = {
    lawrefbook.SOURCE: lawrefbook.read,
    tainan.SOURCE: tainan.read,
    govcn.SOURCE: govcn.read,
    ey_gazette.SOURCE: ey_gazette.read,
}
SPLITS = {
    lawrefbook.SOURCE: "dev",
    tainan.SOURCE: "dev",
    govcn.SOURCE: "test",
    ey_gazette.SOURCE: "test",
}

__all__ = ["READERS", "SPLITS", "Reader"]
