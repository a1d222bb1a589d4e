"""Chinese numerals → ``Decimal``.

Policy text writes quantities both ways: ``2.5个小时`` beside ``一日办结``, ``十三项`` and, in the
older government work reports, whole sums like ``二千零五十亿元`` or ``百分之三十五点五``.
The extractor needs one reader for all of them that refuses rather than guesses: ``三四`` (three
or four) and ``十三五`` (a plan's name) are not numbers, so they come back as ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
ZEROS = frozenset("零〇○")
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
POINTS = frozenset("点點")
# Every character a Chinese numeral may be written with (半 is handled on its own).
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS) + "".join(POINTS)

_ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+")


def parse_chinese_number(s: str) -> Decimal | None:
    """The value of a numeral as written, or ``None`` when it cannot be read unambiguously.

    Policy text needs one reader for every way a quantity is written, and a wrong number is
    worse than none. Accepts Chinese numerals (``十三``, ``一百零五``, ``三千五百``,
    ``两万四千``, ``二亿八千六百七十七万``), decimals with 点 (``三十五点五``), positional
    digit strings of three or more (``二〇二六``), ``半`` (0.5) and plain Arabic strings
    (``1,234.5``, full-width too). Two bare digits in a row (``三四``, ``十三五``) are an
    approximation or a name, not a number, so they give ``None``.
    """
    s = unicodedata.normalize("NFKC", s).strip() if s else ""
    if not s:
        return None
    if _ARABIC.fullmatch(s):
        try:
            return Decimal(s.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            return None
    if s == "半":
        return Decimal("0.5")
    point = next((i for i, ch in enumerate(s) if ch in POINTS), -1)
    if point >= 0:
        whole, fraction = s[:point], s[point + 1 :]
        if not fraction or any(ch not in DIGITS for ch in fraction):
            return None
        integer = _integer(whole) if whole else 0
        if integer is None:
            return None
        return Decimal(f"{integer}.{''.join(str(DIGITS[ch]) for ch in fraction)}")
    integer = _integer(s)
    return None if integer is None else Decimal(integer)


def _integer(s: str) -> int | None:
    """Integer value of a numeral without a decimal point; ``None`` when malformed."""
    if all(ch in DIGITS for ch in s):
        if len(s) == 1:
            return DIGITS[s]
        if len(s) >= 3 or any(ch in ZEROS for ch in s):
            return int("".join(str(DIGITS[ch]) for ch in s))
        return None
    total = 0  # completed 亿 part
    section = 0  # below 亿: completed 万 part plus the current group
    group = 0  # below 万
    digit: int | None = None
    last_small = 10**5  # small units must descend within a group
    last_char = ""
    for ch in s:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                return None
            digit = None if ch in ZEROS else DIGITS[ch]
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_small:
                return None
            if digit is None:
                if last_char and last_char not in BIG_UNITS and last_char not in ZEROS:
                    return None
                digit = 1  # 十三, 百, 万十 …
            group += digit * unit
            digit, last_small = None, unit
        elif ch in BIG_UNITS:
            value = group + (digit or 0)
            if BIG_UNITS[ch] == 10**4:
                if value == 0 and section == 0:
                    value = 1 if not last_char else 0
                    if value == 0:
                        return None
                section += value * 10**4
            else:
                amount = section + value
                if amount == 0:
                    if last_char:
                        return None
                    amount = 1
                total = (total + amount) * 10**8
                section = 0
            group, digit, last_small = 0, None, 10**5
        else:
            return None
        last_char = ch
    if digit is not None:
        # 三千五 is 3500, 一万五 is 15000: a bare last digit counts in the next unit down.
        if last_char in DIGITS and len(s) >= 2 and s[-2] in SMALL_UNITS:
            digit *= SMALL_UNITS[s[-2]] // 10
        elif last_char in DIGITS and len(s) >= 2 and s[-2] in BIG_UNITS:
            digit *= BIG_UNITS[s[-2]] // 10
        group += digit
    return total + section + group
