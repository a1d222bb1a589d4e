"""Text cells a spreadsheet program shows as text, for every CSV and XLSX the portal writes.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is run as a
formula by Excel and LibreOffice — a release's sentence or a user's query could carry one
(CSV injection). Such a cell is written with a leading apostrophe, which the programs read as
"this is text"; a plain number (``-3.5``) is left as it is, so it still counts as a number.
"""

from __future__ import annotations

import re

_FORMULA_START = frozenset({"=", "+", "-", "@", "\t", "\r"})
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def text_cell(value: str) -> str:
    """``value`` as a cell no spreadsheet will run as a formula."""
    if value[:1] in _FORMULA_START and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
