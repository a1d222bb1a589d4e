"""System checks: a missing dictionary or an index built by other code is reported at start-up.

A stale index does not fail loudly by itself: it just misses text analysed differently. So
the index's recorded schema version and dictionary fingerprint are compared with the code's.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register("search")
def check_policy_terms(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The policy-term dictionary must exist and be readable."""
    from search.core.analysis import read_policy_terms

    path = settings.SEARCH_POLICY_TERMS
    try:
        terms = read_policy_terms()
    except (OSError, UnicodeDecodeError) as exc:
        return [
            Error(
                f"cannot read the policy-term dictionary {path}: {exc}",
                hint="Set SEARCH_POLICY_TERMS to a UTF-8 file, one term per line.",
                id="search.E001",
            )
        ]
    if not terms:
        return [Warning(f"the policy-term dictionary {path} is empty", id="search.W002")]
    return []


@register("search")
def check_index_fingerprint(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An index built with another schema version or dictionary must be rebuilt."""
    from django.core.exceptions import ImproperlyConfigured

    from search.core.fingerprint import index_fingerprint
    from search.engines import backend_for
    from search.engines.base import SearchUnavailable

    messages: list[CheckMessage] = []
    for alias in settings.HAYSTACK_CONNECTIONS:
        try:
            backend = backend_for(alias)
        except ImproperlyConfigured as exc:
            messages.append(Error(str(exc), id="search.E002"))
            continue
        try:
            meta = backend.read_meta()
        except OSError:
            meta = None
        except SearchUnavailable as exc:
            messages.append(
                Warning(
                    f"search index '{alias}' cannot be reached: {exc}",
                    hint="Check ELASTICSEARCH_URL and that the cluster is up.",
                    id="search.W003",
                )
            )
            continue
        if meta is not None and meta != index_fingerprint():
            messages.append(
                Warning(
                    f"search index '{alias}' was built with {meta}, the code expects "
                    f"{index_fingerprint()}",
                    hint="Run: python manage.py ensure_search_index",
                    id="search.W001",
                )
            )
    return messages
