"""``manage.py ensure_search_index``: rebuild the index only when it does not match.

``make run`` and ``make test`` call it on every start: a fresh checkout, a changed analyzer or
dictionary, or a database edited while the index was elsewhere all end with a correct index,
and an index that is already right costs a count, not a rebuild. The rebuild is
``search.indexing.rebuild.rebuild_all`` (one pass, one commit, analysed on every core), not
haystack's ``rebuild_index``, which empties the live index and then commits batch after batch
(this project refuses it, and ``clear_index``, with a pointer here). ``--rebuild`` forces one.
The new index is built beside the live one and swapped in, so the site keeps searching
throughout: for Whoosh a new
generation directory, for Elasticsearch a new index that the alias is moved to in one atomic
request, after which releases published meanwhile are re-synced and the old index deleted.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from search.engines import backend_for
from search.engines.base import SearchUnavailable
from search.indexing.rebuild import rebuild_all
from search.indexing.state import index_state


class Command(BaseCommand):
    help = "Rebuild the search index if it is missing, stale or out of step with the database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="only report; exit 1 if stale")
        parser.add_argument(
            "--rebuild", action="store_true", help="rebuild even if it looks up to date"
        )

    def handle(self, *args: Any, check: bool, rebuild: bool, **options: Any) -> None:
        try:
            self.ensure(check=check, rebuild=rebuild)
        except SearchUnavailable as exc:
            raise CommandError(str(exc)) from exc

    def ensure(self, *, check: bool, rebuild: bool) -> None:
        """Report, or rebuild when needed (or asked), and say what is live afterwards."""
        state = index_state()
        summary = f"{state.indexed} sections indexed, {state.expected} published"
        if state.healthy and not rebuild:
            self.stdout.write(f"search index up to date ({summary})")
            return
        reason = "built by other code" if not state.fingerprint_ok else summary
        if rebuild and state.healthy:
            reason = f"asked to; {summary}"
        if check:
            self.stderr.write(f"search index needs a rebuild: {reason}")
            raise SystemExit(1)
        self.stdout.write(f"rebuilding the search index ({reason}) …")
        started = time.perf_counter()
        added = rebuild_all()
        took = time.perf_counter() - started
        self.stdout.write(
            f"search index rebuilt: {index_state().indexed} sections "
            f"({added} written in {took:.1f} s)"
        )
        live = backend_for().describe_live()
        if live:
            self.stdout.write(live)
