"""Field-by-field comparison of what the upload path read against the source's truth.

The comparisons share nothing with the parser beyond NFKC: a title matches when it is equal
after NFKC and with whitespace removed (no t2s — a Traditional title must come back
Traditional); a 文号 after unifying bracket styles and widths; dates at the precision the source
states; regions by code (by name when the truth has only a name; a place the gazetteer cannot
hold — Taiwan's — is expected to come back as no region). A field whose truth is "" is not scored
for that document, so each field reports its own n. Furniture passes when none of the injected
lines survives in the parsed body (counted against their occurrences in the true text, so a line
that also belongs to the document is not held against it); sections pass when there is at least
one and none is just a furniture line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from documents import gazetteer as gz
from documents.corpus.labelled import TRUTH_FIELDS, LabelledDoc

#: Every scored field, in report order.
FIELDS = (*TRUTH_FIELDS, "furniture", "sections")
_BRACKETS = str.maketrans("〔〕【】()［］（）﹝﹞", "[][][][][][]")
_RANK = {4: 1, 7: 2, 10: 3}
_PRECISION_RANK = {"year": 1, "month": 2, "day": 3}


@dataclass(frozen=True, slots=True)
class Parsed:
    """What the upload path produced for one file, as plain values (picklable)."""

    error: str = ""
    title: str = ""
    region_code: str = ""
    region_name: str = ""
    issuer: str = ""
    doc_number: str = ""
    written: str = ""  # ISO date, "" when unknown
    written_precision: str = ""
    published: str = ""
    published_precision: str = ""
    kind: str = ""
    validity: str = ""
    body: str = ""
    sections: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """One field of one file: passed or not, with what was expected and what came back."""

    field: str
    ok: bool
    expected: str
    got: str


def squeeze(text: str) -> str:
    """NFKC, whitespace removed: the only normalisation scoring applies to text."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def doc_number_key(text: str) -> str:
    """A 文号 with bracket styles and character widths unified (〔2024〕 = [2024] = （2024）)."""
    return squeeze(text).translate(_BRACKETS)


def province_of_code(code: str) -> str:
    if not code:
        return ""
    if code == gz.NATION_CODE:
        return gz.NATION_NAME
    place = gz.by_code().get(code)
    province = gz.province_of(place) if place else None
    return province.name if province else ""


def expected_region(doc: LabelledDoc) -> tuple[str, str] | None:
    """(code, name) expected, ("", name) when the gazetteer cannot hold it, None = unscored."""
    if not doc.region and not doc.region_code:
        return None
    if doc.region_code:
        return doc.region_code, doc.region
    place = gz.lookup(doc.region)
    return (place.code, place.name) if place else ("", doc.region)


def score(
    doc: LabelledDoc, parsed: Parsed, furniture: tuple[tuple[str, str], ...]
) -> list[Outcome]:
    """Every scorable field of one parsed file."""
    out: list[Outcome] = []
    for field in FIELDS:
        result = _compare(field, doc, parsed, furniture)
        if result is not None:
            out.append(result)
    return out


def _compare(field: str, doc: LabelledDoc, got: Parsed, furniture) -> Outcome | None:
    if field == "furniture":
        return _furniture(doc, got, furniture)
    if field == "sections":
        return _sections(got, furniture)
    if field == "region":
        return _region(doc, got)
    if field == "province":
        return _province(doc, got)
    truth = getattr(doc, field)
    if not truth:
        return None
    if got.error:
        return Outcome(field, False, truth, f"error: {got.error}")
    value = getattr(got, field)
    if field in ("written", "published"):
        return Outcome(
            field, _same_date(truth, value, getattr(got, f"{field}_precision")), truth, value
        )
    if field == "doc_number":
        return Outcome(field, doc_number_key(truth) == doc_number_key(value), truth, value)
    if field in ("title", "issuer"):
        return Outcome(field, squeeze(truth) == squeeze(value), truth, value)
    return Outcome(field, truth == value, truth, value)


def _same_date(truth: str, value: str, precision: str) -> bool:
    """The parsed date equals the truth at the truth's precision, and is at least that precise."""
    if not value:
        return False
    return value[: len(truth)] == truth and _PRECISION_RANK.get(precision, 0) >= _RANK.get(
        len(truth), 3
    )


def _region(doc: LabelledDoc, got: Parsed) -> Outcome | None:
    expected = expected_region(doc)
    if expected is None:
        return None
    code, name = expected
    shown = f"{got.region_name}({got.region_code})" if got.region_code else "none"
    if got.error:
        return Outcome("region", False, f"{name}({code or 'none'})", f"error: {got.error}")
    if not code:
        return Outcome(
            "region", not got.region_code, f"none ({name} is not in the gazetteer)", shown
        )
    ok = got.region_code == code or (not doc.region_code and got.region_name == doc.region)
    return Outcome("region", ok, f"{name}({code})", shown)


