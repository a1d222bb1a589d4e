"""Keeping the search index in step with the database, whatever the engine.

``signals`` hears what ``documents`` changed and queues the releases per transaction
(``pending``); after the commit ``sync`` replaces those releases in every engine, ``later``
hands them to the worker when the index is busy, ``state`` records on each release what the
index took, and ``repair`` is the worker's periodic catch-up of what was lost.
``rebuild`` builds a whole index beside the live one; ``drift`` compares index and database
section by section for ``check_search_index``. Only ``search.engines.base`` is called.
"""
