"""The distributed engine: haystack's Elasticsearch 7 backend with the portal's mapping
(``mapping``), the same plan as JSON queries (``query``) and highlights mapped back to the text
as written (``highlight``); rebuilt beside the live index and swapped by alias."""
