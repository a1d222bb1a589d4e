"""The embedded engine: haystack's Whoosh backend with the portal's schema (``fields``),
candidate-then-exact matching (``matching``), more-like-this (``similar``), index generations
and the write lock (``storage``) and multi-process bulk writes (``writing``)."""
