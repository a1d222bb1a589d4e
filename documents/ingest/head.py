"""The head of a release: which line is the title, and what stands around it.

A copied page puts column names (``政务信息``), site names and a red-header line (``某某市人民政府
文件``) before the title, and a subtitle (``——在……会议上``), a document number (``某政发〔2024〕
3号``), a meeting or adoption line (``2020年4月10日 ……会议通过``) and the speaker (``省长 某某``)
after it. The title is therefore not "the first line": it is the first title-shaped line of the
head that is not a column or site name, joined with the next line when it wraps. Paragraphs
before it are page furniture by position. When no line before the first sentence looks like a
title, the title is derived from the lead (``derive_title`` in ``metadata``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from documents.ingest import patterns as pt
from documents.script import fold, fold_aligned

#: How many paragraphs may stand before the title and its companions.
HEAD_SCAN = 12
#: A title is at most this long (gov.cn's longest titles run to about 90 characters).
TITLE_MAX = 100

SUBTITLE = re.compile(r"^[—–\-－]{1,2}|^[(（]?\s*\d{4}年\d{1,2}月\d{1,2}日.{0,60}(?:会议|大会)")
_DATE_LINE = re.compile(
    r"^[(（]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?[^。；;]{0,80}[)）]?$"
)
_BYLINE = re.compile(
    r"^(?:本报|本台|本网)?(?:记者|通讯员|实习生|特约记者)\s*[\u4e00-\u9fff·\s、]{2,30}$"
)
_COLUMN_END = re.compile(
    r"(?:网站|门户网站|门户|政府网|客户端|专栏|专题|频道|栏目|首页|^.{0,12}文件)$"
)
_COLUMN_MAX = 8
# News titles may exclaim or ask (``……结果公布！ 某市项目勇夺金奖``); a sentence stops at 。；.
_TITLE_STOP = re.compile(r"[。]|[；;].{0,3}$")
_EXCLAIMED_TITLE_MAX = 60
_OPEN_END = re.compile(r"(?:的|关于|和|与|及|、|暨|——|[《“「(（])$")
_SPEAKER = re.compile(
    r"^(?P<head>[\u4e00-\u9fff（）()、·\s]{2,40}?)\s+(?P<name>[\u4e00-\u9fff·]{2,4})$"
)


@dataclass(frozen=True, slots=True)
class Head:
    """Where the title, its companions and the body are among the cleaned paragraphs."""

    title: str
    derived: bool
    head_start: int  # paragraphs before this are page furniture
    body_start: int  # paragraphs before this are title and companions
    subtitle: str = ""
    doc_number_line: str = ""
    date_lines: tuple[str, ...] = ()
    speaker_line: str = ""


def find_head(paragraphs: list[str], hint: str = "") -> Head | None:
    """The head of a release, or None when no title line precedes the body."""
    roles = _roles(paragraphs)
    candidates = [i for i, role in roles if role == "title"]
    start = _title_index(paragraphs, candidates, hint) if candidates else None
    if start is None:
        # A title given from outside (a page's <h1>, a bulk column) that the text does not
        # repeat: the text may still open with the title's companions (an adoption line).
        return _companions(paragraphs, roles, 0, 0, hint.strip()) if hint.strip() else None
    end = start + 1
    title = paragraphs[start]
    if end in candidates and _wraps(title, paragraphs[end]):
        title += paragraphs[end]
        end += 1
    return _companions(paragraphs, roles, start, end, title)


def _roles(paragraphs: list[str]) -> list[tuple[int, str]]:
    """Each head paragraph's role, up to the first paragraph of the body."""
    roles: list[tuple[int, str]] = []
    for i, paragraph in enumerate(paragraphs[:HEAD_SCAN]):
        role = head_role(paragraph)
        if role == "body":
            break
        roles.append((i, role))
    return roles


