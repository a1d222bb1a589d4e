"""``manage.py restore_portal ARCHIVE [--force]``: put a ``backup_portal`` archive back.

Everything is verified before anything is replaced, and replaced all at once (see
``portal.backup``); stop the site first. Ends with the index checked against the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore the database, the uploaded originals and the search index from an archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path, help="an archive written by backup_portal")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of an instance that is not empty",
        )

    def handle(self, *args: Any, archive: Path, force: bool, **options: Any) -> None:
        try:
            result = restore_backup(archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(f"restored {archive} (backup of {result.created}, verified)")
        )
        self.stdout.write(
            f"  database ({result.database_format}): {counts.releases} releases, "
            f"{counts.sections} sections, {counts.originals} with an original"
        )
        self.stdout.write(f"  files: {result.media_files} under media/")
        if result.migrated:
            self.stdout.write("  database migrated to this code's schema")
        self.stdout.write(f"  search index: {result.index}; drift {result.drift}")
        self.stdout.write(f"  took {result.seconds:.1f} s")
        if not settings.DEBUG:
            # Static files are not in a backup (the code ships them): a production instance
            # serves them only once collected.
            call_command("collectstatic", "--noinput", verbosity=0)
            self.stdout.write(f"  static files collected into {settings.STATIC_ROOT}")
        if result.drift:
            raise CommandError(
                f"the index still differs from the database in {result.drift} section(s): "
                "run manage.py check_search_index --repair"
            )
