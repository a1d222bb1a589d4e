"""Cleaned paragraphs → what a release is: title, region, dates, kind, issuer, number, people.

Each detector reads the text the way a researcher would: the title line if there is one (else
the event named in the lead), the region the title and body keep returning to (a county
mentioned in passing counts for its city, never against it), the date in whatever form the page
gives it — a year only where the text supports one — and the kind from the document's shape.
Where evidence is thin the result says so in ``warnings`` rather than guessing silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from documents.choices import Kind, Precision, Validity
from documents.ingest import genre
from documents.ingest import patterns as pt
from documents.ingest.clean import CleanedText
from documents.ingest.dates import (
    UNKNOWN_DATE,
    PublishedDate,
    detect_date,
    finer,
    full_date,
    given_date,
    minguo_date,
    parse_date,
)
from documents.ingest.errors import IngestError, require_unicode
from documents.ingest.head import Head, find_head, head_role, is_column_name
from documents.ingest.hints import NO_HINTS, PageHints
from documents.ingest.issuers import (
    ORGAN,
    doc_number_in,
    issuer_from_adoption,
    issuer_from_title,
    signature,
    tidy_doc_number,
    validity_from,
)
from documents.ingest.places import (
    RegionGuess,
    detect_region,
    find_places,
    given_region,
    national_by_form,
    region_of_issuer,
)
from documents.script import fold, fold_aligned

__all__ = [  # the detection's vocabulary, importable from here as before the split
    "UNKNOWN_DATE",
    "FieldFlag",
    "PublishedDate",
    "RegionGuess",
    "ReleaseMetadata",
    "derive_title",
    "detect_date",
    "detect_metadata",
    "detect_region",
    "find_places",
    "parse_date",
]


@dataclass(frozen=True, slots=True)
class FieldFlag:
    """A doubt about one detected field, shown next to that field in the upload preview.

    ``field`` names a ``ReleaseMetadata`` field (``title``, ``kind``, ``published`` …).
    """

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class ReleaseMetadata:
    """Everything detected about a release; every field is editable before publishing."""

    title: str
    title_derived: bool
    subtitle: str
    region: RegionGuess | None
    published: PublishedDate
    kind: Kind
    source: str
    author: str
    editor: str
    body_start: int  # paragraphs before this index are title and subtitle
    warnings: tuple[str, ...] = field(default=())
    issuer: str = ""  # 发文机关
    doc_number: str = ""  # 文号 as written (〔2024〕3号 …)
    written: PublishedDate = UNKNOWN_DATE  # 成文日期
    meeting: PublishedDate = UNKNOWN_DATE  # the meeting a report or speech was given at
    validity: Validity = Validity.UNKNOWN
    source_url: str = ""
    speaker: str = ""  # who gave a report or speech (省长 某某)
    kind_evidence: str = ""  # why the kind was chosen, for the preview
    flags: tuple[FieldFlag, ...] = field(default=())  # doubts tied to one field each
    head_start: int = 0  # paragraphs before this index are page furniture above the title


_EVENT = re.compile(
    r"(?:举行|召开|举办)(?:了|的)?(?P<event>[^，,。；;]{4,80}?(?:发布会|专场|座谈会|推介会|见面会|"
    r"通气会|吹风会)(?:[^，,。；;]{0,20}?专场)?)(?!上|中|期间)"
)
_SHORT_TEXT = 200


def detect_metadata(
    cleaned: CleanedText,
    *,
    title_hint: str = "",
    has_qa: bool | None = None,
    region_hint: str = "",
    date_hint: str = "",
    hints: PageHints = NO_HINTS,
) -> ReleaseMetadata:
    """Detect a release's metadata from its cleaned text and what its page states.

    Hints (a page's own metadata, a bulk file's columns) win over the text when they can be
    read; one that cannot is reported in the warnings and the text decides instead. Doubts
    about a single field are ``flags`` next to that field in the preview.
    """
    paragraphs = list(cleaned.paragraphs)
    if not paragraphs:
        raise IngestError("没有正文段落。")
    require_unicode("\n".join(paragraphs))
    for value, label in ((title_hint, "标题"), (region_hint, "地区列"), (date_hint, "日期列")):
        require_unicode(value, label)
    notes = _Notes()
    title_hint = title_hint or hints.title
    head = _head(paragraphs, title_hint)
    title, publisher = split_publisher_note(head.title)
    derived = head.derived
    subtitle = head.subtitle or hints.subtitle
    if derived:
        notes.flag("title", "没有标题行，标题取自导语，请核对。")
    elif not title_hint and is_column_name(fold(title).strip()) and len(title) <= 6:
        notes.flag("title", f"标题“{title}”很短，像网页栏目名，请核对。")
    body = paragraphs[head.body_start :]
    if has_qa is None:
        has_qa = any(pt.QUESTION.match(fold_aligned(p)) for p in body)
    doc_number = _doc_number(hints, head, body, cleaned)
    guess = genre.detect_kind(
        title,
        title_derived=derived,
        subtitle=subtitle,
        has_qa=has_qa,
        has_doc_number=bool(doc_number),
        news_signs=bool(publisher) or _news_signs(cleaned, body),
        hints=hints,
    )
    if not guess.certain:
        notes.flag("kind", f"类型为推测（{guess.evidence}），请核对。")
    kind = guess.kind
    meeting = _meeting(subtitle, head.date_lines)
    issuer, written = _issuer_and_written(hints, cleaned, title, head, kind, notes)
    region = given_region(region_hint or hints.region, notes.warnings)
    if region is None and kind in (Kind.REGULATION, Kind.NORMATIVE):
        region = region_of_issuer(issuer, doc_number) or national_by_form(title, body, kind)
    region = region or detect_region(title, body)
    if region is None:
        notes.flag("region", "未能识别地区，请手动选择。")
    elif not region.strong:
        notes.flag("region", f"地区“{region.name}”证据较弱（{region.evidence}），请核对。")
    published = _published(hints, date_hint, title, subtitle, body, cleaned, kind, notes)
    if kind == Kind.REGULATION and not (date_hint or hints.published):
        published = _version_date(published, subtitle, head.date_lines)
    if published.precision == Precision.UNKNOWN and meeting.value is not None:
        published = meeting
        notes.flag("published", f"网页没有发布日期，取会议日期（{meeting.text}），请核对。")
    if published.precision == Precision.UNKNOWN and written.value is not None:
        published = written
        notes.flag("published", f"网页没有发布日期，取成文日期（{written.text}），请核对。")
    updated = given_date(hints.updated, [])
    if published.precision == Precision.UNKNOWN and updated is not None:
        published = updated
        notes.flag("published", f"网页没有发布日期，取更新日期（{updated.text}），请核对。")
    _flag_published(published, notes)
    if sum(len(p) for p in body) < _SHORT_TEXT:
        notes.warn("正文很短，可能不完整。")
    speaker = _speaker(head.speaker_line, subtitle)
    return ReleaseMetadata(
        title=title,
        title_derived=derived,
        subtitle=subtitle,
        region=region,
        published=published,
        kind=kind,
        source=hints.source or (cleaned.sources[0] if cleaned.sources else "") or publisher,
        author=hints.author or "、".join(cleaned.authors) or speaker,
        editor=hints.editor or "、".join(cleaned.editors),
        body_start=head.body_start,
        warnings=tuple(notes.warnings),
        issuer=issuer,
        doc_number=tidy_doc_number(doc_number),
        written=written,
        meeting=meeting,
        validity=validity_from(hints.validity),
        source_url=hints.url if _WEB_ADDRESS.match(hints.url) else "",
        speaker=speaker,
        kind_evidence=guess.evidence,
        flags=tuple(notes.flags),
        head_start=head.head_start,
    )


_WEB_ADDRESS = re.compile(r"^https?://\S+$", re.IGNORECASE)


class _Notes:
    """Warnings for the whole release, and flags tied to one field (also listed as warnings)."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.flags: list[FieldFlag] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def flag(self, field_name: str, message: str) -> None:
        self.flags.append(FieldFlag(field_name, message))
        self.warnings.append(message)


