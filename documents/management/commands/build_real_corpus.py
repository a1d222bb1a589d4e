"""``manage.py build_real_corpus``: the labelled real corpus, built locally from snapshots.

The documents come from repositories fetched into ``/work/.mirror``; they are never committed —
the corpus is written under ``var/`` (ignored by git). See ``documents.corpus`` and
``fixtures/corpora/README.md`` for the sources, their truth and the dev/test split.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from documents.corpus.build import DEFAULT_LIMIT, build


class Command(BaseCommand):
    help = "Build var/real-corpus (truth.jsonl, variants.jsonl, files/) from fetched snapshots."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
        parser.add_argument("--out", type=Path, default=Path("var/real-corpus"))
        parser.add_argument("--limit-per-source", type=int, default=DEFAULT_LIMIT)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["mirror"].is_dir():
            raise CommandError(f"no snapshots at {options['mirror']}")
        counts = build(
            options["mirror"],
            options["out"],
            limit=options["limit_per_source"],
            say=self.stderr.write,
        )
        if not counts["documents"]:
            raise CommandError("no snapshot could be read: nothing built")
        self.stdout.write(
            f"{counts['documents']} documents, {counts['files']} files, "
            f"{counts['bytes'] / 1e6:.1f} MB in {options['out']}"
        )
        for key in ("by_split", "by_source", "by_kind", "by_variant"):
            self.stdout.write(f"{key}:")
            for name, count in sorted(counts[key].items()):
                self.stdout.write(f"  {name:<28}{count:>6}")
        if counts["missing_sources"]:
            self.stdout.write("sources without documents: " + ", ".join(counts["missing_sources"]))
