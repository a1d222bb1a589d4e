"""The one text a section is found by, shared by the index, the engines and the oracle.

Kept out of ``search.search_indexes`` (which loads the models) so that engines and the
evaluation read the same definition without importing haystack's index.
"""

from __future__ import annotations

from typing import Any


def section_content(section: Any) -> str:
    """The text a section is found by: its heading, then its body, on separate lines."""
    return "\n".join(part for part in (section.heading.strip(), section.text.strip()) if part)
