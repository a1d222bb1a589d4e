"""The engine-neutral meaning of a search: analysis, the query language, a request's filters,
the plan every engine answers, ranking, facets, paging, highlights and explanations.

Depends on ``search.engines.base`` only, never on an engine: the page, the API, the feed and
the evaluation get the same answers whichever engine is configured."""
