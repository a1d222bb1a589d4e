"""``manage.py figures_eval``: precision and recall of the figure extractor, labelled sentences."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quality.figures.evaluate import SplitReport, evaluate
from quality.figures.labelled import LABELLED_PATH, read_labelled, resolve

#: The targets of issue 20, for the (measure, value, unit) triple on test.
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.85


class Command(BaseCommand):
    help = (
        "Score the figure extractor against fixtures/figures/labelled.jsonl: precision and "
        "recall of the (measure, value, unit) triple per split, test being the one reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("--labels", type=Path, help="labelled sentences (JSONL)")
        parser.add_argument(
            "--real-corpus",
            type=Path,
            help="folder of the built real corpus (default var/real-corpus)",
        )
        parser.add_argument("--errors", choices=("dev", "test"), help="list the split's errors")
        parser.add_argument("--json", type=Path, help="also write the scores to this file")

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        labels = options["labels"] or base / LABELLED_PATH
        real = options["real_corpus"] or base / "var" / "real-corpus"
        if not labels.exists():
            raise CommandError(f"no labelled figures at {labels}")
        try:
            rows, missing = resolve(read_labelled(labels), real / "truth.jsonl")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        reports = evaluate(rows)
        if missing:
            self.stdout.write(
                f"{len(missing)} real-corpus sentences left out (build it with "
                f"`manage.py build_real_corpus`): {missing[0]}"
            )
        for split in ("dev", "test", "all"):
            if split in reports:
                self.stdout.write(self._lines(split, reports[split]))
        test = reports.get("test")
        if test:
            verdict = (
                "met"
                if test.triple.precision >= PRECISION_TARGET and test.triple.recall >= RECALL_TARGET
                else "not met"
            )
            self.stdout.write(
                f"targets on test (measure, value, unit: precision ≥ {PRECISION_TARGET}, recall ≥ "
                f"{RECALL_TARGET}): {verdict}"
            )
        if options["errors"] and options["errors"] in reports:
            for error in reports[options["errors"]].errors:
                self.stdout.write(
                    f"- {error['id']}: {error['sentence']}\n"
                    f"    missed {error['missed']}  wrong {error['wrong']}"
                )
        if options["json"]:
            data = {split: report.as_dict() for split, report in reports.items()}
            data["left_out"] = missing
            options["json"].write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    @staticmethod
    def _lines(split: str, report: SplitReport) -> str:
        def row(name: str, score) -> str:
            return (
                f"  {name:<24} precision {score.precision:.3f}  recall {score.recall:.3f}  "
                f"({score.matched} of {score.found} found, {score.truth} labelled)"
            )

        lines = [f"{split}: {report.sentences} sentences"]
        lines.append(row("measure, value, unit", report.triple))
        lines.append(row("  … charted (certain)", report.triple_certain))
        lines.append(row("value, unit", report.number))
        for measure, score in sorted(report.measures.items(), key=lambda m: -m[1].truth):
            lines.append(row(f"  {measure}", score))
        return "\n".join(lines)
