"""The closed vocabularies of release metadata: kind, date precision, validity.

Kept apart from detection so that the detectors (``genre``, ``metadata``) and the models can
all name them without importing each other.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """The kinds of release the portal distinguishes, as readers of policy libraries know them.

    法规规章 (条例、规定、办法、实施细则), 规范性文件 (通知、意见、方案、决定、公告), 政府工作报告,
    新闻发布会, 政策解读, 新闻报道, 其他. The older values keep their spelling (the API uses them).
    """

    PRESS_CONFERENCE = "press_conference"
    NEWS = "news"
    WORK_REPORT = "work_report"
    REGULATION = "regulation"
    NORMATIVE = "normative"
    INTERPRETATION = "interpretation"
    OTHER = "other"


class Validity(StrEnum):
    """Whether a regulation is in force, as its source says (never guessed)."""

    CURRENT = "current"  # 现行有效
    AMENDED = "amended"  # 已修改
    REPEALED = "repealed"  # 已废止
    NOT_YET = "not_yet"  # 尚未生效
    UNKNOWN = ""


class Precision(StrEnum):
    """How much of a publication date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"