def head_role(paragraph: str) -> str:
    """title, subtitle, doc_number, date, byline, speaker, or body."""
    key = fold_aligned(paragraph).strip()
    if SUBTITLE.match(key):
        return "subtitle"
    if len(key) <= 40 and pt.DOC_NUMBER.fullmatch(key.strip("()（）[]【】 ")):
        return "doc_number"
    if _DATE_LINE.match(key) and not pt.SENTENCE_END.search(key):
        return "date"
    if _BYLINE.match(key):
        return "byline"
    if _is_speaker(key):
        return "speaker"
    if looks_like_title(key):
        return "title"
    return "body"


def looks_like_title(key: str) -> bool:
    """Title-shaped: one line, no sentence ending, no numbering, no salutation."""
    if len(key) > TITLE_MAX or len(key) < 4 or key[-1] in "。；;，,：:、":
        return False
    if _TITLE_STOP.search(key) or pt.numbering_of(key) or pt.SALUTATION.match(key):
        return False
    if key[-1] in "！？!?" and len(key) > _EXCLAIMED_TITLE_MAX:
        return False
    return not pt.NEWS_MARKERS.match(key[:8])


def is_column_name(key: str) -> bool:
    """A site's column, channel or name (``政务信息``, ``某省人民政府门户网站``), not a title."""
    return len(key) <= _COLUMN_MAX or (bool(_COLUMN_END.search(key)) and len(key) <= 16)


def _title_index(paragraphs: list[str], candidates: list[int], hint: str) -> int | None:
    if hint.strip():
        wanted = _squash(hint)
        for i in candidates:
            own = _squash(paragraphs[i])
            if own and (own in wanted or wanted in own):
                return i
        return None
    for i in candidates:
        if not is_column_name(fold(paragraphs[i]).strip()):
            return i
    # Only short lines: a short title names its form (政府工作报告); a column name does not.
    complete = [i for i in candidates if pt.TITLE_ENDING.search(fold(paragraphs[i]).strip())]
    return complete[-1] if complete else None


def _wraps(first: str, second: str) -> bool:
    """A title broken over two lines: the first half is open, the second closes it."""
    head, tail = fold(first), fold(second)
    if pt.TITLE_ENDING.search(head) or SUBTITLE.match(tail) or len(head) + len(tail) > TITLE_MAX:
        return False
    return bool(_OPEN_END.search(head)) or (
        bool(pt.TITLE_ENDING.search(tail)) and len(tail) <= 20 and not is_column_name(head)
    )


def _companions(
    paragraphs: list[str], roles: list[tuple[int, str]], start: int, end: int, title: str
) -> Head:
    """Subtitle, number, dates and speaker that follow the title, up to the body."""
    subtitle = doc_number = speaker = ""
    dates: list[str] = []
    body_start = end
    role_of = dict(roles)
    # A document number printed above the title (the official layout) belongs to it too.
    for i in range(start):
        if role_of.get(i) == "doc_number":
            doc_number = paragraphs[i]
        elif role_of.get(i) == "date":
            dates.append(paragraphs[i])
    for i in range(end, len(paragraphs)):
        role = role_of.get(i, "body")
        if role == "subtitle":
            if subtitle:
                dates.append(paragraphs[i])  # 批准 after 通过: a second dated meeting line
            else:
                subtitle = paragraphs[i]
        elif role == "doc_number" and not doc_number:
            doc_number = paragraphs[i]
        elif role == "date":
            dates.append(paragraphs[i])
        elif role in {"speaker", "byline"}:
            speaker = speaker or (paragraphs[i] if role == "speaker" else "")
        else:
            break
        body_start = i + 1
    if body_start >= len(paragraphs):  # nothing left for the body: keep the last companion
        body_start = max(end, len(paragraphs) - 1)
    return Head(
        title=title,
        derived=False,
        head_start=start,
        body_start=body_start,
        subtitle=subtitle,
        doc_number_line=doc_number,
        date_lines=tuple(dates),
        speaker_line=speaker,
    )


def _is_speaker(key: str) -> bool:
    """``省长 某某``, ``某某市人民政府市长 某某``: an official title, a space, a name."""
    match = _SPEAKER.match(key)
    if not match:
        return False
    head = match.group("head").strip()
    return any(m.end() == len(head) for m in pt.TITLE_ENDINGS.finditer(head))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))
