"""Finding releases: analysis, indexes, query parsing and search views (see the search issue)."""
