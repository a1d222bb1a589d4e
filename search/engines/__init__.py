"""The search engines behind the portal, each a haystack backend implementing
``base.PortalBackend``.

``whoosh`` is the embedded default (an index on disk, no server); ``elasticsearch`` is the
distributed one, chosen by settings alone (``SEARCH_ENGINE``). Code outside this package gets
an engine through ``backend_for`` and calls only what ``base.PortalBackend`` declares.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from haystack import connections

from search.engines.base import PortalBackend


def backend_for(alias: str = "default") -> PortalBackend:
    """The configured engine of connection ``alias``, checked to keep the portal's contract."""
    backend = connections[alias].get_backend()
    if not isinstance(backend, PortalBackend):
        raise ImproperlyConfigured(
            f"the search connection {alias!r} uses {type(backend).__module__}."
            f"{type(backend).__qualname__}, which does not implement "
            "search.engines.base.PortalBackend; set SEARCH_ENGINE to whoosh, elasticsearch "
            "or an engine whose backend subclasses PortalBackend"
        )
    return backend
