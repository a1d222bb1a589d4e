"""The benchmark corpus: the seed releases and national reports, copied across cities and years.

Each copy gets another city, another year and date, a title naming both and a lead line of its
own, so that no two copies are the same content (they would collapse as duplicates) while the
text stays real Chinese government prose. The build is deterministic: the same size gives the
same corpus, so runs can be compared.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from documents import gazetteer as gz

DEFAULT_RELEASES = 1000
MIN_CHARS = 15_000_000


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    text: str


def sources() -> list[Source]:
    """The real texts copies are made from: the national reports and the five seeds."""
    base = Path(settings.BASE_DIR) / "fixtures"
    found = []
    corpus = base / "corpora" / "national-government-work-reports.jsonl"
    for line in corpus.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        found.append(Source(record["title"], record["content"]))
    for path in sorted((base / "seeds").glob("[0-9]*.txt")):
        text = path.read_text(encoding="utf-8")
        found.append(Source("", text))
    return found


def build_rows(releases: int = DEFAULT_RELEASES, min_chars: int = MIN_CHARS) -> Iterator[dict]:
    """Bulk-import rows (title, region, date, source, text): ≥ ``releases`` and ≥ ``min_chars``."""
    texts = sources()
    cities = [p for p in gz.places() if p.level == gz.Level.CITY]
    rng = random.Random(20261123)  # noqa: S311 - a reproducible corpus, not a secret
    chars = 0
    number = 0
    while number < releases or chars < min_chars * releases / DEFAULT_RELEASES:
        source = texts[number % len(texts)]
        city = cities[rng.randrange(len(cities))]
        year = 2014 + rng.randrange(12)
        day = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        lead = f"（{city.name}{year}年第{number + 1}号通报，据{city.name}人民政府网整理。）"
        first, _, rest = source.text.partition("\n")  # after the title line, if there is one
        text = f"{first}\n\n{lead}\n\n{rest}"
        title = f"{city.name}{year}年{source.title}" if source.title else ""
        chars += len(text)
        number += 1
        yield {
            "title": title,
            "region": city.code,
            "date": day,
            "source": f"https://bench.invalid/{number}",
            "text": text,
        }


def write_corpus(folder: Path, releases: int) -> tuple[list[Path], int, int]:
    """Write the corpus as JSON Lines files, each within the import's file-size limit.

    Returns the files, the number of releases and the characters of text. A site's bulk
    files are of that size too: ``import_releases`` refuses larger ones.
    """
    limit = settings.PORTAL_MAX_UPLOAD_BYTES * 3 // 4
    files: list[Path] = []
    count = chars = size = 0
    out = None
    try:
        for row in build_rows(releases):
            line = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
            if out is None or size + len(line) > limit:
                if out is not None:
                    out.close()
                files.append(folder / f"corpus-{len(files) + 1:02d}.jsonl")
                out = files[-1].open("wb")
                size = 0
            out.write(line)
            size += len(line)
            count += 1
            chars += len(row["text"])
    finally:
        if out is not None:
            out.close()
    return files, count, chars
