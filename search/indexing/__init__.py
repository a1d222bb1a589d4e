"""Keeping the search index in step with the database, whatever the engine.

``signals`` hears what ``documents`` changed and queues the releases per transaction
(``pending``); after the commit ``sync`` replaces those releases in every engine, ``retry``
takes over when the index is busy, and ``state`` records on each release what the index took.
``rebuild`` builds a whole index beside the live one; ``drift`` compares index and database
section by section for ``check_search_index``. Only ``search.engines.base`` is called.
"""
