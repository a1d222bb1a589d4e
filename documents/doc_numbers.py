"""文号 (document numbers) compared the way a reader means them, whatever the brackets.

The same number is written ``国办发〔2024〕3号`` on the government's site,
``国办发[2024]3号`` in a spreadsheet, ``国办发（2024）3号`` in a news report and
``國辦發〔２０２４〕３號`` on a Traditional page. A search or a filter for one must find
the others, so both sides are compared through ``normalise_doc_number``; the API filter and
the search side share this one function.
"""

from __future__ import annotations

import re

from documents.script import fold

#: After NFKC (which turns ［］（） into []() and ﹝﹞ into 〔〕), every bracket that
#: encloses a 文号's year becomes the official 〔〕 (GB/T 9704: 六角括号).
_BRACKETS = str.maketrans(
    {
        "[": "〔",
        "(": "〔",
        "【": "〔",
        "〖": "〔",
        "]": "〕",
        ")": "〕",
        "】": "〕",
        "〗": "〕",
    }
)
_SPACE = re.compile(r"\s+")


def normalise_doc_number(text: str) -> str:
    """The comparison key of a 文号: ``国办发[2024]3号`` → ``国办发〔2024〕3号``.

    Full-width digits and brackets become half-width (NFKC), Traditional becomes Simplified,
    every bracket style becomes 〔〕 and whitespace goes. The key is for comparing only; the
    number is stored and shown as written.
    """
    return _SPACE.sub("", fold(text or "")).translate(_BRACKETS)
