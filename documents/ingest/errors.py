"""The one exception type ingestion raises, carrying a message fit to show a user."""

import re

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class IngestError(ValueError):
    """Input that cannot become a release; ``str(error)`` explains why in plain words."""


def require_unicode(text: str, what: str = "文本") -> str:
    """``text`` unchanged, or an ``IngestError`` when it holds a lone surrogate.

    The strict decoders never produce one, but JSON escapes (``"\\ud800"`` in a bulk file) do,
    and neither OpenCC, the database nor a file can take it: each stage that accepts text
    refuses it up front instead of failing deep inside with a ``UnicodeEncodeError``.
    """
    found = _LONE_SURROGATE.search(text)
    if found:
        raise IngestError(
            f"{what}含有无效的 Unicode 字符（孤立的代理项 U+{ord(found.group()):04X}，"
            f"第 {found.start() + 1} 个字符），无法处理。"
        )
    return text