def _head(paragraphs: list[str], title_hint: str) -> Head:
    """The title and its companions; a given title wins, the lead stands in for a missing one."""
    found = find_head(paragraphs, title_hint)
    if title_hint.strip() and found is not None and found.head_start == found.body_start == 0:
        # The given title is not in the text. A body's or a site's name (a page's logo <h1>)
        # is no title: the text's own title line wins over it.
        own = find_head(paragraphs)
        if own is not None and (ORGAN.match(fold(title_hint)) or is_column_name(fold(title_hint))):
            return own
    if title_hint.strip():
        if found is not None and len(paragraphs) > found.body_start:
            return replace(found, title=title_hint.strip())
        return Head(title_hint.strip(), False, 0, 0)
    if found is not None and len(paragraphs) > found.body_start:
        return found
    if found is not None:  # a lone title line with nothing after it
        return Head(found.title, False, found.head_start, found.head_start)
    start = next(
        (i for i, p in enumerate(paragraphs) if not is_furniture_head(p)),
        0,
    )
    lead = next(
        (p for p in paragraphs[start:] if not pt.SALUTATION.match(fold_aligned(p))),
        paragraphs[start],
    )
    return Head(derive_title(lead), True, start, start)


def is_furniture_head(paragraph: str) -> bool:
    """A short title-shaped line before a lead with no title: a column or site name."""
    key = fold(paragraph).strip()
    return head_role(paragraph) == "title" and is_column_name(key)


