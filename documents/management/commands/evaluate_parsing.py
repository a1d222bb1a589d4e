"""``manage.py evaluate_parsing``: parsing accuracy per field on the labelled corpora, dev and test.

Every variant goes through the real upload path (``parse_upload``; nothing is stored). Rules are
tuned on dev; test is only scored — read its misses as counts, not as a to-do list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from documents.corpus.evaluate import default_cases, run
from documents.corpus.scoring import FIELDS, markdown_table, table


class Command(BaseCommand):
    help = "Score parsing (title, region, 文号, dates, kind, furniture …) on the labelled corpora."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--corpus", type=Path, action="append", default=[], help="corpus folder"
        )
        parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
        parser.add_argument("--json", type=Path, default=None, help="report path")
        parser.add_argument("--misses", type=int, default=10, help="misses listed per field")
        parser.add_argument("--repo-only", action="store_true", help="only the in-repo set")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--markdown", type=Path, default=None, help="also write the table as Markdown here"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.BASE_DIR)
        cases = default_cases(root, options["corpus"], repo_only=options["repo_only"])
        if options["split"] != "all":
            cases = [c for c in cases if c.doc.split == options["split"]]
        report = run(cases, workers=options["workers"], misses=options["misses"])
        target = options["json"] or Path(settings.DATA_DIR) / "parse_eval" / "latest.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(
            f"{report['documents']} documents, {report['files']} files, "
            f"{report['errors']} unreadable, {report['wall_s']} s wall "
            f"({report['workers']} workers)"
        )
        self.stdout.write(table(report["summary"]))
        for split, fields in report["misses"].items():
            for field in FIELDS:
                for miss in fields.get(field, []):
                    self.stdout.write(
                        f"MISS {split} {field}: {miss['file']} | expected {miss['expected']!r}"
                        f" | got {miss['got']!r}"
                    )
        if options["markdown"] is not None:
            options["markdown"].write_text(
                markdown_table(report["summary"]) + "\n", encoding="utf-8"
            )
        self.stdout.write(f"report: {target}")
