"""The five seed releases parse into the structure each document actually has.

Each seed has its own traps (see fixtures/seeds/README.md); these tests pin the behaviour a
reader would check by eye: title, region, date, kind, the outline and the Q&A.
"""

from __future__ import annotations

from datetime import date

import pytest

from documents.choices import Kind, Precision
from documents.ingest import parse_release
from tests.conftest import seed_bytes


@pytest.fixture(scope="module")
def parsed():
    return {
        prefix: parse_release(seed_bytes(prefix)) for prefix in ("000", "001", "002", "003", "004")
    }


@pytest.mark.parametrize(
    ("prefix", "region", "kind", "published", "precision"),
    [
        ("000", "金昌市", Kind.PRESS_CONFERENCE, date(2024, 9, 3), Precision.DAY),
        ("001", "张掖市", Kind.PRESS_CONFERENCE, date(2024, 1, 15), Precision.DAY),
        ("002", "湘潭市", Kind.NEWS, date(2021, 1, 1), Precision.DAY),
        ("003", "枣庄市", Kind.NEWS, None, Precision.UNKNOWN),
        ("004", "呼和浩特市", Kind.WORK_REPORT, date(2023, 6, 27), Precision.DAY),
    ],
)
def test_metadata_of_each_seed(parsed, prefix, region, kind, published, precision):
    meta = parsed[prefix].metadata
    assert meta.region is not None and meta.region.name == region
    assert meta.kind == kind
    assert meta.published.value == published
    assert meta.published.precision == precision


def test_titles_come_from_the_title_line_or_the_lead(parsed):
    assert (
        parsed["000"].metadata.title
        == "“全省優化營商環境提質增效年”行動系列專題新聞發布會——金昌專場"
    )
    assert not parsed["000"].metadata.title_derived
    zhangye = parsed["001"].metadata
    assert zhangye.title_derived
    assert (
        zhangye.title
        == "“转作风优化营商环境 抓项目增强发展动力”主题系列新闻发布会第十五场——张掖专场"
    )
    assert (
        parsed["002"].metadata.title == "齐心培沃土 合力赢未来——看湘潭市2020年优化营商环境工作足迹"
    )
    assert parsed["004"].metadata.title.startswith("呼和浩特市人民政府关于2023年上半年")


def test_inferred_years_are_flagged_and_unknown_years_stay_unknown(parsed):
    assert parsed["000"].metadata.published.year_inferred
    zaozhuang = parsed["003"].metadata.published
    assert zaozhuang.value is None
    assert zaozhuang.text == "10月26日"
    assert any("年份无从确定" in w for w in parsed["003"].warnings)


def test_zaozhuang_is_found_from_the_body_not_its_counties(parsed):
    region = parsed["003"].metadata.region
    assert region.name == "枣庄市"
    assert region.code == "370400"


def test_jinchang_qa_names_four_answerers_with_titles(parsed):
    answers = [s for s in parsed["000"].sections if s.kind == "answer" and s.speaker_title]
    heads = []
    for s in answers:
        if (s.speaker, s.speaker_title) not in heads:
            heads.append((s.speaker, s.speaker_title))
    assert heads == [
        ("肖飛", "金昌市發展改革委副主任"),
        ("栗得泉", "金昌市市場監管局局長"),
        ("謝宗華", "金昌經開區黨工委副書記、紀檢監察工委書記"),
        ("毛財榮", "金昌市政務服務中心副主任"),
    ]
    questions = [s for s in parsed["000"].sections if s.kind == "question"]
    assert [q.speaker for q in questions] == ["中國甘肅網", "中新社", "科技日報", "省廣電總臺"]


def test_points_inside_an_answer_carry_the_answerer(parsed):
    points = [s for s in parsed["000"].sections if s.kind == "point" and s.speaker == "肖飛"]
    assert [p.heading for p in points][:2] == ["一是以鏈長制抓統籌", "二是以專班制抓服務"]
    assert len(points) == 7


def test_zhangye_answer_sharing_its_line_with_the_answerer(parsed):
    answer = next(s for s in parsed["001"].sections if s.speaker == "郝文年")
    assert answer.kind == "answer"
    assert answer.speaker_title == "张掖市招商局局长"
    assert answer.text.startswith("2023年,张掖市认真贯彻落实")


def test_jinchang_repeated_paragraph_is_dropped(parsed):
    text = parsed["000"].body_text
    assert text.count("今年以來,金昌市認真貫徹落實全省招商引資暨優化營商環境大會精神") == 1


def test_jinchang_editor_line_is_metadata_not_text(parsed):
    assert parsed["000"].metadata.editor == "鄭文"
    assert "責任編輯" not in parsed["000"].body_text


def test_xiangtan_web_chrome_is_gone_and_metadata_kept(parsed):
    release = parsed["002"]
    for chrome in ("立即下载", "字号", "点击查看全文", "回首页", "返 回", "回顶部", ".jpg", ".png"):
        assert chrome not in release.body_text
    assert release.body_text.count("齐心培沃土 合力赢未来——看湘潭市") == 1
    meta = release.metadata
    assert (meta.source, meta.author, meta.editor) == ("红网湘潭站", "刘邵波", "刘放明")
    assert "所获证书。" in release.cleaned.captions
    assert len(release.cleaned.captions) == 5


def test_xiangtan_unnumbered_headings_and_case_list(parsed):
    sections = parsed["002"].sections
    headings = [s.heading for s in sections if s.kind == "heading"]
    assert "打造最贴心的服务团队" in headings
    assert "2020年湘潭市优化营商环境大事记" in headings
    bullets = [s for s in sections if s.text.startswith("●")]
    assert len(bullets) == 8
    assert all(b.level == 2 for b in bullets)


def test_zaozhuang_two_line_headings_over_sentence_headings(parsed):
    sections = parsed["003"].sections
    top = [s.heading for s in sections if s.level == 1 and s.heading]
    assert top == [
        "改革“三项服务”:加快项目“落”下来",
        "创新“三项机制”:帮促项目“建”起来",
        "搭建“三个平台”:扶持企业“壮”起来",
    ]
    second = [s.heading for s in sections if s.level == 2]
    assert second[0] == "政策服务抓“早办”,及时精准送到位"
    assert len(second) == 9


def test_hohhot_report_has_three_heading_levels(parsed):
    release = parsed["004"]
    by_level = {}
    for s in release.sections:
        if s.heading:
            by_level.setdefault(s.level, []).append(s.heading)
    assert by_level[1] == ["一、工作开展情况", "二、存在问题和下一步工作思路"]
    assert by_level[2][:2] == ["(一)持续完善组织保障机制", "(二)持续健全工作推进机制"]
    assert "一是高位推动营造良好营商氛围" in by_level[3]
    assert release.metadata.subtitle.startswith("——2023年6月27日")
    assert release.metadata.author == "呼和浩特市人民政府副市长 焦鸿"
    assert "免责声明" not in release.body_text


def test_anchors_are_unique_and_follow_the_outline(parsed):
    for release in parsed.values():
        anchors = [s.anchor for s in release.sections]
        assert len(anchors) == len(set(anchors))
    hohhot = {s.heading: s.anchor for s in parsed["004"].sections if s.heading}
    assert hohhot["一、工作开展情况"] == "s2"
    assert hohhot["(一)持续完善组织保障机制"] == "s2-1"
    assert hohhot["一是高位推动营造良好营商氛围"] == "s2-1-1"
