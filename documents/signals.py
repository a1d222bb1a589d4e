"""Signals the documents app sends where Django sends none.

``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` write rows without
``post_save``, so anything that follows releases and sections (the search index) would miss
them. The querysets of ``Release`` and ``Section`` send ``rows_changed`` instead, naming the
releases whose rows they touched.
"""

from django.dispatch import Signal

#: Sent with ``sender`` (the model) and ``release_ids`` (a set of release primary keys).
rows_changed = Signal()