def _province(doc: LabelledDoc, got: Parsed) -> Outcome | None:
    if not doc.province:
        return None
    value = province_of_code(got.region_code)
    if got.error:
        return Outcome("province", False, doc.province, f"error: {got.error}")
    if doc.province == gz.NATION_NAME:
        return Outcome("province", value == gz.NATION_NAME, doc.province, value or "none")
    place = gz.lookup(doc.province)
    if place is None:
        expected = f"none ({doc.province} is not in the gazetteer)"
        return Outcome("province", not value, expected, value or "none")
    return Outcome("province", value == place.name, place.name, value or "none")


def surviving(doc: LabelledDoc, body: str, furniture) -> list[str]:
    """Injected lines found in the parsed body more often than the true document holds them."""
    parsed = squeeze(body)
    original = squeeze(doc.title + "\n" + doc.text)
    left = []
    for line in dict.fromkeys(line for _, line in furniture):
        key = squeeze(line)
        if key and parsed.count(key) > original.count(key):
            left.append(line)
    return left


def _furniture(doc: LabelledDoc, got: Parsed, furniture) -> Outcome | None:
    if not furniture:
        return None
    expected = f"none of {len(furniture)} lines"
    if got.error:
        return Outcome("furniture", False, expected, f"error: {got.error}")
    left = surviving(doc, got.body, furniture)
    return Outcome("furniture", not left, expected, " ⏎ ".join(left))


def _sections(got: Parsed, furniture) -> Outcome:
    if got.error:
        return Outcome("sections", False, "≥ 1 section, none furniture", f"error: {got.error}")
    lines = {squeeze(line) for _, line in furniture if squeeze(line)}
    bad = [h or t for h, t in got.sections if squeeze(h) in lines or squeeze(t) in lines]
    ok = bool(got.sections) and not bad
    got_text = f"{len(got.sections)} sections" + (
        f"; furniture: {' ⏎ '.join(bad[:3])}" if bad else ""
    )
    return Outcome("sections", ok, "≥ 1 section, none furniture", got_text)


# --- Aggregation ----------------------------------------------------------------------------


def tally(rows: list[dict]) -> dict:
    """``{split: {field: {"n", "ok", "accuracy"}}}`` (plus "all"), from per-outcome rows."""
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in rows:
        for split in (row["split"], "all"):
            cell = counts[split][row["field"]]
            cell[0] += 1
            cell[1] += bool(row["ok"])
    return {
        split: {
            field: {"n": n, "ok": ok, "accuracy": round(ok / n, 4) if n else None}
            for field, (n, ok) in sorted(fields.items(), key=lambda kv: FIELDS.index(kv[0]))
        }
        for split, fields in sorted(counts.items())
    }


def table(summary: dict, splits: tuple[str, ...] = ("dev", "test")) -> str:
    """The field × split table: accuracy and n."""
    shown = [s for s in splits if s in summary]
    header = f"{'field':<12}" + "".join(f"{s + ' acc':>11}{'n':>7}" for s in shown)
    lines = [header, "-" * len(header)]
    for field in FIELDS:
        row = f"{field:<12}"
        for split in shown:
            cell = summary[split].get(field)
            if cell is None:
                row += f"{'–':>11}{0:>7}"
            else:
                row += f"{cell['accuracy'] * 100:>10.1f}%{cell['n']:>7}"
        lines.append(row)
    return "\n".join(lines)


#: The accuracy each field must reach on test (issue: title, region, dates ≥ 0.97, kind ≥ 0.95,
#: document number ≥ 0.98, no furniture left in ≥ 0.97 of documents).
TARGETS = {
    "title": 0.97,
    "region": 0.97,
    "written": 0.97,
    "published": 0.97,
    "kind": 0.95,
    "doc_number": 0.98,
    "furniture": 0.97,
}


def markdown_table(summary: dict, splits: tuple[str, ...] = ("dev", "test")) -> str:
    """The field × split table as Markdown, with the target and whether test meets it."""
    shown = [s for s in splits if s in summary]
    head = "| field | " + " | ".join(f"{s} acc (n)" for s in shown) + " | target on test |"
    lines = [head, "|---" * (len(shown) + 2) + "|"]
    for field in FIELDS:
        cells = []
        for split in shown:
            cell = summary[split].get(field)
            cells.append("–" if cell is None else f"{cell['accuracy'] * 100:.1f}% ({cell['n']})")
        target = TARGETS.get(field)
        verdict = ""
        if target is not None:
            cell = summary.get("test", {}).get(field)
            met = cell is not None and cell["accuracy"] >= target
            verdict = f"≥ {target:.2f} {'met' if met else 'not met'}" if cell else f"≥ {target:.2f}"
        lines.append(f"| {field} | " + " | ".join(cells) + f" | {verdict} |")
    return "\n".join(lines)
