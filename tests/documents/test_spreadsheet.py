"""Every CSV and XLSX the portal writes keeps a formula-looking cell as text (CSV injection)."""

from __future__ import annotations

import pytest

from documents.spreadsheet import text_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+86 931 1234567", "'+86 931 1234567"),
        ("-减少3天", "'-减少3天"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("-3.5", "-3.5"),  # a number stays a number
        ("12", "12"),
        ("压减至2个工作日", "压减至2个工作日"),
        ("", ""),
    ],
)
def test_a_cell_that_looks_like_a_formula_is_written_as_text(value, written):
    assert text_cell(value) == written