_PUBLISHER_NOTE = re.compile(
    r"\s*[(（]\s*(?P<who>[^()（）]{2,24}?)\s*(?:发布|公布|提供|供稿)\s*[)）]\s*$"
)


def split_publisher_note(title: str) -> tuple[str, str]:
    """``标题（新闻及国际关系处发布）`` → (标题, 新闻及国际关系处): a press office's note."""
    key = fold_aligned(title)
    match = _PUBLISHER_NOTE.search(key)
    if not match or match.start() < 4:
        return title, ""
    return title[: match.start()].rstrip(), title[match.start("who") : match.end("who")]


def _doc_number(hints: PageHints, head: Head, body: list[str], cleaned: CleanedText) -> str:
    if hints.doc_number.strip():
        return hints.doc_number.strip()
    if cleaned.doc_numbers:
        return cleaned.doc_numbers[0]
    if head.doc_number_line:
        return doc_number_in(head.doc_number_line)
    # ``1990年8月19日 中华人民共和国国务院令第64号发布``: a regulation's order in its head lines.
    for line in (head.subtitle, *head.date_lines):
        found = doc_number_in(line)
        if found:
            return found
    # ``（国办发〔2024〕3号）`` on the first line of the body, right under the title.
    if body and len(body[0]) <= 40:
        return doc_number_in(body[0]) if head_role(body[0]) == "doc_number" else ""
    return ""


# A report of what happened today: ``市长某某今（28）日表示`` — journalism's dateline in prose.
_REPORTED_TODAY = re.compile(
    r"[今昨前明][(（]\s*\d{1,2}\s*[)）]日|(?:今|昨)[天日].{0,40}?(?:表示|指出|强调|宣布|出席|举行|召开|发布)"
)


def _news_signs(cleaned: CleanedText, body: list[str]) -> bool:
    lead = fold(body[0][:40]) if body else ""
    opening = fold(" ".join(body[:2]))[:160]
    return (
        bool(cleaned.sources or cleaned.authors or cleaned.editors)
        or bool(pt.NEWS_MARKERS.search(lead))
        or bool(_REPORTED_TODAY.search(opening))
    )


def _meeting(subtitle: str, date_lines: tuple[str, ...]) -> PublishedDate:
    """The date of the meeting a report was given at or a regulation adopted at."""
    for line in (subtitle, *date_lines):
        if re.search(r"会议|大会", fold(line)):
            found = full_date(line)
            if found is not None:
                return found
    return UNKNOWN_DATE


