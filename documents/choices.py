"""The closed vocabularies of releases and sections: kind, validity, date precision, section kind.

One definition that the models store and the parser detects, so neither imports the other and
renaming a value is a decision about stored data (a migration), never a side effect of a
parser refactoring. The values are the API's and the URLs' (``kind=press_conference``); the
labels are what readers of gov.cn's policy library and 北大法宝 see.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Kind(TextChoices):
    """The kinds of release the portal distinguishes, as readers of policy libraries know them.

    法规规章 (条例、规定、办法、实施细则), 规范性文件 (通知、意见、方案、决定、公告), 政府工作报告,
    新闻发布会, 政策解读, 新闻报道, 其他. The older values keep their spelling (the API uses them).
    """

    REGULATION = "regulation", _("法规规章")
    NORMATIVE = "normative", _("规范性文件")
    WORK_REPORT = "work_report", _("工作报告")
    PRESS_CONFERENCE = "press_conference", _("新闻发布会")
    INTERPRETATION = "interpretation", _("政策解读")
    NEWS = "news", _("新闻报道")
    OTHER = "other", _("其他")


class Validity(TextChoices):
    """Whether a regulation is in force, as its source states (never guessed); blank: unsaid."""

    CURRENT = "current", _("现行有效")
    AMENDED = "amended", _("已修改")
    REPEALED = "repealed", _("已废止")
    NOT_YET = "not_yet", _("尚未生效")
    UNKNOWN = "", _("不详")


class Precision(TextChoices):
    """How much of a date is known."""

    DAY = "day", _("日")
    MONTH = "month", _("月")
    YEAR = "year", _("年")
    UNKNOWN = "unknown", _("不详")


class SectionKind(TextChoices):
    """What a section is, for rendering and for search scopes."""

    HEADING = "heading", _("标题段")
    PARAGRAPH = "paragraph", _("段落")
    POINT = "point", _("要点")
    QUESTION = "question", _("提问")
    ANSWER = "answer", _("回答")
