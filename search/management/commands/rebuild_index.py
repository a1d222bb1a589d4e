"""``manage.py rebuild_index``: refused; haystack's version empties the live index first."""

from search.management.commands._refused import RefusedCommand


class Command(RefusedCommand):
    help = "Refused here: use ensure_search_index --rebuild (builds beside, then swaps)."
    why = (
        "haystack's rebuild_index empties the live search index before refilling it, so "
        "searches would miss releases until it ends; this portal rebuilds beside the live "
        "index and swaps it in."
    )
