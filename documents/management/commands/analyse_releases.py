"""``manage.py analyse_releases``: tag sections with topics and extract figures where outdated.

Run after changing ``fixtures/topics.yaml`` (``make run`` and ``make test`` run it anyway): it
re-analyses exactly the releases analysed with another thesaurus or other figure rules, so on
an up-to-date database it is one query.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from documents.models import Release
from documents.section_analysis import analyse_releases, outdated_releases
from documents.topics import ThesaurusError


class Command(BaseCommand):
    help = "Tag sections with thesaurus topics and extract figures (outdated releases only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Re-analyse every release, not only outdated ones."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            chosen = Release.objects.all() if options["all"] else outdated_releases()
            pks = list(chosen.order_by("pk").values_list("pk", flat=True))
            done = analyse_releases(Release.objects.get(pk=pk) for pk in pks)
        except ThesaurusError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{done.releases} release(s) analysed: {done.tagged_sections} section(s) tagged, "
            f"{done.figures} figure(s), {time.perf_counter() - started:.1f} s."
            + (
                f" {done.failed_sections} section(s) could not be analysed (see the log)."
                if done.failed_sections
                else ""
            )
        )
