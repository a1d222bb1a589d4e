"""What an item's outcome is called in a bulk report or on a job's page, in the admin's language.

Report rows keep the outcome as a code (``imported``, ``would import``, ``repaired``…) so that
tests, the JSON of a job and the row's CSS class do not change with the language; people read
these names.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

OUTCOME_LABELS = {
    "imported": _("已导入"),
    "would import": _("可导入"),
    "duplicate": _("重复"),
    "failed": _("失败"),
    "skipped": _("跳过"),
    "reparsed": _("已重新解析"),
    "analysed": _("已重新分析"),
    "repaired": _("已修复"),
    "rebuilt": _("已重建"),
}


@register.filter
def outcome_label(outcome: str) -> str:
    """``{{ row.outcome|outcome_label }}``: the outcome's name, or the code if it has none."""
    return str(OUTCOME_LABELS.get(outcome, outcome))
