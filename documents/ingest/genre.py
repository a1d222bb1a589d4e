"""What kind of document a release is, with the evidence a person can check in the preview.

Policy libraries (gov.cn's 政策文件库, 北大法宝) sort documents by their form, and the form is
written into the title: a regulation *is* an 条例/规定/办法/实施细则, a normative document *is* a
通知/意见/方案/决定/公告 (often ``关于……的通知`` or ``关于印发……的通知``), a report ends in 报告 or
is given at a meeting, an interpretation says 解读 or 答记者问. A news story about a document
(``某市出台优化营商环境若干措施``) has the same endings, so a form ending counts only when the
title reads as the document itself — it opens with an issuer or 关于, carries a document number,
or has no reporting verb — and news is otherwise told by its bylines and outlets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from documents.choices import Kind
from documents.ingest.hints import PageHints
from documents.script import fold

_PRESS = re.compile(r"发布会|新闻发布|吹风会")
_REPORT_END = re.compile(r"报告(?:[(（][^)）]{1,12}[)）])?$")
_INTERPRETATION = re.compile(r"解读|答记者问|答问|问答|一图读懂|图解|政策要点|热点回应")
_REGULATION_END = re.compile(
    r"(?:条例|规定|办法|实施细则|细则|规则|规程|章程)(?:[(（][^)）]{1,16}[)）])?$"
)
_NORMATIVE_END = re.compile(
    r"(?:通知|意见|实施意见|指导意见|方案|实施方案|工作方案|决定|公告|通告|通报|批复|函|复函|命令|令|"
    r"措施|若干措施|若干政策|政策措施|计划|行动计划|规划|纲要|指引|指南|清单|目录|标准|要点|工作要点|"
    r"决议|公报)(?:[(（][^)）]{1,16}[)）])?$"
)
_ISSUED_AS = re.compile(r"^(?:[\u4e00-\u9fff、]{2,40}?关于|关于|印发|转发)|关于印发|关于转发")
_REPORTING_VERB = re.compile(
    r"出台|发布|印发了|推出|召开|举行|举办|启动|实施了|开展|亮相|聚焦|走进|探访|走访|记者|看点|一线"
)
_NEWS_TITLE = re.compile(r"[:：]|——|[！!？?]")
_CATEGORY_KIND = (
    (re.compile(r"解读"), Kind.INTERPRETATION),
    (re.compile(r"发布会"), Kind.PRESS_CONFERENCE),
    (re.compile(r"政府工作报告|工作报告"), Kind.WORK_REPORT),
    (re.compile(r"法规|规章|条例"), Kind.REGULATION),
    (re.compile(r"规范性文件|政策文件|文件|通知|公告"), Kind.NORMATIVE),
    (re.compile(r"新闻|要闻|动态|资讯|新聞"), Kind.NEWS),
)


@dataclass(frozen=True, slots=True)
class KindGuess:
    """A kind and why; ``certain`` is False when the preview should ask a person to check."""

    kind: Kind
    evidence: str
    certain: bool


def detect_kind(
    title: str,
    *,
    title_derived: bool,
    subtitle: str,
    has_qa: bool,
    has_doc_number: bool,
    news_signs: bool,
    hints: PageHints,
) -> KindGuess:
    """The release's kind from its own shape; the page's category decides only what shape cannot."""
    key = fold(title).replace(" ", "").rstrip("」』”\"'")  # 修正「某某办法」 ends in its form
    sub = fold(subtitle)
    if has_qa:
        return KindGuess(Kind.PRESS_CONFERENCE, "正文有记者提问与回答", True)
    if not title_derived and _PRESS.search(key):
        return KindGuess(Kind.PRESS_CONFERENCE, "标题含“发布会”", True)
    if not title_derived and _INTERPRETATION.search(key):
        return KindGuess(Kind.INTERPRETATION, "标题含“解读/答记者问”", True)
    if not title_derived and _REPORT_END.search(key):
        return KindGuess(Kind.WORK_REPORT, "标题以“报告”结尾", True)
    if "报告" in sub or re.search(r"在.{2,40}(?:会议|大会)上", sub):
        return KindGuess(Kind.WORK_REPORT, "副标题：在会议上的报告/讲话", True)
    as_document = has_doc_number or bool(hints.doc_number) or _reads_as_document(key)
    if not title_derived and as_document:
        if _REGULATION_END.search(key) and not re.search(r"关于印发|关于转发|印发", key):
            return KindGuess(Kind.REGULATION, f"标题以“{_ending(key, _REGULATION_END)}”结尾", True)
        if _NORMATIVE_END.search(key) or _REGULATION_END.search(key):
            ending = _ending(key, _NORMATIVE_END) or _ending(key, _REGULATION_END)
            return KindGuess(Kind.NORMATIVE, f"标题以“{ending}”结尾", True)
    from_category = _from_category(hints.category)
    if from_category is not None:
        return KindGuess(from_category, f"网页栏目“{hints.category}”", False)
    if news_signs:
        return KindGuess(Kind.NEWS, "有来源、记者或编辑署名", True)
    if has_doc_number:
        return KindGuess(Kind.NORMATIVE, "有发文字号", False)
    return KindGuess(Kind.OTHER, "标题和正文都没有可判断类型的特征", False)


def _reads_as_document(key: str) -> bool:
    """The title names the document itself, not a story about it."""
    if _ISSUED_AS.search(key):
        return True
    return not _REPORTING_VERB.search(key) and not _NEWS_TITLE.search(key)


def _ending(key: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(key)
    return re.sub(r"[(（].*$", "", match.group(0)) if match else ""


def _from_category(category: str) -> Kind | None:
    key = fold(category)
    for pattern, kind in _CATEGORY_KIND:
        if key and pattern.search(key):
            return kind
    return None
