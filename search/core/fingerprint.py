"""What an index records about the code that built it, so a stale index is found, not trusted.

A stale index does not fail loudly by itself: it just misses text analysed differently. Every
engine stores this fingerprint when it builds an index (``PortalBackend.read_meta`` returns
it), and ``ensure_search_index``, the system checks and backups compare it with the code's.
"""

from __future__ import annotations

from typing import Any

from search.core.analysis import policy_terms_digest

#: Bump whenever the analyzer, the fields or their meaning change: the index must be rebuilt.
#: 6: the Whoosh classes pickled in an index moved to ``search.engines.whoosh``.
#: 8: texts in mapped columns, nothing stored, per-section values as columns without terms.
SEARCH_SCHEMA_VERSION = 8


def index_fingerprint() -> dict[str, Any]:
    """What an index built now would record about itself."""
    return {"schema_version": SEARCH_SCHEMA_VERSION, "dictionary": policy_terms_digest()}