def _issuer_and_written(
    hints: PageHints,
    cleaned: CleanedText,
    title: str,
    head: Head,
    kind: Kind,
    notes: _Notes,
) -> tuple[str, PublishedDate]:
    """The issuer and written date: stated by the page, printed as fields, else by layout."""
    signed_by, signed_on = signature(list(cleaned.paragraphs[head.body_start :]))
    adopted_by = issuer_from_adoption([head.subtitle, *head.date_lines])
    stated = hints.issuer.strip() or (cleaned.issuers[0] if cleaned.issuers else "")
    issuer = stated or issuer_from_title(title) or signed_by or adopted_by
    written = UNKNOWN_DATE
    stated_date = hints.written.strip() or (cleaned.written[0] if cleaned.written else "")
    if stated_date:
        written = parse_date(stated_date) or minguo_date(stated_date) or UNKNOWN_DATE
        if written.value is None:
            notes.flag("written", f"成文日期“{stated_date}”无法识别。")
    documentary = kind in (Kind.NORMATIVE, Kind.REGULATION)
    if written.value is None and signed_on and (signed_by or documentary):
        written = full_date(signed_on) or UNKNOWN_DATE
    if written.value is None and kind == Kind.REGULATION:
        adopted = _meeting(head.subtitle, head.date_lines)
        if adopted.value is not None:
            written = adopted
    return issuer, written


def _published(
    hints: PageHints,
    date_hint: str,
    title: str,
    subtitle: str,
    body: list[str],
    cleaned: CleanedText,
    kind: Kind,
    notes: _Notes,
) -> PublishedDate:
    given = given_date(date_hint or hints.published, notes.warnings)
    detected = detect_date(title, subtitle, body, cleaned.datelines, kind=kind)
    return finer(given, detected)


def _version_date(published: PublishedDate, subtitle: str, lines: tuple[str, ...]) -> PublishedDate:
    """A regulation's text in force dates from its latest adoption, amendment or approval line."""
    dated = [d for d in (full_date(line) for line in (subtitle, *lines)) if d is not None]
    if published.value is not None and published.text not in "".join((subtitle, *lines)):
        return published  # the page's own date line, not one of the head's meeting lines
    return max(dated, key=lambda d: d.value) if dated else published


def _flag_published(published: PublishedDate, notes: _Notes) -> None:
    if published.precision == Precision.UNKNOWN:
        notes.flag(
            "published",
            "发布日期不详"
            + (f"（文中只有“{published.text}”，年份无从确定）。" if published.text else "。"),
        )
    elif published.year_inferred:
        notes.flag(
            "published",
            f"年份由正文推断（{published.text} → {published.value:%Y}年），请核对。",
        )


def _speaker(speaker_line: str, subtitle: str) -> str:
    """Who gave a report or speech: its own line (``省长 某某``), else the subtitle's end."""
    return speaker_line.strip() or _subtitle_person(subtitle)


# --- Title ---------------------------------------------------------------------------------------


def derive_title(lead: str) -> str:
    """A title for a release that has none: the event the lead names, else its first clause."""
    key = fold_aligned(lead)
    event = _EVENT.search(key)
    if event and event.start("event") < 120:
        return lead[event.start("event") : event.end("event")].strip()
    sentence_end = pt.SENTENCE_END.search(key)
    sentence = lead[: sentence_end.start()] if sentence_end else lead
    if len(sentence) <= 40:
        return sentence
    cut = max(sentence.rfind(mark, 0, 40) for mark in "，,、")
    return (sentence[:cut] if cut >= 10 else sentence[:40]) + "……"


# --- People ------------------------------------------------------------------------------------


def _subtitle_person(subtitle: str) -> str:
    """``——2023年6月27日在……会议上 ……副市长 焦鸿`` → ``……副市长 焦鸿``."""
    key = fold_aligned(subtitle)
    match = re.search(r"(?:会议|大会)上\s*(.+)$", key)
    return subtitle[match.start(1) :].strip() if match else ""
