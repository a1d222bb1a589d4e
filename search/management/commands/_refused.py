"""haystack's commands that would empty the live index, refused with a pointer to ours.

haystack's ``rebuild_index`` clears the index and refills it batch by batch, so searches
find nothing, then part of the library, until it ends; ``clear_index`` leaves it empty.
``ensure_search_index --rebuild`` builds the new index beside the live one and swaps it in.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class RefusedCommand(BaseCommand):
    """A command name kept only to say which command to run instead."""

    instead = "python manage.py ensure_search_index --rebuild"
    why = ""

    def add_arguments(self, parser: Any) -> None:
        # haystack's options, accepted so the refusal (not an argument error) is what is shown.
        parser.add_argument("args", nargs="*")
        parser.add_argument("--noinput", "--no-input", action="store_true")
        parser.add_argument("-u", "--using", action="append")
        parser.add_argument("-k", "--workers", type=int)
        parser.add_argument("-b", "--batch-size", type=int)
        parser.add_argument("-r", "--remove", action="store_true")
        parser.add_argument("--nocommit", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(f"{self.why} Run instead: {self.instead}")
