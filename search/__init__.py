"""Finding sections of releases, whatever the engine.

``core`` says what a search means and ranks it; ``engines`` answer it (``base`` is the
contract, ``whoosh`` and ``elasticsearch`` implement it); ``indexing`` keeps the index in step
with ``documents``, which it hears through signals; ``web`` serves the page, API and feed.
``search_indexes`` is haystack's description of one section as a document. See
docs/architecture.md for the flow."""
