"""Who issued a document, under which number, when it was signed, and whether it is in force.

Official documents state these in fixed places (GB/T 9704): the issuer opens the title
(``某某市人民政府关于……的通知``) and signs at the end above the written date (成文日期); the
document number (发文字号) stands above or below the title; a local regulation says which
standing committee adopted it and when (``2020年4月10日 ……人民代表大会常务委员会……会议通过``);
a government rule is issued by order (``……人民政府令第12号``). Numbers cited inside the body
belong to other documents and are never read as the release's own.
"""

from __future__ import annotations

import re

from documents.choices import Validity
from documents.ingest import patterns as pt
from documents.script import fold

# The endings of an organ's name (机关名称): a body, not a person or a place alone.
_ORGAN_END = (
    r"(?:人民政府|政府|办公厅|办公室|常务委员会|常委会|委员会|人民代表大会|总局|管理局|局|厅|部|委|署|院|"
    r"法院|检察院|银行|中心|管委会|管理委员会|领导小组|指挥部|工作组|联席会议|党委|市委|省委|县委|区委|"
    r"州委|盟委|旗委|政协|办|会|处|社|行|公司)"
)
ORGAN = re.compile(rf"^[\u4e00-\u9fff（）()·、\s]{{2,60}}?{_ORGAN_END}$")
_TITLE_ISSUER = re.compile(rf"^(?P<issuer>[\u4e00-\u9fff（）()·、\s]{{2,80}}?{_ORGAN_END})关于")
_ADOPTED_BY = re.compile(
    r"(?P<body>[\u4e00-\u9fff]{2,20}?)(?:第[一二三四五六七八九十百]+届)?"
    r"(?P<organ>人民代表大会常务委员会|人民代表大会|人民政府)(?:第[一二三四五六七八九十百零〇\d]+次)?"
    r"(?:常务|全体)?(?:会议|大会)?(?:审议)?(?:通过|批准|修订|修正|公布)"
)
_ORDER = re.compile(
    r"(?P<organ>[\u4e00-\u9fff]{0,24}?(?:人民政府|政府|国务院|部|委员会|总局|署|局|银行))令"
)
# ``1986年9月15日 中共中央、国务院发布``, ``经人力资源和社会保障部第6次部务会议通过``.
_RELEASED_BY = re.compile(
    rf"日\s*(?P<organ>[\u4e00-\u9fff、]{{2,40}}?{_ORGAN_END}|中共中央、国务院|国务院)\s*(?:发布|公布|印发)$"
    rf"|经(?P<organ2>[\u4e00-\u9fff]{{2,30}}?(?:部|委员会|总局|署|局|行))第?[\d一二三四五六七八九十]+次"
)
_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_SIGNATURE_SCAN = 8
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "(": "〔", ")": "〕",
                           "（": "〔", "）": "〕", "【": "〔", "】": "〕", "{": "〔", "}": "〕",
                           "｛": "〔", "｝": "〕"})  # fmt: skip
_VALIDITY = (
    (re.compile(r"尚未生效|未生效|尚未施行"), Validity.NOT_YET),
    (re.compile(r"失效|废止|废除|撤销|停止执行"), Validity.REPEALED),
    (re.compile(r"已修改|已被修改|修正|修订|部分失效"), Validity.AMENDED),
    (re.compile(r"现行有效|有效|现行|施行中"), Validity.CURRENT),
)


def doc_number_in(text: str) -> str:
    """The document number a line states, as written ('' when none)."""
    key = fold(text)
    match = pt.DOC_NUMBER.search(key)
    if not match or len(key) != len(text):
        return match.group(0).strip() if match else ""
    return text[match.start() : match.end()].strip()


def tidy_doc_number(number: str) -> str:
    """One spelling for display: 〔〕 around the year, no inner spaces (``国办发〔2024〕3号``).

    An order drops the state's full name, as libraries file it (``国务院令第64号``).
    """
    if "号" not in fold(number):
        return number
    tidy = re.sub(r"\s+", "", number).translate(_BRACKETS)
    return re.sub(r"^中华人民共和国(?=\S+令)", "", tidy)


def issuer_from_title(title: str) -> str:
    """``某某市人民政府关于……`` → ``某某市人民政府``; '' when the title names no issuer."""
    key = fold(title)
    match = _TITLE_ISSUER.match(key)
    if not match or len(key) != len(title):
        return ""
    return title[: match.end("issuer")].strip()


def issuer_from_adoption(lines: list[str]) -> str:
    """The body that adopted or ordered a regulation (``上海市人民代表大会常务委员会``)."""
    for line in lines:
        key = fold(line)
        match = _ADOPTED_BY.search(key)
        if match:
            place = re.sub(r"^.*?(?:日|\s)", "", match.group("body")).strip()
            return place + match.group("organ")
        released = _RELEASED_BY.search(key)
        if released:
            return released.group("organ") or released.group("organ2")
        order = _ORDER.search(key)
        if order:  # the state's full name is dropped, as libraries file the issuer (国务院)
            return re.sub(
                r"^.*?(?:日|\s)|^中华人民共和国", "", order.group("organ")
            ) or order.group("organ")
    return ""


def signature(paragraphs: list[str]) -> tuple[str, str]:
    """(issuer, date text) from the signature block that closes an official document."""
    tail = [p.strip() for p in paragraphs[-_SIGNATURE_SCAN:]]
    for i in range(len(tail) - 1, -1, -1):
        key = fold(tail[i])
        if not _FULL_DATE.match(key.strip("()（） ")):
            continue
        organs = []
        for j in range(i - 1, max(-1, i - 4), -1):
            if ORGAN.match(fold(tail[j])) and not pt.SENTENCE_END.search(tail[j]):
                organs.insert(0, tail[j])
            else:
                break
        if organs:
            return "、".join(organs), tail[i]
        return "", tail[i] if i >= len(tail) - 2 else ""
    return "", ""


def validity_from(text: str) -> Validity:
    """The validity a source states (现行有效, 已修改, 已废止 …); UNKNOWN when it says none."""
    key = fold(text).strip()
    if not key:
        return Validity.UNKNOWN
    for pattern, validity in _VALIDITY:
        if pattern.search(key):
            return validity
    return Validity.UNKNOWN
