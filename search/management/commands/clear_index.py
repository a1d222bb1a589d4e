"""``manage.py clear_index``: refused; an empty live index answers every search wrongly."""

from search.management.commands._refused import RefusedCommand


class Command(RefusedCommand):
    help = "Refused here: use ensure_search_index --rebuild to replace the index."
    why = (
        "haystack's clear_index leaves the live search index empty, so every search would "
        "find nothing; to replace the index, rebuild it beside the live one."
    )
