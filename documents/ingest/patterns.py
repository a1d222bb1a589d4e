"""How Chinese government documents mark their structure, as regular expressions.

Numbering follows the official-document convention (GB/T 9704): ``一、`` › ``（一）`` › ``1.`` ›
``（1）``; enumerations inside a paragraph run ``一是……二是……`` or ``第一，……``; press
conferences mark the Q&A with an outlet line (``××记者现场提问``), a ``记者:`` question and the
answerer's title and name before a colon. All patterns expect *folded* text (NFKC, Simplified),
so one rule serves Simplified and Traditional releases alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "一二三四五六七八九十百零〇两"

# (marker type, pattern, point-like?) — point-like markers number single paragraphs.
NUMBERING: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    # Regulations: 第一编 › 第一章 › 第一节 › 第一条 (an article is a single point).
    ("part", re.compile(rf"^第[{CN_DIGITS}]{{1,4}}编(?=\s|$)"), False),
    ("chapter", re.compile(rf"^第[{CN_DIGITS}]{{1,4}}章(?=\s|$)"), False),
    ("division", re.compile(rf"^第[{CN_DIGITS}]{{1,4}}节(?=\s|$)"), False),
    ("article", re.compile(rf"^第[{CN_DIGITS}]{{1,5}}条(?=\s|[:：])"), True),
    ("cn-comma", re.compile(rf"^[{CN_DIGITS}]{{1,4}}、"), False),
    ("cn-paren", re.compile(rf"^[(（][{CN_DIGITS}]{{1,4}}[)）]"), False),
    ("num-dot", re.compile(r"^\d{1,2}(?:[.．](?!\d)|、)"), False),
    ("num-paren", re.compile(r"^[(（]\d{1,2}[)）]"), False),
    ("circled", re.compile(r"^[\u2460-\u2473\u3251-\u325f]"), True),
    ("cn-shi", re.compile(r"^[一二三四五六七八九十]{1,3}是[，,:：]?(?=\S)"), True),
    ("cn-di", re.compile(rf"^第[{CN_DIGITS}]{{1,3}}[，,、:：]"), True),
    ("bullet", re.compile(r"^[●■◆▲►•◎□◇★☆▶▪◼]"), True),
)

QA_BLOCK = re.compile(
    r"^(?:记者问答|答记者问|现场问答|互动问答|问答环节|提问环节|媒体提问|记者提问环节|现场提问)[:：]?$"
)
OUTLET_LINE = re.compile(r"^(?P<outlet>[^，,。:：]{2,30}?)(?:记者|媒体)?(?:现场)?提问[:：]?$")
QUESTION = re.compile(r"^(?:(?P<who>[^，,。:：]{0,30}?)记者|问|提问)\s*[:：]\s*(?P<text>\S.*)$")
ANSWER_HEAD = re.compile(r"^(?P<head>[^，,。:：；;!?！？]{2,48}?)\s*[:：]\s*(?P<text>.*)$")
PLAIN_ANSWER = re.compile(r"^答\s*[:：]\s*(?P<text>.*)$")

# Words that end an official title; the person's name follows the last one.
TITLE_ENDINGS = re.compile(
    r"(?:副?主任|副?局长|副?书记|副?市长|副?区长|副?县长|副?州长|副?省长|副?主席|副?部长|副?处长|"
    r"副?科长|副?厅长|副?司长|秘书长|副?总经理|经理|副?董事长|副?院长|副?所长|副?会长|副?行长|"
    r"副?校长|副?队长|副?站长|主编|委员|常委|负责人|新闻发言人|发言人|副?理事长|总监|总裁|副?检察长|"
    r"副?庭长|政委|副?馆长|副?台长|副?社长|总工程师|总经济师|总会计师|调研员|巡视员|专员|副?组长|"
    r"副?盟长|副?旗长|副?镇长|副?乡长|主任科员|二级巡视员|一级巡视员|督察长|审计长)"
)
PERSON_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,5}$")

# A document number (发文字号): issuer's code, the year in brackets of any style, the serial and
# 号 (``国办发〔2024〕3号``, ``甘政办发[2024]12号``); a government order (``省人民政府令第12号``);
# and Taiwan's ``院臺規字第1130012345號`` (folded to 号).
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fffA-Za-z]{1,16}\s*[〔\[［(（【{｛]\s*(?:19|20)\d{2}\s*[〕\]］)）】}｝]\s*第?\s*\d{1,5}\s*号"
    r"|[\u4e00-\u9fff]{2,24}令\s*(?:[(（]\s*第?\s*\d{1,4}\s*号?\s*[)）]|第\s*[\d一二三四五六七八九十百零〇]{1,5}\s*号)"
    r"|[\u4e00-\u9fff]{1,12}字第\s*\d{5,12}\s*号"
)
# Openings of a news lead (an outlet's dateline, a reporter): such a line is never a title.
NEWS_MARKERS = re.compile(r"网讯|日报|晚报|记者|通讯员|新华社|电[(（]|讯[(（]")

# Words a complete title ends with (a wrapped title's first line ends otherwise); a line ending
# so is a title even when it is short (政府工作报告), never a column name or site furniture.
TITLE_ENDING = re.compile(
    r"(?:通知|意见|办法|方案|决定|公告|通告|报告|条例|规定|细则|规则|措施|通报|批复|函|纲要|规划|计划|"
    r"指引|指南|清单|目录|决议|公报|答记者问|解读|发布会|专场|[)）》”」])$"
)

SALUTATION = re.compile(
    r"^(?:各位代表|各位委员|同志们|女士们|先生们|朋友们|各位)[^。]{0,12}[:：!！]$"
)
DATE_ITEM = re.compile(r"^\d{1,2}月\d{1,2}日\s")
SENTENCE_END = re.compile(r"[。！？!?；;]")
HEADING_STOP = re.compile(r"[。！？!?；;：:]")
TERMINAL_CHARS = "。！？!?…；;"


@dataclass(frozen=True, slots=True)
class Speaker:
    """An answerer as introduced in the transcript: name and official title."""

    name: str
    title: str


def numbering_of(folded: str) -> tuple[str, int, bool] | None:
    """The marker type, its length and whether it numbers a single point; None if unnumbered."""
    for kind, pattern, point_like in NUMBERING:
        match = pattern.match(folded)
        if match:
            return kind, match.end(), point_like
    return None


def split_speaker(head: str, folded_head: str) -> Speaker | None:
    """Split ``title + name`` (``张掖市招商局局长郝文年``) into its parts; None if not a person.

    ``head`` is the text as written and ``folded_head`` its folded twin of equal length, so
    the result keeps the release's own script.
    """
    best_end = -1
    for match in TITLE_ENDINGS.finditer(folded_head):
        best_end = max(best_end, match.end())
    if best_end < 0:
        return None
    name = head[best_end:].strip()
    title = head[:best_end].strip()
    if not name:
        return Speaker(name="", title=title) if len(title) >= 3 else None
    if not PERSON_NAME.match(folded_head[best_end:].strip()):
        return None
    return Speaker(name=name, title=title)
