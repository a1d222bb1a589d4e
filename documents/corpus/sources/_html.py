"""HTML → plain text for the sources that store a body as markup, sharing nothing with ingestion.

The truth side must not lean on the code it measures, so this is a small stdlib walk: block
elements end a line, scripts and styles vanish, whitespace inside a line collapses.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tbody",
        "section",
        "article",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "hr",
    ]
)
_SKIPPED = frozenset({"script", "style", "noscript", "head", "title"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS or tag == "td":
            self.parts.append("\n" if tag != "td" else " ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML fragment, one block a line, blank lines dropped."""
    walker = _Text()
    walker.feed(markup)
    walker.close()
    lines = (
        re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in "".join(walker.parts).split("\n")
    )
    return "\n".join(line for line in lines if line)
