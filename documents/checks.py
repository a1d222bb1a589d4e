"""System checks: a broken topic thesaurus is reported at start-up, not at the next import.

Every import tags sections with the thesaurus, so an edit that breaks ``fixtures/topics.yaml``
(or the file ``PORTAL_TOPICS_FILE`` names) would otherwise surface as a failed upload.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register("documents")
def check_thesaurus(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The topic thesaurus must load and validate."""
    from documents.topics import ThesaurusError, load_thesaurus, thesaurus_path

    try:
        load_thesaurus()
    except (OSError, ThesaurusError) as exc:
        return [
            Error(
                f"the topic thesaurus cannot be used: {exc}",
                hint=f"Fix {thesaurus_path()} (or PORTAL_TOPICS_FILE) and run "
                "`manage.py analyse_releases`.",
                id="documents.E001",
            )
        ]
    return []
