"""LawRefBook/Laws: provincial 地方性法规 and national 行政法规/部门规章 as Markdown.

Truth comes from the repository's own metadata: the title is the file's ``# `` heading, the
province its ``DLC/<省>地方法规`` folder, the date the ``publish`` column of the folder's
``db.sqlite3`` (the same date the file name carries), validity its ``expired`` flag, and issuer /
文号 the header block the template requires above ``<!-- INFO END -->`` ("date event" lines:
``2011年11月17日 上海市第十三届人民代表大会常务委员会第三十次会议通过``). The region is the
province unless the title opens with one of that province's cities; a title naming neither
leaves the region unscored. Everything here is a regulation (法规规章) by the source's own level.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from documents import gazetteer as gz
from documents.corpus.labelled import LabelledDoc
from documents.corpus.sources._git import Snapshot
from documents.corpus.sources._pick import every_kth

SOURCE = "lawrefbook"
LICENCE = (
    "LawRefBook/Laws (no licence file; texts from flk.npc.gov.cn). Laws and regulations are "
    "outside copyright under PRC Copyright Law art. 5."
)
_INFO_END = "<!-- INFO END -->"
_EVENT = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(.+)$")
_CONGRESS = re.compile(
    r"^(?P<place>\S*?)第[一二三四五六七八九十百零〇]+届(?P<organ>人民代表大会(?:常务委员会)?)"
)
_ORDER = re.compile(r"^(?:中华人民共和国)?(?P<organ>[^，,《]+?)令(?P<no>第\d+号)(?:公布|发布)")
#: Titles that mark the business-environment documents the portal is about; always taken.
_PREFERRED = re.compile(
    r"营商环境|优化|企业|市场|投资|民营|信用|知识产权|产权|招商|开发区|自由贸易"
)
#: Share of the limit taken from the provinces; the rest from national regulations and rules.
_LOCAL_SHARE = 0.8


def read(mirror: Path, limit: int) -> Iterator[LabelledDoc]:
    snap = Snapshot(mirror / "LawRefBook+Laws" / "repo")
    if not snap.exists():
        return
    paths = snap.paths()
    folders = sorted({p.split("/")[1] for p in paths if p.startswith("DLC/") and p.count("/") > 2})
    per_folder = max(1, round(limit * _LOCAL_SHARE / max(1, len(folders))))
    for folder in folders:
        yield from _province(snap, paths, folder, per_folder)
    rest = max(0, limit - per_folder * len(folders))
    rows = _rows(snap, "db.sqlite3")
    for level, share in (("行政法规", 2 / 3), ("部门规章", 1 / 3)):
        files = [p for p in paths if p.startswith(level + "/") and p.endswith(".md")]
        files = [p for p in files if not p.endswith("_index.md")]
        yield from _documents(snap, _choose(files, round(rest * share)), rows, province="")


def _province(snap: Snapshot, paths: list[str], folder: str, wanted: int) -> Iterator[LabelledDoc]:
    prefix = f"DLC/{folder}/"
    files = [p for p in paths if p.startswith(prefix) and p.endswith(".md")]
    files = [p for p in files if not p.endswith("_index.md")]
    province = gz.lookup(folder.removesuffix("地方法规"))
    rows = _rows(snap, prefix + "db.sqlite3")
    yield from _documents(
        snap, _choose(files, wanted), rows, province=province.name if province else ""
    )


def _choose(files: list[str], wanted: int) -> list[str]:
    """The preferred titles (up to half the quota), then every k-th of the rest."""
    preferred = [p for p in files if _PREFERRED.search(PurePosixPath(p).stem)]
    chosen = every_kth(preferred, wanted // 2)
    others = [p for p in files if p not in set(chosen)]
    return sorted(chosen + every_kth(others, wanted - len(chosen)))


def _rows(snap: Snapshot, path: str) -> dict[tuple[str, str], tuple[str, int]]:
    """(name, publish) → (level, expired) from a folder's ``db.sqlite3``."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db.sqlite3"
        db.write_bytes(snap.read(path))
        with sqlite3.connect(db) as conn:
            found = conn.execute("select name, publish, level, expired from law").fetchall()
    return {(name, publish or ""): (level, expired) for name, publish, level, expired in found}


def _documents(
    snap: Snapshot, files: list[str], rows: dict, *, province: str
) -> Iterator[LabelledDoc]:
    blobs = snap.read_many(files)
    for path in files:
        if path not in blobs:
            continue
        stem = PurePosixPath(path).stem
        match = re.match(r"^(.*?)(?:\((\d{4}-\d{2}-\d{2})\))?$", stem)
        name, publish = match.group(1), match.group(2) or ""
        level, expired = rows.get((name, publish), ("", 0))
        doc = _document(path, blobs[path].decode("utf-8"), publish, expired, province)
        if doc is not None and (level in ("", "地方性法规", "行政法规", "部门规章")):
            yield doc


def _document(
    path: str, markdown: str, publish: str, expired: int, province: str
) -> LabelledDoc | None:
    head, sep, body = markdown.partition(_INFO_END)
    if not sep:
        return None
    lines = [ln.strip() for ln in head.splitlines()]
    titles = [ln[2:].strip() for ln in lines if ln.startswith("# ")]
    if not titles:
        return None
    title = titles[0]
    events = [m for m in (_EVENT.match(ln) for ln in lines) if m]
    issuer, number = _issuer_and_number(events)
    region, code = _region(title, province)
    text = "\n".join([*(m.group(0) for m in events), *_plain(body)])
    if len(text) < 200:
        return None
    key = PurePosixPath(path).stem
    return LabelledDoc(
        id=f"{SOURCE}-{_slug(path)}",
        source=SOURCE,
        split="dev",
        title=title,
        region=region,
        region_code=code,
        province=province or (gz.NATION_NAME if not province else ""),
        issuer=issuer,
        doc_number=number,
        published=publish,
        kind="regulation",
        validity="repealed" if expired else "",
        text=text,
        licence=LICENCE,
        url=f"https://github.com/LawRefBook/Laws/blob/master/{path}",
        meta={"path": path, "key": key},
    )


def _issuer_and_number(events: list[re.Match]) -> tuple[str, str]:
    """The adopting congress (local) or the ordering organ and 令 number (national, unrevised)."""
    for event in events:
        congress = _CONGRESS.match(event.group(4))
        if congress and "通过" in event.group(4):
            return congress.group("place") + congress.group("organ"), ""
    if len(events) == 1:
        order = _ORDER.match(events[0].group(4))
        if order and "、" not in order.group("organ"):
            organ = order.group("organ")
            return organ, f"{organ}令{order.group('no')}"
    return "", ""


def _region(title: str, province: str) -> tuple[str, str]:
    """The province when the title opens with it, one of its cities likewise, else unscored."""
    if not province:
        return gz.NATION_NAME, gz.NATION_CODE
    place = gz.lookup(province)
    if place is None:
        return "", ""
    if title.startswith((place.name, place.short_name or place.name)):
        return place.name, place.code
    for city in gz.places():
        in_province = city.level == gz.Level.CITY and city.parent_code == place.code
        if in_province and title.startswith(city.name):
            return city.name, city.code
    return "", ""


def _plain(markdown: str) -> list[str]:
    """Markdown body → lines as a page shows them (heading marks and comments dropped)."""
    out = []
    for line in markdown.splitlines():
        line = re.sub(r"<!--.*?-->", "", line).strip()
        line = re.sub(r"^#+\s*", "", line)
        if line and line != "---":
            out.append(line)
    return out


def _slug(path: str) -> str:
    return hashlib.sha1(path.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]
