"""Paragraphs → the release's own outline: headings, numbered points and Q&A.

Levels are not fixed per marker: the first numbering style met becomes level 1 and each new
style nests one deeper, so ``一、 › （一） › 一是`` in a report and ``一是`` straight under
``二、`` both come out right. Un-numbered headings (a short line followed by a longer
paragraph) take a style from their shape. In a press conference the Q&A gets its own branch:
question (with the outlet that asked), answer (with the answerer's name and title), and the
answer's own numbered points, which carry the answerer too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from documents.choices import SectionKind
from documents.ingest import patterns as pt
from documents.ingest.errors import require_unicode
from documents.script import fold_aligned

MAX_SECTION_CHARS = 1500
_HEADING_MAX = 60
_PLAIN_HEADING_MAX = 32


@dataclass(frozen=True, slots=True)
class ParsedSection:
    """One section of a release, ready to store."""

    order: int
    level: int
    kind: SectionKind
    heading: str
    text: str
    speaker: str = ""
    speaker_title: str = ""
    anchor: str = ""


@dataclass(slots=True)
class _Draft:
    level: int
    kind: SectionKind
    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    speaker: str = ""
    speaker_title: str = ""
    closed: bool = False  # point-like sections take no further paragraphs

    @property
    def size(self) -> int:
        return sum(len(p) for p in self.paragraphs)


@dataclass(slots=True)
class _Context:
    """Where the parser stands: numbering styles open, and the Q&A state."""

    styles: list[str] = field(default_factory=list)
    base: int = 0  # levels above the numbered outline (a Q&A branch or an answer)
    qa_level: int = 0  # level of questions and answers; 0 outside any Q&A
    outlet: str = ""
    expecting_answer: bool = False
    speaker: pt.Speaker | None = None

    def level_for(self, style: str) -> int:
        """Level of a numbering style: reuse its depth if open, else nest one deeper."""
        if style in self.styles:
            del self.styles[self.styles.index(style) + 1 :]
        else:
            self.styles.append(style)
        return self.base + len(self.styles)


def parse_sections(paragraphs: list[str] | tuple[str, ...]) -> list[ParsedSection]:
    """Split a release body (title and subtitle already removed) into sections."""
    folded = [fold_aligned(require_unicode(p)) for p in paragraphs]
    drafts: list[_Draft] = []
    ctx = _Context()
    skip = 0
    for index, (para, key) in enumerate(zip(paragraphs, folded, strict=True)):
        if skip:
            skip -= 1
            continue
        if _qa_line(para, key, ctx, drafts):
            continue
        numbering = pt.numbering_of(key)
        if numbering is not None:
            _open_numbered(para, key, numbering, ctx, drafts)
            continue
        heading = _plain_heading(index, paragraphs, folded, ctx)
        if heading is not None:
            text, style, consumed = heading
            skip = consumed - 1
            level = ctx.level_for(style)
            drafts.append(_Draft(level=level, kind=SectionKind.HEADING, heading=text))
            continue
        _add_paragraph(para, ctx, drafts)
    return _finish(drafts)


def _qa_line(para: str, key: str, ctx: _Context, drafts: list[_Draft]) -> bool:
    """Handle Q&A structure lines; True when the paragraph was consumed."""
    if pt.QA_BLOCK.match(key):
        ctx.styles.clear()
        ctx.base = 1
        ctx.qa_level = 2
        ctx.speaker = None
        drafts.append(_Draft(level=1, kind=SectionKind.HEADING, heading=para))
        return True
    question = pt.QUESTION.match(key)
    outlet = pt.OUTLET_LINE.match(key)
    if outlet and not question and (ctx.qa_level or len(key) <= 30):
        ctx.outlet = para[outlet.start("outlet") : outlet.end("outlet")]
        if not ctx.qa_level:
            ctx.qa_level = 1
        return True
    if question and (ctx.qa_level or ctx.outlet or question.group("who") is not None):
        if not ctx.qa_level:
            ctx.qa_level = 1
        who = question.group("who")
        asker = ctx.outlet or (para[question.start("who") : question.end("who")] if who else "")
        drafts.append(
            _Draft(
                level=ctx.qa_level,
                kind=SectionKind.QUESTION,
                paragraphs=[para[question.start("text") :]],
                speaker=asker or "记者",
            )
        )
        ctx.outlet = ""
        ctx.expecting_answer = True
        ctx.speaker = None
        ctx.styles.clear()
        ctx.base = ctx.qa_level
        return True
    if ctx.expecting_answer:
        return _answer_head(para, key, ctx, drafts)
    return False


def _answer_head(para: str, key: str, ctx: _Context, drafts: list[_Draft]) -> bool:
    """The first line after a question names the answerer; the answer may follow on it."""
    plain = pt.PLAIN_ANSWER.match(key)
    head = pt.ANSWER_HEAD.match(key)
    speaker: pt.Speaker | None = None
    rest_start = 0
    if plain:
        speaker = pt.Speaker(name="", title="")
        rest_start = plain.start("text")
    elif head:
        speaker = pt.split_speaker(
            para[head.start("head") : head.end("head")], key[head.start("head") : head.end("head")]
        )
        rest_start = head.start("text")
    if speaker is None:
        # No answerer line: the paragraph continues the question.
        drafts[-1].paragraphs.append(para)
        return True
    ctx.expecting_answer = False
    ctx.speaker = speaker
    ctx.styles.clear()
    ctx.base = ctx.qa_level
    rest = para[rest_start:].strip()
    drafts.append(
        _Draft(
            level=ctx.qa_level,
            kind=SectionKind.ANSWER,
            paragraphs=[rest] if rest else [],
            speaker=speaker.name or speaker.title,
            speaker_title=speaker.title if speaker.name else "",
        )
    )
    return True


def _open_numbered(
    para: str, key: str, numbering: tuple[str, int, bool], ctx: _Context, drafts: list[_Draft]
) -> None:
    style, _marker_end, point_like = numbering
    level = ctx.level_for(style)
    if style == "bullet":
        heading, rest = "", para
    else:
        heading, rest = split_heading(para, key, point_like=point_like)
    draft = _Draft(
        level=level,
        kind=SectionKind.POINT if point_like else SectionKind.HEADING,
        heading=heading,
        paragraphs=[rest] if rest else [],
        closed=point_like,
    )
    _attach_speaker(draft, ctx)
    drafts.append(draft)


def _add_paragraph(para: str, ctx: _Context, drafts: list[_Draft]) -> None:
    """Append a body paragraph, opening a continuation section where needed."""
    current = drafts[-1] if drafts else None
    if current is not None and not current.closed and current.size + len(para) <= MAX_SECTION_CHARS:
        current.paragraphs.append(para)
        return
    # A paragraph after a numbered point is the point's sibling, not part of it.
    level = current.level if current is not None else 1
    kind = SectionKind.ANSWER if ctx.speaker is not None else SectionKind.PARAGRAPH
    draft = _Draft(level=level, kind=kind, paragraphs=[para])
    _attach_speaker(draft, ctx)
    drafts.append(draft)


def _attach_speaker(draft: _Draft, ctx: _Context) -> None:
    if ctx.speaker is not None:
        draft.speaker = ctx.speaker.name or ctx.speaker.title
        draft.speaker_title = ctx.speaker.title if ctx.speaker.name else ""


def split_heading(para: str, key: str, *, point_like: bool) -> tuple[str, str]:
    """Cut a numbered paragraph into its heading (first sentence) and the rest.

    A short paragraph is all heading. A long first sentence is not a heading: point-like
    paragraphs then keep everything as text; headings fall back to the first clause.
    """
    if len(key) <= 40 and not pt.SENTENCE_END.search(key[:-1]):
        return _trim_heading(para), ""
    stop = pt.HEADING_STOP.search(key)
    if stop and stop.end() <= _HEADING_MAX:
        return _trim_heading(para[: stop.end()]), para[stop.end() :].strip()
    if point_like:
        return "", para
    comma = min((i for i in (key.find("，"), key.find(",")) if i > 0), default=-1)
    if 0 < comma <= 30:
        return para[:comma], para[comma + 1 :].strip()
    return "", para


def _plain_heading(
    index: int, paragraphs: list[str] | tuple[str, ...], folded: list[str], ctx: _Context
) -> tuple[str, str, int] | None:
    """Recognise an un-numbered heading: (text, style, paragraphs consumed) or None."""
    if ctx.speaker is not None or ctx.expecting_answer:
        return None
    key = folded[index]
    if not _could_be_heading(key) or index + 1 >= len(paragraphs):
        return None
    following = folded[index + 1]
    if key[-1] in ":：":
        # Two-line heading: ``改革“三项服务”:`` over ``加快项目“落”下来``.
        if (
            index + 2 < len(paragraphs)
            and not any(mark in key for mark in "，,")
            and pt.numbering_of(following) is None
            and _could_be_heading(following)
            and following[-1] not in ":：。"
            and len(folded[index + 2]) > len(following)
        ):
            return paragraphs[index] + paragraphs[index + 1], "plain-colon", 2
        return None
    if len(following) < max(len(key) + 10, 40):
        return None
    style = "plain-sentence" if key[-1] in pt.TERMINAL_CHARS else "plain"
    return _trim_heading(paragraphs[index]), style, 1


def _could_be_heading(key: str) -> bool:
    if not key or len(key) > _PLAIN_HEADING_MAX:
        return False
    if key[-1] in "，,、；;!！?？…" or pt.SALUTATION.match(key) or pt.DATE_ITEM.match(key):
        return False
    return not pt.SENTENCE_END.search(key[:-1])


def _trim_heading(text: str) -> str:
    return text.strip().rstrip("。:：")


def _finish(drafts: list[_Draft]) -> list[ParsedSection]:
    """Number the sections, give each an outline anchor (s2-1-3), drop empty ones."""
    sections: list[ParsedSection] = []
    path: list[int] = []
    for draft in drafts:
        text = "\n".join(p for p in draft.paragraphs if p)
        if not text and not draft.heading:
            continue
        level = max(draft.level, 1)
        del path[level:]
        while len(path) < level:
            path.append(0)
        path[level - 1] += 1
        sections.append(
            ParsedSection(
                order=len(sections) + 1,
                level=level,
                kind=draft.kind,
                heading=draft.heading,
                text=text,
                speaker=draft.speaker,
                speaker_title=draft.speaker_title,
                anchor="s" + "-".join(str(n) for n in path),
            )
        )
    return sections
