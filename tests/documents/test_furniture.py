"""Page furniture around real releases is set aside, and the release parses as if it were absent.

Each family is wrapped around real text (a seed, a national work report) the way portals print
it; the parse must keep the same title, the same sections and none of the furniture.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from documents.choices import Kind
from documents.ingest import parse_text
from documents.ingest.furniture import Family, classify
from documents.script import fold
from tests.conftest import seed_bytes

CORPUS = (
    Path(__file__).resolve().parents[2] / "fixtures/corpora/national-government-work-reports.jsonl"
)

HEAD_FAMILIES = {
    "toolbar": ["下载 打印 全屏 收藏 【字号：加大 还原 减小】", "【打印本页】 【关闭窗口】"],
    "share": ["分享到：微信 微博 QQ空间", "扫一扫在手机打开当前页"],
    "breadcrumb": [
        "> 某省要闻",
        "首页 > 政务公开 > 政策文件",
        "当前位置：首页 > 新闻中心 > 要闻动态",
    ],
    "column": ["政务信息"],
    "source-next-line": ["来源：", "某某日报"],
    "dateline": ["发布时间：2024-01-02 10:11 来源：某某网 点击数：1024"],
    "credit": ["某报记者 张三 摄"],
}
TAIL_FAMILIES = {
    "editor": ["责任编辑：李四"],
    "links": ["相关附件>>", "相关链接>>"],
    "hash": ["a3f9c0d1e2b4a5968778aabbccddeeff"],
    "footer": ["主办单位：某某省人民政府办公厅 网站标识码：6200000001", "京ICP备05070218号"],
}
FURNITURE_VALUES = {"某某日报", "李四"}  # kept as metadata, never as text


def _national(year: int) -> dict:
    with CORPUS.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["year"] == str(year):
                return record
    raise LookupError(year)


def _wrapped(title: str, body: str, head: list[str], tail: list[str], *, repeat_title=False):
    lines = [*head, title, *body.splitlines(), *tail]
    if repeat_title:
        lines.append(title)
    return "\n".join(lines)


def _furniture_left(parsed, lines: list[str]) -> list[str]:
    """Furniture lines still standing as a paragraph (or inside one, for the longer ones).

    A short one such as 政务信息 may well occur inside a real sentence (政务信息公开).
    """
    paragraphs = set(parsed.cleaned.paragraphs)
    text = parsed.body_text
    return [
        line
        for line in lines
        if line not in FURNITURE_VALUES and (line in paragraphs or (len(line) > 8 and line in text))
    ]


@pytest.mark.parametrize("family", sorted(HEAD_FAMILIES))
def test_head_furniture_of_each_family_is_dropped_before_a_real_report(family):
    record = _national(2019)
    clean = parse_text(record["content"])
    head = HEAD_FAMILIES[family]
    wrapped = parse_text(_wrapped("", record["content"], head, []))
    assert wrapped.metadata.title == clean.metadata.title
    assert _furniture_left(wrapped, head) == []
    assert [s.text for s in wrapped.sections] == [s.text for s in clean.sections]


@pytest.mark.parametrize("family", sorted(TAIL_FAMILIES))
def test_tail_furniture_of_each_family_is_dropped_after_a_real_seed(family):
    text = seed_bytes("004").decode("utf-8")
    clean = parse_text(text)
    tail = TAIL_FAMILIES[family]
    wrapped = parse_text(text + "\n" + "\n".join(tail))
    assert _furniture_left(wrapped, tail) == []
    assert wrapped.metadata.title == clean.metadata.title
    assert len(wrapped.sections) == len(clean.sections)


def test_all_families_at_once_keep_title_kind_and_sections_of_a_seed():
    text = seed_bytes("004").decode("utf-8")
    title, _, body = text.partition("\n")
    clean = parse_text(text)
    head = [line for lines in HEAD_FAMILIES.values() for line in lines]
    tail = [line for lines in TAIL_FAMILIES.values() for line in lines]
    wrapped = parse_text(_wrapped(title, body, head, tail, repeat_title=True))
    meta = wrapped.metadata
    assert meta.title == clean.metadata.title
    assert meta.kind == Kind.WORK_REPORT
    assert meta.source == "某某日报" and meta.editor == "李四"
    assert "某报记者 张三 摄" in wrapped.cleaned.captions
    assert _furniture_left(wrapped, head + tail) == []
    assert [s.text for s in wrapped.sections] == [s.text for s in clean.sections]
    assert not any(fold(s.text) == fold(title) for s in wrapped.sections)


def test_traditional_furniture_is_recognised_like_simplified():
    text = seed_bytes("000").decode("utf-8")
    head = ["下載 列印 全螢幕 收藏 【字號：加大 還原 減小】", "首頁 > 新聞中心 > 要聞"]
    wrapped = parse_text("\n".join([*head, text, "責任編輯：鄭文"]))
    assert wrapped.metadata.title == parse_text(text).metadata.title
    assert _furniture_left(wrapped, head) == []


@pytest.mark.parametrize(
    ("line", "family"),
    [
        ("下载 打印 全屏 收藏 【字号：加大 还原 减小】", Family.TOOLBAR),
        ("分享到：微信 微博 QQ空间", Family.TOOLBAR),
        ("首页 > 政务公开 > 政策文件", Family.BREADCRUMB),
        ("> 某省要闻", Family.BREADCRUMB),
        ("往期回顾>>", Family.LINK),
        ("中国政府网 | 国务院部门网站 | 地方政府网站", Family.BREADCRUMB),
        ("地址：708201臺南市安平區永華路二段6號 電話：06-2991111", Family.FOOTER),
        ("马骏／摄", Family.CREDIT),
        ("[#]", Family.LINK),
        ("https://www.gov.cn/zhengce/content/202401/content_6925361.htm", Family.LINK),
        ("a3f9c0d1e2b4a5968778aabbccddeeff", Family.LINK),
        ("京ICP备05070218号", Family.FOOTER),
        ("某报记者 张三 摄", Family.CREDIT),
        ("（图/新华社）", Family.CREDIT),
    ],
)
def test_each_family_by_its_shape(line, family):
    assert classify(fold(line)) == family


@pytest.mark.parametrize(
    "line",
    [
        "下载附件后可查看全文。",  # a sentence mentioning a widget word
        "一是加强/改进服务",
        "2024/5/6",
        "现场拍摄",
        "各地区各部门要按照要求，认真抓好落实。",
        "《优化营商环境条例》",
        "一、工作开展情况",
    ],
)
def test_content_lines_are_not_furniture(line):
    assert classify(fold(line)) is None


def _national_records(count: int) -> list[dict]:
    with CORPUS.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    return [r for r in records if r["year"]][:count]


def test_lines_a_site_repeats_around_every_record_of_a_bulk_file_are_dropped():
    from documents.ingest.site_lines import line_key, repeated_lines

    site_head = ["某某省人民政府门户网站欢迎您", "政务公开专栏"]
    site_foot = ["本页面内容仅供参考 以正式文件为准"]
    texts = [
        "\n".join([*site_head, r["title"], r["content"][:3000], *site_foot])
        for r in _national_records(6)
    ]
    site = repeated_lines(texts)
    assert {line_key(line) for line in site_head + site_foot} <= site
    assert line_key("各位代表：") not in site  # genre repeats itself too: never taken
    for text, record in zip(texts, _national_records(6), strict=True):
        parsed = parse_text(text, title_hint=record["title"], site_lines=site)
        assert _furniture_left(parsed, site_head + site_foot) == []
        assert "各位代表：" in parsed.cleaned.paragraphs or "各位代表" not in text


def test_one_record_alone_teaches_no_site_lines():
    from documents.ingest.site_lines import repeated_lines

    assert repeated_lines([_national_records(1)[0]["content"]]) == frozenset()


def test_a_heading_that_still_looks_like_furniture_is_flagged_for_the_preview():
    seed = seed_bytes("004").decode("utf-8")
    assert not any(f.field in {"title", "sections"} for f in parse_text(seed).metadata.flags)
    text = seed.replace("一、工作开展情况", "一、工作开展情况\n相关新闻 更多")
    parsed = parse_text(text)
    assert "相关新闻 更多" in [s.heading for s in parsed.sections]
    flags = [f for f in parsed.metadata.flags if f.field == "sections"]
    assert len(flags) == 1 and "相关新闻 更多" in flags[0].message
    assert flags[0].message in parsed.warnings


def test_a_title_that_looks_like_furniture_is_flagged():
    parsed = parse_text(
        "政策文件 >>\n\n今年以来，全市持续优化营商环境，取得积极成效。", title_hint="政策文件 >>"
    )
    assert any(f.field == "title" and "网页杂项" in f.message for f in parsed.metadata.flags)


def test_furniture_taken_out_between_lines_does_not_join_a_line_per_paragraph_text():
    # A page whose furniture is removed must not read as a text with blank lines between
    # paragraphs (where lines without a full stop run on): title, subtitle and headings stay.
    text = seed_bytes("004").decode("utf-8")
    lines = text.splitlines()
    interleaved = []
    for i, line in enumerate(lines):
        interleaved.append(line)
        if i < 12:
            interleaved.append("【打印本页】 【关闭窗口】")
    assert (
        parse_text("\n".join(interleaved)).cleaned.paragraphs == parse_text(text).cleaned.paragraphs
    )


def test_markup_typed_into_a_text_is_never_taken_for_furniture():
    assert classify(fold("二、严管</mark><script>x=6</script>")) is None
    assert classify(fold("<u>中国甘肃网</u>记者现场提问")) is None
