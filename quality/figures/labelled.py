"""The labelled figures (``fixtures/figures/labelled.jsonl``): reading and writing them.

Sentences from the seeds and the national reports are stored whole. Sentences from the real
corpus are stored as a reference (document id, offsets, SHA-1): the repository does not carry the
fetched documents, and ``manage.py build_real_corpus`` rebuilds them locally, where
``resolve`` finds each sentence again and checks it is still the one that was labelled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from quality.figures.sample import digest

LABELLED_PATH = Path("fixtures") / "figures" / "labelled.jsonl"
FIGURE_FIELDS = ("text", "value", "unit", "measure", "subject", "before", "after", "range")


@dataclass(frozen=True, slots=True)
class LabelledFigure:
    """One figure as a reader found it in the sentence."""

    text: str
    value: str
    unit: str
    measure: str
    subject: str = ""
    before: str = ""
    after: str = ""
    range: bool = False


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    """A sentence and every figure in it ([] when it has none)."""

    id: str
    source: str
    release: str
    split: str
    figures: tuple[LabelledFigure, ...]
    sentence: str = ""  # "" for a real-corpus sentence: see ``doc``
    doc: str = ""
    start: int = 0
    end: int = 0
    sha1: str = ""
    extra: dict = field(default_factory=dict)


def read_labelled(path: Path) -> Iterator[LabelledSentence]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            figures = tuple(
                LabelledFigure(**{k: f[k] for k in FIGURE_FIELDS if k in f}) for f in row["figures"]
            )
            yield LabelledSentence(
                id=row["id"],
                source=row["source"],
                release=row["release"],
                split=row["split"],
                figures=figures,
                sentence=row.get("sentence", ""),
                doc=row.get("doc", ""),
                start=int(row.get("start", 0)),
                end=int(row.get("end", 0)),
                sha1=row.get("sha1", ""),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a labelled sentence ({exc})") from exc


def write_labelled(rows: Iterable[LabelledSentence], path: Path) -> int:
    """Write ``rows``; real-corpus sentences as references only."""
    lines = []
    for row in rows:
        data = asdict(row)
        data.pop("extra")
        data["figures"] = [asdict(f) for f in row.figures]
        if row.doc:
            data["sha1"] = row.sha1 or digest(row.sentence)
            data.pop("sentence")
        else:
            for key in ("doc", "start", "end", "sha1"):
                data.pop(key)
        lines.append(json.dumps(data, ensure_ascii=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return len(lines)


def resolve(
    rows: Iterable[LabelledSentence], real_truth: Path
) -> tuple[list[LabelledSentence], list[str]]:
    """The rows with their sentences, and a note per real-corpus row that could not be read."""
    texts: dict[str, str] = {}
    if real_truth.exists():
        for line in real_truth.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            texts[doc["id"]] = doc["text"]
    resolved, missing = [], []
    for row in rows:
        if not row.doc:
            resolved.append(row)
            continue
        text = texts.get(row.doc)
        sentence = text[row.start : row.end] if text is not None else ""
        if text is None:
            missing.append(f"{row.id}: {row.doc} is not in {real_truth}")
        elif digest(sentence) != row.sha1:
            missing.append(f"{row.id}: the sentence at {row.start}-{row.end} has changed")
        else:
            resolved.append(_with_sentence(row, sentence))
    return resolved, missing


def _with_sentence(row: LabelledSentence, sentence: str) -> LabelledSentence:
    data = {name: getattr(row, name) for name in row.__dataclass_fields__}
    data["sentence"] = sentence
    return LabelledSentence(**data)
