"""``manage.py import_releases PATH...``: import release files and folders, reporting each."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from documents.ingest.records import RECORD_SUFFIXES
from documents.regions import load_regions
from documents.services import Outcome, import_records, import_release, iter_input_files


class Command(BaseCommand):
    help = (
        "Import release files (text in any Chinese encoding, .jsonl/.csv bulk files) and folders."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders")
        parser.add_argument(
            "--publish", action="store_true", help="publish at once (default: save as draft)"
        )

    def handle(self, *args: Any, paths: list[Path], publish: bool, **options: Any) -> None:
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"not found: {', '.join(missing)}")
        load_regions()
        counts: Counter[Outcome] = Counter()
        for path, preset in iter_input_files(paths):
            if preset is Outcome.SKIPPED:
                counts[preset] += 1
                self.stdout.write(f"skipped    {path}  (unsupported file type {path.suffix!r})")
                continue
            try:
                data = path.read_bytes()
            except OSError as exc:
                counts[Outcome.FAILED] += 1
                self.stdout.write(self.style.ERROR(f"failed     {path}  ({exc.strerror})"))
                continue
            if path.suffix.lower() in RECORD_SUFFIXES:
                for result in import_records(data, filename=path.name, publish=publish):
                    counts[result.outcome] += 1
                    self._report(f"{path.parent / result.name}", result)
                continue
            result = import_release(data, filename=path.name, publish=publish)
            counts[result.outcome] += 1
            self._report(path, result)
        summary = ", ".join(f"{counts[o]} {o.value}" for o in Outcome)
        self.stdout.write(f"summary: {summary}")
        if counts[Outcome.FAILED]:
            raise CommandError(f"{counts[Outcome.FAILED]} file(s) could not be imported")

    def _report(self, path: Path, result: Any) -> None:
        if result.outcome is Outcome.IMPORTED:
            release = result.release
            region = release.region.name if release.region else "?"
            line = (
                f"imported   {path}  → #{release.pk} {release.title[:40]} "
                f"[{region}, {release.published or release.published_text or '日期不详'}, "
                f"{release.get_kind_display()}, {release.sections.count()} sections]"
            )
            self.stdout.write(self.style.SUCCESS(line))
            for warning in result.warnings:
                self.stdout.write(f"           ! {warning}")
        elif result.outcome is Outcome.DUPLICATE:
            self.stdout.write(self.style.WARNING(f"duplicate  {path}  ({result.message})"))
        else:
            self.stdout.write(self.style.ERROR(f"failed     {path}  ({result.message})"))
