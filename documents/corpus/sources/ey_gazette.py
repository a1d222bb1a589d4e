"""kong0107/ey-gazette-data: the Executive Yuan Gazette (行政院公報) as daily XML (Traditional).

``YYY/YYY-mm-dd/YYY-mm-dd.xml`` (ROC years) holds ``<Record>``s with the gazette's own fields:
``Title``, ``PubGovName`` (the issuing agency → issuer), ``GazetteId`` (the 文号, e.g.
``院臺法字第1040027653號``), ``Date_Created`` (中華民國104年6月1日 → written), ``Doc_Style_LName``
(法規 / 行政規則 / 公告及送達 / 處分 …) and ``HTMLContent``. Published is the gazette issue's date
(the file's name). Kind maps the gazette's own category: 法規 → regulation, 行政規則 → normative,
公告及送達 → normative except 公示送達 (service by publication) → other, anything else → other.
Region: 臺灣 as stated; the gazetteer cannot represent it, so scoring expects no region.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from documents.corpus.labelled import LabelledDoc
from documents.corpus.sources._git import Snapshot
from documents.corpus.sources._html import html_to_text
from documents.corpus.sources._pick import every_kth

SOURCE = "ey_gazette"
LICENCE = (
    "kong0107/ey-gazette-data; data of 行政院公報資訊網 under the Open Government Data License "
    "(data.gov.tw/license); laws, orders and 公文 are outside copyright under Taiwan Copyright "
    "Act (著作權法) §9."
)
#: Records per gazette issue at most, so many issues (years, agencies) are represented.
_PER_ISSUE = 4
#: Bounds on the body: a line-item list of fifty pages says little about parsing.
_MIN_CHARS, _MAX_CHARS = 200, 20_000
_ROC_DATE = re.compile(r"(\d{2,3})年(\d{1,2})月(\d{1,2})日")


def read(mirror: Path, limit: int) -> Iterator[LabelledDoc]:
    snap = Snapshot(mirror / "kong0107+ey-gazette-data" / "repo")
    if not snap.exists():
        return
    issues = [p for p in snap.paths() if p.endswith(".xml")]
    chosen = every_kth(issues, max(1, limit // 2))
    docs: list[LabelledDoc] = []
    for path, blob in sorted(snap.read_many(chosen).items()):
        docs.extend(_issue(path, blob))
    yield from every_kth(docs, limit)


def kind_of(large: str, small: str) -> str:
    if large == "法規":
        return "regulation"
    if large == "行政規則":
        return "normative"
    if large == "公告及送達":
        return "other" if "公示送達" in small else "normative"
    return "other"


def roc_date(text: str) -> str:
    match = _ROC_DATE.search(text or "")
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    return f"{year + 1911:04d}-{month:02d}-{day:02d}"


def _issue(path: str, blob: bytes) -> list[LabelledDoc]:
    try:
        root = ET.fromstring(blob)  # noqa: S314 - a fetched snapshot read locally, no entities
    except ET.ParseError:
        return []
    stem = PurePosixPath(path).stem  # 104-06-01
    year, month, day = (int(x) for x in stem.split("-"))
    published = f"{year + 1911:04d}-{month:02d}-{day:02d}"
    by_style: dict[str, list[LabelledDoc]] = defaultdict(list)
    for record in root.iter("Record"):
        doc = _record(record, published)
        if doc is not None:
            by_style[doc.meta["style"]].append(doc)
    picked: list[LabelledDoc] = []
    while len(picked) < _PER_ISSUE and any(by_style.values()):
        for style in sorted(by_style):
            if by_style[style] and len(picked) < _PER_ISSUE:
                picked.append(by_style[style].pop(0))
    return picked


def _record(record: ET.Element, published: str) -> LabelledDoc | None:
    def field(name: str) -> str:
        return (record.findtext(name) or "").strip()

    page = field("HTMLContent")
    text = html_to_text(page).replace("\r", "")
    if not (_MIN_CHARS <= len(text) <= _MAX_CHARS) or not field("Title"):
        return None
    large, small = field("Doc_Style_LName"), field("Doc_Style_SName")
    return LabelledDoc(
        id=f"{SOURCE}-{field('MetaId')}",
        source=SOURCE,
        split="test",
        title=field("Title"),
        region="臺灣",
        province="臺灣",
        issuer=field("PubGovName"),
        doc_number=field("GazetteId"),
        written=roc_date(field("Date_Created")),
        published=published,
        kind=kind_of(large, small),
        text=text,
        licence=LICENCE,
        url=field("GazetteHTML"),
        script="traditional",
        meta={"style": f"{large}/{small}", "chapter": field("Chapter"), "original_html": page},
    )
