"""Bulk files name a release's region and date in columns; those win where they can be read.

Spreadsheet exports write regions as 张掖市, 张掖, 甘肃 张掖, 甘肃省张掖市 or the division code, and
dates as 2024-05-06, 2024/5/6, 2024年5月 or just a year. Each must land on the same division and
date; what cannot be read (a name two divisions share, a date that is not one) is said, and the
text decides instead.
"""

from __future__ import annotations

from datetime import date

import pytest

from documents.choices import Precision
from documents.gazetteer import lookup
from documents.ingest import parse_text
from documents.ingest.metadata import parse_date
from documents.ingest.records import iter_records
from tests.conftest import seed_text


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("张掖市", "620700"),
        ("张掖", "620700"),
        ("張掖市", "620700"),  # Traditional script
        ("620700", "620700"),
        ("甘肃省张掖市", "620700"),
        ("甘肃 张掖", "620700"),
        ("内蒙古·呼和浩特", "150100"),
        ("北京市朝阳区", "110105"),
        ("北京 朝阳区", "110105"),
        ("湘潭", "430300"),
        ("甘肃", "620000"),
        ("全国", "000000"),
        ("上海市浦东新区", "310115"),
    ],
)
def test_region_columns_name_one_division(written, code):
    place = lookup(written)
    assert place is not None and place.code == code


@pytest.mark.parametrize("written", ["朝阳区", "火星", "", "999999"])
def test_ambiguous_or_unknown_regions_are_not_guessed(written):
    assert lookup(written) is None


@pytest.mark.parametrize(
    ("written", "value", "precision"),
    [
        ("2024-05-06", date(2024, 5, 6), Precision.DAY),
        ("2024/5/6", date(2024, 5, 6), Precision.DAY),
        ("2024年5月6日", date(2024, 5, 6), Precision.DAY),
        ("2024-05-06T09:30:00+08:00", date(2024, 5, 6), Precision.DAY),
        ("2024年5月", date(2024, 5, 1), Precision.MONTH),
        ("2024-05", date(2024, 5, 1), Precision.MONTH),
        ("2024", date(2024, 1, 1), Precision.YEAR),
        ("2024年", date(2024, 1, 1), Precision.YEAR),
        # Taiwan's columns and pages count years from 1912 (民國).
        ("113/5/6", date(2024, 5, 6), Precision.DAY),
        ("107-12-22 點閱次數:91506", date(2018, 12, 22), Precision.DAY),
        ("中華民國113年5月6日", date(2024, 5, 6), Precision.DAY),
    ],
)
def test_date_columns_keep_their_precision(written, value, precision):
    found = parse_date(written)
    assert found is not None and (found.value, found.precision) == (value, precision)


@pytest.mark.parametrize(
    "written", ["not a date", "2024-13-40", "五月", "12345", "113/13/40", "999/5/6"]
)
def test_unreadable_dates_are_none(written):
    assert parse_date(written) is None


def test_columns_win_over_the_text_and_unreadable_ones_are_reported():
    text = seed_text("004")  # 呼和浩特, 2023-06-27 in the text
    given = parse_text(text, region_hint="包头市", date_hint="2023年7月")
    assert given.metadata.region.code == "150200" and given.metadata.region.strong
    assert given.metadata.published.value == date(2023, 7, 1)
    unreadable = parse_text(text, region_hint="朝阳区", date_hint="soon")
    assert unreadable.metadata.region.code == "150100"
    assert unreadable.metadata.published.value == date(2023, 6, 27)
    assert any("地区列“朝阳区”" in w for w in unreadable.warnings)
    assert any("日期列“soon”" in w for w in unreadable.warnings)


def test_a_year_column_does_not_blur_a_day_the_text_gives():
    text = seed_text("004")
    assert parse_text(text, date_hint="2023").metadata.published.value == date(2023, 6, 27)
    assert parse_text(text, date_hint="2019").metadata.published.value == date(2019, 1, 1)


def test_csv_columns_are_mapped_whatever_their_language():
    body = seed_text("001").replace("\n", " ")
    data = (
        "标题,地区,发布日期,来源,正文\n"
        f'张掖专场,甘肃 张掖,2024/9/3,https://example.org/z,"{body}"\n'
    ).encode("gb18030")
    (record,) = list(iter_records(data, ".csv"))
    assert (record.title, record.region, record.date, record.source) == (
        "张掖专场",
        "甘肃 张掖",
        "2024/9/3",
        "https://example.org/z",
    )


def test_jsonl_year_is_a_date_column_when_there_is_no_date():
    data = "\n".join(
        [
            '{"title": "t", "year": 2021, "content": "正文"}',
            '{"date": "2020-01-02", "year": 2021, "text": "x"}',
        ]
    )
    first, second = iter_records(data.encode(), ".jsonl")
    assert first.date == "2021" and second.date == "2020-01-02"
