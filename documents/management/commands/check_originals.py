"""``manage.py check_originals [--repair]``: uploaded originals on disk against the database."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from documents.originals import GRACE_SECONDS, check_originals


class Command(BaseCommand):
    help = (
        "List originals on disk that no release points to (orphans) and releases whose "
        "original file is missing; --repair deletes orphans older than "
        f"{GRACE_SECONDS // 60} minutes and clears the missing originals' references. "
        "Exits 1 when drift remains."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="fix what is found")
        parser.add_argument(
            "--grace",
            type=int,
            default=GRACE_SECONDS,
            metavar="SECONDS",
            help=f"orphans younger than this are left alone (default {GRACE_SECONDS})",
        )

    def handle(self, *args, **options):
        report = check_originals(repair=options["repair"], grace=options["grace"])
        self.stdout.write(
            f"{report.files} original file(s) on disk, {report.referenced} referenced by releases"
        )
        for name in report.orphans:
            self.stdout.write(f"orphan: {name}" + (" (deleted)" if options["repair"] else ""))
        for name in report.young_orphans:
            self.stdout.write(f"orphan, too recent to touch (an import may be committing): {name}")
        for pk, name in report.missing:
            action = " (reference cleared)" if options["repair"] else ""
            self.stdout.write(f"missing: release {pk} points to {name}{action}")
        if options["repair"]:
            self.stdout.write(
                f"repaired: {report.deleted} orphan(s) deleted, {report.cleared} reference(s) "
                "cleared"
            )
        elif not report.clean:
            raise CommandError(
                f"{len(report.orphans)} orphan file(s), {len(report.missing)} missing original(s):"
                " run with --repair"
            )
