"""Dates as Chinese releases write them, each with the precision the text supports.

A publish date may be a full date, a month, a year or unknown; ``9月3日`` gets a year only
when the text speaks of one (and says it was inferred); Taiwan's pages date by the Republic's
era (民国113年 = 2024); a spreadsheet column writes dates its own ways. Nothing here guesses a
day the text does not give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from documents.choices import Kind, Precision
from documents.ingest.errors import require_unicode
from documents.script import fold


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """A date as far as the text supports it; ``value`` is None when the year is unknown."""

    value: date | None
    precision: Precision
    text: str = ""  # the date as the release writes it
    year_inferred: bool = False


UNKNOWN_DATE = PublishedDate(None, Precision.UNKNOWN)


_FULL_DATE = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)[日号]?")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})[日号]")
_YEAR = re.compile(r"(?<![\d\-—–~～至到])((?:19|20)\d{2})年(?!代)")
_YEAR_EXCLUDED_BEFORE = re.compile(r"(?:到|至|力争|预计到|争取到|计划到|目标)$")
_YEAR_EXCLUDED_AFTER = re.compile(r"^(?:前|以前|远景|愿景|目标)")
_YEAR_RANGE_AFTER = re.compile(r"^\s*[-—–~～至到]\s*(?:19|20)?\d{2}")


def given_date(hint: str, warnings: list[str]) -> PublishedDate | None:
    """A date stated by a column or a page, or None (with a warning) when it cannot be read."""
    if not hint.strip():
        return None
    found = parse_date(hint)
    if found is None:
        warnings.append(f"日期列“{hint}”无法识别，已按正文识别。")
    return found


_RANK = {Precision.DAY: 3, Precision.MONTH: 2, Precision.YEAR: 1, Precision.UNKNOWN: 0}


def finer(given: PublishedDate | None, detected: PublishedDate) -> PublishedDate:
    """The given date, unless the text dates the release more precisely within it.

    A ``year`` column of 2023 and “2023年3月13日” in the text mean 13 March 2023.
    """
    if given is None:
        return detected
    if detected.value is None or _RANK[detected.precision] <= _RANK[given.precision]:
        return given
    same_year = detected.value.year == given.value.year
    same_month = detected.value.month == given.value.month
    if same_year and (given.precision == Precision.YEAR or same_month):
        return detected
    return given


_YEAR_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
_YEAR_ONLY = re.compile(r"^\s*(\d{4})\s*年?\s*$")


def parse_date(text: str) -> PublishedDate | None:
    """A date as a column or a page field writes it: 2024-05-06, 2024/5/6, 2024年5月, 2024,
    or in the Republic's era, 107-12-22 / 民國107年12月22日."""
    folded = fold(require_unicode(text, "日期")).strip()
    found = full_date(folded)
    if found is not None:
        return found
    match = _YEAR_MONTH.match(folded)
    if match:
        value = _safe_date(int(match.group(1)), int(match.group(2)), 1)
        return PublishedDate(value, Precision.MONTH, text.strip()) if value else None
    match = _YEAR_ONLY.match(folded)
    if match and 1900 <= int(match.group(1)) <= date.today().year + 1:
        return PublishedDate(date(int(match.group(1)), 1, 1), Precision.YEAR, text.strip())
    # Taiwan's pages and spreadsheets count years from 1912: 發布日期：107-12-22 is 2018.
    return minguo_date(folded)


def detect_date(
    title: str, subtitle: str, body: list[str], datelines: tuple[str, ...], *, kind: Kind
) -> PublishedDate:
    """The publication date in the most precise form the text supports."""
    for source in (*datelines, subtitle, *body[:1]):
        found = full_date(source)
        if found is not None:
            return found
    for source in datelines:  # a Taiwan page's 民国 dateline: 发稿时间：113年3月22日
        found = minguo_date(source)
        if found is not None:
            return found
    lead = fold("\n".join(body[:2]))
    month_day = _MONTH_DAY.search(lead)
    if month_day:
        text = month_day.group(0)
        year = infer_year("\n".join(body))
        if year is not None:
            value = _safe_date(year, int(month_day.group(1)), int(month_day.group(2)))
            if value is not None:
                return PublishedDate(value, Precision.DAY, text, year_inferred=True)
        return PublishedDate(None, Precision.UNKNOWN, text)
    title_year = _YEAR.match(fold(title))
    if kind == Kind.WORK_REPORT and title_year:
        return PublishedDate(
            date(int(title_year.group(1)), 1, 1), Precision.YEAR, title_year.group(0)
        )
    return PublishedDate(None, Precision.UNKNOWN)


_MINGUO = re.compile(r"(?<!\d)(\d{2,3})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)日?")
_MINGUO_EPOCH = 1911


def minguo_date(text: str) -> PublishedDate | None:
    """A date in the Republic of China's era (民国113年 = 2024), as Taiwan's pages print it."""
    match = _MINGUO.search(fold(text))
    if not match or not 1 <= int(match.group(1)) <= date.today().year - _MINGUO_EPOCH:
        return None
    year = int(match.group(1)) + _MINGUO_EPOCH
    value = _safe_date(year, int(match.group(2)), int(match.group(3)))
    return PublishedDate(value, Precision.DAY, match.group(0)) if value else None


def full_date(text: str) -> PublishedDate | None:
    match = _FULL_DATE.search(fold(text)) if text else None
    if not match:
        return None
    value = _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return PublishedDate(value, Precision.DAY, match.group(0)) if value else None


def infer_year(text: str) -> int | None:
    """The latest year the text speaks of as past or present — not plan targets, not ranges.

    A press release dated only ``9月3日`` that reports 2024 results was published in 2024; a
    text that names no year (or only ranges and targets) supports none.
    """
    key = fold(text)
    years = []
    for match in _YEAR.finditer(key):
        before = key[max(0, match.start() - 4) : match.start()]
        after = key[match.end() : match.end() + 4]
        if _YEAR_EXCLUDED_BEFORE.search(before) or _YEAR_EXCLUDED_AFTER.match(after):
            continue
        if _YEAR_RANGE_AFTER.match(key[match.start() + 4 : match.start() + 12]):
            continue
        years.append(int(match.group(1)))
    this_year = date.today().year
    years = [y for y in years if y <= this_year]
    return max(years) if years else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
