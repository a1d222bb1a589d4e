"""How well the figure extractor reads real sentences: precision and recall against the labels.

A figure counts as found when the extractor gives the same (measure, value, unit) triple as the
reader who labelled the sentence, magnitude words aside (``28677万亩`` and ``2.8677亿亩`` are one
figure). Scores are given for every figure the extractor reports and for the ones it is certain
of (the ones a comparison charts), for the triple and for (value, unit) alone — so that a wrong
measure and a missed number show apart — per split and per measure. Rules are tuned on dev;
test is what is reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from documents.figures import extract_figures
from documents.figures.measures import split_magnitude
from quality.figures.labelled import LabelledSentence

Triple = tuple[str, Decimal, str]


@dataclass(slots=True)
class Score:
    """Counts of one comparison: labelled, reported, matched."""

    truth: int = 0
    found: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.truth if self.truth else 1.0

    def add(self, truth: Counter, found: Counter) -> None:
        self.truth += sum(truth.values())
        self.found += sum(found.values())
        self.matched += sum((truth & found).values())

    def as_dict(self) -> dict:
        return {
            "truth": self.truth,
            "found": self.found,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
        }


@dataclass(slots=True)
class SplitReport:
    """The scores of one split, and what went wrong in it."""

    sentences: int = 0
    triple: Score = field(default_factory=Score)
    triple_certain: Score = field(default_factory=Score)
    number: Score = field(default_factory=Score)
    measures: dict[str, Score] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "sentences": self.sentences,
            "triple": self.triple.as_dict(),
            "triple_certain": self.triple_certain.as_dict(),
            "value_unit": self.number.as_dict(),
            "measures": {k: v.as_dict() for k, v in sorted(self.measures.items())},
        }


def amount(value: str | Decimal, unit: str) -> tuple[Decimal, str] | None:
    """A value in its unit without magnitude words: (28677, 万亩) → (286770000, 亩)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    factor, base = split_magnitude(unit.replace("萬", "万").replace("億", "亿"))
    return (number * factor).normalize(), base


def evaluate(rows: Iterable[LabelledSentence]) -> dict[str, SplitReport]:
    """Scores per split (``dev``, ``test``) and for both together (``all``)."""
    reports: dict[str, SplitReport] = {}
    for row in rows:
        extracted = extract_figures(row.sentence)
        truth = Counter(_triple(f.measure, f.value, f.unit) for f in row.figures)
        found = Counter(_triple(f.measure, f.value, f.unit) for f in extracted)
        certain = Counter(_triple(f.measure, f.value, f.unit) for f in extracted if f.certain)
        truth_numbers = Counter(t[1:] for t in truth.elements())
        found_numbers = Counter(t[1:] for t in found.elements())
        truth.pop(None, None)
        found.pop(None, None)
        for split in (row.split, "all"):
            report = reports.setdefault(split, SplitReport())
            report.sentences += 1
            report.triple.add(truth, found)
            report.triple_certain.add(truth, certain)
            report.number.add(truth_numbers, found_numbers)
            for measure in {t[0] for t in truth} | {t[0] for t in found}:
                score = report.measures.setdefault(measure, Score())
                score.add(_only(truth, measure), _only(found, measure))
        if truth != found:
            reports[row.split].errors.append(
                {
                    "id": row.id,
                    "sentence": row.sentence,
                    "missed": [_show(t) for t in (truth - found).elements()],
                    "wrong": [_show(t) for t in (found - truth).elements()],
                }
            )
    return reports


def _triple(measure: str, value: str | Decimal, unit: str) -> Triple | None:
    read = amount(value, unit)
    return (measure, *read) if read else None


def _only(counter: Counter, measure: str) -> Counter:
    return Counter({t: n for t, n in counter.items() if t[0] == measure})


def _show(triple: Triple) -> str:
    measure, value, unit = triple
    return f"{format(value, 'f')}{unit} ({measure})"
