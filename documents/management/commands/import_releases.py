"""``manage.py import_releases PATH...``: import release files and folders, reporting each.

``--dry-run`` parses everything and prints what would be imported, with the detected metadata,
as a table; nothing is written. Long runs show a progress bar (on a terminal) and every run
ends with a summary.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.ingest.records import RECORD_SUFFIXES
from documents.progress import Progress
from documents.regions import load_regions
from documents.services import (
    ImportResult,
    Outcome,
    import_records,
    import_release,
    iter_input_files,
)

TABLE_COLUMNS = (
    ("outcome", 12),
    ("file", 34),
    ("title", 36),
    ("region", 12),
    ("date", 10),
    ("kind", 16),
    ("sections", 8),
)


class Command(BaseCommand):
    help = (
        "Import release files (text in any Chinese encoding; .jsonl/.csv bulk files) and "
        "folders; --dry-run shows what would be imported."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders")
        parser.add_argument(
            "--publish", action="store_true", help="publish at once (default: save as draft)"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="parse and report the detected metadata as a table; write nothing",
        )

    def handle(
        self, *args: Any, paths: list[Path], publish: bool, dry_run: bool, **options: Any
    ) -> None:
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"not found: {', '.join(missing)}")
        load_regions()
        self.dry_run = dry_run
        counts: Counter[Outcome] = Counter()
        files = iter_input_files(paths)
        if dry_run:
            self.stdout.write(_row([name for name, _width in TABLE_COLUMNS]))
        progress = Progress(len(files), self.stderr._out, label="files ")
        for path, preset in files:
            for result in self._import(path, preset, publish):
                counts[result.outcome] += 1
                self._report(path, result)
            progress.step()
        progress.close()
        # "would import" appears only in dry runs; the other outcomes are always counted.
        shown = [o for o in Outcome if counts[o] or o is not Outcome.WOULD_IMPORT]
        summary = ", ".join(f"{counts[o]} {o.value}" for o in shown)
        self.stdout.write(f"summary: {summary}")
        if counts[Outcome.FAILED]:
            raise CommandError(
                f"{counts[Outcome.FAILED]} file(s) or record(s) could not be imported"
            )

    def _import(self, path: Path, preset: Outcome | None, publish: bool) -> list[ImportResult]:
        if preset is Outcome.SKIPPED:
            return [
                ImportResult(path.name, Outcome.SKIPPED, f"unsupported file type {path.suffix!r}")
            ]
        limit = settings.PORTAL_MAX_UPLOAD_BYTES
        try:
            size = path.stat().st_size
            if size > limit:
                message = f"文件过大（{size / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB）"
                return [ImportResult(path.name, Outcome.FAILED, message)]
            data = path.read_bytes()
        except OSError as exc:
            return [ImportResult(path.name, Outcome.FAILED, exc.strerror or str(exc))]
        if path.suffix.lower() in RECORD_SUFFIXES:
            progress = Progress(0, self.stderr._out, label=f"{path.name} ")

            def step(result: ImportResult, total: int) -> None:
                progress.total = total  # known once the file is read
                progress.step()

            results = import_records(
                data, filename=path.name, publish=publish, dry_run=self.dry_run, on_result=step
            )
            progress.close()
            return results
        return [import_release(data, filename=path.name, publish=publish, dry_run=self.dry_run)]

    def _report(self, path: Path, result: ImportResult) -> None:
        shown = path.parent / result.name if ":" in result.name else path
        if self.dry_run:
            self._report_row(shown, result)
            return
        if result.outcome is Outcome.IMPORTED:
            release = result.release
            region = release.region.name if release.region else "?"
            line = (
                f"imported   {shown}  → #{release.pk} {release.title[:40]} "
                f"[{region}, {release.published or release.published_text or '日期不详'}, "
                f"{release.get_kind_display()}, {release.sections.count()} sections]"
            )
            self.stdout.write(self.style.SUCCESS(line))
            for warning in result.warnings:
                self.stdout.write(f"           ! {warning}")
        elif result.outcome is Outcome.DUPLICATE:
            self.stdout.write(self.style.WARNING(f"duplicate  {shown}  ({result.message})"))
        elif result.outcome is Outcome.SKIPPED:
            self.stdout.write(f"skipped    {shown}  ({result.message})")
        else:
            self.stdout.write(self.style.ERROR(f"failed     {shown}  ({result.message})"))

    def _report_row(self, shown: Path, result: ImportResult) -> None:
        parsed = result.parsed if result.outcome is Outcome.WOULD_IMPORT else None
        if parsed is None:
            cells = [
                result.outcome.value,
                _tail(str(shown), TABLE_COLUMNS[1][1]),
                result.message,
                "",
                "",
                "",
                "",
            ]
        else:
            meta = parsed.metadata
            date = meta.published.value.isoformat() if meta.published.value else "?"
            cells = [
                result.outcome.value,
                _tail(str(shown), TABLE_COLUMNS[1][1]),
                meta.title,
                meta.region.name if meta.region else "?",
                date,
                meta.kind.value,
                str(len(parsed.sections)),
            ]
        self.stdout.write(_row(cells))
        for warning in result.warnings:
            self.stdout.write(f"{'':12}  ! {warning}")


def _tail(text: str, width: int) -> str:
    """The end of a path (its name and record line matter most), marked when cut."""
    return text if _width(text) <= width else "…" + text[-(width - 1) :]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Cut or pad ``text`` to ``width`` terminal columns (CJK characters take two)."""
    out, used = [], 0
    for ch in text.replace("\n", " "):
        w = _width(ch)
        if used + w > width - (1 if _width(text) > width else 0):
            out.append("…")
            used += 1
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * max(0, width - used)


def _row(cells: list[str]) -> str:
    return "  ".join(
        _fit(cell, width) for cell, (_name, width) in zip(cells, TABLE_COLUMNS, strict=True)
    ).rstrip()
