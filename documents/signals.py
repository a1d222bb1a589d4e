"""Signals the documents app sends where Django sends none.

``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` write rows without
``post_save``, so anything that follows releases and sections (the search index) would miss
them. The querysets of ``Release`` and ``Section`` send ``rows_changed`` instead, naming the
releases whose rows they touched. A bulk import announces itself with
``bulk_import_started``, so a listener can follow its releases as they are stored. The
``documents`` app never imports what listens (the search index): it only announces.
"""

from django.dispatch import Signal

#: Sent with ``sender`` (the model) and ``release_ids`` (a set of release primary keys).
rows_changed = Signal()

#: Sent with ``sender`` (``Release``) before a bulk import stores its first release. A
#: receiver may return a listener — ``add(release)`` after each release stored,
#: ``commit()`` once the import's transaction has committed, ``cancel()`` at the end in any
#: case — or ``None``. The search index streams a long import this way, instead of taking
#: every release at once after the commit.
bulk_import_started = Signal()
