"""The sentences of the figure yardstick: drawn from real releases, the same way every time.

Labelling reads sentences, not documents, so the sample is of sentences that could state a
quantity (a digit, ``百分之``, or a Chinese numeral before a counting word), drawn without looking
at what the extractor makes of them: from the seed releases (all of them, the acceptance set),
the national government work reports and the real corpus. The split is by release — a whole
report or corpus document is dev or test — and the order is a hash, so that adding a source does
not reshuffle the others. ``docs/figures-labelling.md`` says how each sentence is labelled.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

#: A sentence: up to 。！？；, a line break, or the end of the text.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
#: What could be a quantity: digits, 百分之, a numeral before a counting word or time unit.
_NUMERIC = re.compile(
    r"[0-9０-９]|百分之|千分之"
    r"|[一二两兩三四五六七八九十百千万萬亿億半][个個项項件户戶家次人名条條份批场場天日小分倍]"
)
MIN_CHARS = 8
MAX_CHARS = 300

#: Per source: how many documents and sentences per document (the seeds are taken whole).
NATIONAL_REPORTS = 40
NATIONAL_PER_REPORT = 3
#: Further sentences of each dev report, added to widen dev beyond the seeds' genre.
NATIONAL_DEV_EXTRA = 4
REAL_SAMPLE = {  # source → (sentences, at most per document)
    "govcn": (80, 2),
    "ey_gazette": (40, 1),
    "tainan": (30, 1),
    "lawrefbook": (40, 1),  # dev: laws and regulations, the genre of govcn's State Council texts
}
#: Sources whose documents are all test for metadata parsing (``documents.corpus.sources``),
#: so that dev had none of their genre. The documents after those of the sample above (in
#: the same hash order) give a dev sample of the genre: no document is in both.
REAL_DEV_SAMPLE = {  # source → (sentences, at most per document)
    "govcn": (40, 2),  # every gov.cn document outside the test sample: 40 sentences in all
    "ey_gazette": (80, 1),
}


@dataclass(frozen=True, slots=True)
class Sampled:
    """One sentence to label, with where it comes from."""

    id: str
    source: str  # seed, national, or a real-corpus source
    release: str  # the release it belongs to (the unit of the dev/test split)
    split: str
    sentence: str
    doc: str = ""  # real corpus: the document's corpus id
    start: int = 0  # real corpus: offsets of the sentence in the document's text
    end: int = 0


def numeric_sentences(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, sentence) of each sentence that could state a quantity."""
    for match in _SENTENCE.finditer(text):
        raw = match.group()
        sentence = raw.strip()
        if MIN_CHARS <= len(sentence) <= MAX_CHARS and _NUMERIC.search(sentence):
            start = match.start() + (len(raw) - len(raw.lstrip()))
            yield start, start + len(sentence), sentence


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()  # noqa: S324 - an order, not security


def split_of(release: str) -> str:
    """dev or test, by the release's name: about half each, stable across runs."""
    return "dev" if int(digest(release)[:8], 16) % 2 == 0 else "test"


def seed_sentences(seeds: Path) -> list[Sampled]:
    """Every numeric sentence of the seed releases (dev: the rules are tuned on them)."""
    rows = []
    for path in sorted(seeds.glob("0*.txt")):
        text = path.read_text(encoding="utf-8")
        for n, (_s, _e, sentence) in enumerate(numeric_sentences(text)):
            rows.append(
                Sampled(f"seed-{path.stem[:3]}-{n:03d}", "seed", path.name, "dev", sentence)
            )
    return rows


def national_sentences(corpus: Path) -> list[Sampled]:
    """A few numeric sentences from each of a hash-chosen set of national work reports."""
    reports = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    reports.sort(key=lambda r: digest(r["title"]))
    rows = []
    for report in reports[:NATIONAL_REPORTS]:
        release = f"national:{report['title']}"
        found = sorted(numeric_sentences(report["content"]), key=lambda s: digest(s[2]))
        wanted = NATIONAL_PER_REPORT + (NATIONAL_DEV_EXTRA if split_of(release) == "dev" else 0)
        for start, _end, sentence in sorted(found[:wanted]):
            key = digest(release)[:6]
            rows.append(
                Sampled(f"national-{key}-{start}", "national", release, split_of(release), sentence)
            )
    return rows


def real_sentences(truth: Path) -> list[Sampled]:
    """Sentences of the real corpus, a few per document, in each document's own split; then
    the dev sample of the test-only sources, from documents the first sample did not use."""
    if not truth.exists():
        return []
    docs = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    rows = []
    for source, (wanted, per_doc) in REAL_SAMPLE.items():
        ordered = sorted((d for d in docs if d["source"] == source), key=lambda d: digest(d["id"]))
        picked, used = _draw(ordered, wanted, per_doc, split=None)
        rows.extend(picked)
        if source in REAL_DEV_SAMPLE:
            more, per = REAL_DEV_SAMPLE[source]
            rows.extend(_draw(ordered[used:], more, per, split="dev")[0])
    return rows


def _draw(
    docs: list[dict], wanted: int, per_doc: int, *, split: str | None
) -> tuple[list[Sampled], int]:
    """Up to ``wanted`` sentences, ``per_doc`` at most from each of ``docs`` in order, and how
    many documents that read. ``split``: the one to give them (``None``: each document's)."""
    picked: list[Sampled] = []
    read = 0
    for doc in docs:
        if len(picked) >= wanted:
            break
        read += 1
        found = sorted(numeric_sentences(doc["text"]), key=lambda s: digest(s[2]))
        for start, end, sentence in sorted(found[:per_doc]):
            picked.append(
                Sampled(
                    f"{doc['id']}-{start}",
                    doc["source"],
                    doc["id"],
                    split or doc["split"],
                    sentence,
                    doc=doc["id"],
                    start=start,
                    end=end,
                )
            )
    return picked[:wanted], read


def sample(root: Path, real_corpus: Path) -> list[Sampled]:
    """The whole sample: seeds, national reports, real corpus (when it has been built)."""
    return [
        *seed_sentences(root / "fixtures" / "seeds"),
        *national_sentences(
            root / "fixtures" / "corpora" / "national-government-work-reports.jsonl"
        ),
        *real_sentences(real_corpus / "truth.jsonl"),
    ]


def as_json(row: Sampled) -> str:
    return json.dumps(asdict(row), ensure_ascii=False)
