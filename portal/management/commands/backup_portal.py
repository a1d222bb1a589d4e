"""``manage.py backup_portal [--output PATH]``: one archive of the database, originals and index.

Safe while the site runs (see ``portal.backup``); ``restore_portal`` reads the archive back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.backup import DATABASE_FORMATS, BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database, the uploaded originals and the search index to one archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="archive to write (.tar.gz, or .tar for no compression); "
            "default DATA_DIR/backups/portal-YYYYmmdd-HHMMSS.tar.gz",
        )
        parser.add_argument(
            "--include-secret",
            action="store_true",
            help="also store DATA_DIR/secret_key (logins survive a restore; keep the archive safe)",
        )
        parser.add_argument(
            "--database-format",
            choices=DATABASE_FORMATS,
            help="sqlite: a snapshot of the SQLite file; json: dumpdata of every app, for any "
            "engine (default: sqlite on SQLite, json otherwise)",
        )

    def handle(
        self,
        *args: Any,
        output: Path | None,
        include_secret: bool,
        database_format: str | None,
        **options: Any,
    ) -> None:
        try:
            result = create_backup(
                output, include_secret=include_secret, database_format=database_format
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(f"backup written: {result.path} ({result.size / 1048576:.1f} MB)")
        )
        self.stdout.write(
            f"  database ({result.database_format}): {counts.releases} releases, "
            f"{counts.sections} sections, {counts.originals} with an original"
        )
        self.stdout.write(
            f"  files: {result.media_files} under media/, {result.index_files} of the index"
        )
        self.stdout.write(f"  took {result.seconds:.1f} s")
