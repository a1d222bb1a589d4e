"""Topics, figures and the compare view on the seed releases and the national corpus.

The acceptance cases of the compare view: what 金昌, 张掖, 湘潭 and 枣庄 say about 企业开办 and
工程建设项目审批, each with the sentence it comes from.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

import pytest
from django.utils.html import escape

from documents import pinyin
from documents.models import Figure, Region, Section, Topic
from documents.section_analysis import analysis_version, figure_topics
from documents.topics import thesaurus

pytestmark = pytest.mark.django_db

REGIONS = "金昌市,张掖市,湘潭市,枣庄市"


def _compare(client, topic: str, regions: str = REGIONS, **extra: str):
    return client.get("/compare/?" + urlencode({"topic": topic, "regions": regions, **extra}))


def _columns(html: str) -> dict[str, str]:
    """The compare page's columns by region name."""
    parts = re.split(r'<section class="compare-column[^"]*" data-region="([^"]+)">', html)
    return {parts[i]: parts[i + 1].split("</section>")[0] for i in range(1, len(parts), 2)}


def _figures(region: str, topic: str) -> list[Figure]:
    return list(
        Figure.objects.filter(
            topics__name=topic, release__region__name=region, release__status="published"
        ).select_related("section")
    )


# -- stored at import ------------------------------------------------------------------------


def test_every_release_is_analysed_with_the_current_thesaurus(seeds):
    from documents.models import Release

    assert not Release.objects.exclude(analysis_version=analysis_version()).exists()
    assert Topic.objects.count() == len(thesaurus().topics) >= 25


def test_sections_are_tagged_with_topics_at_import(seeds):
    jinchang = Section.objects.filter(release=seeds["000"], topics__name="企业开办")
    assert jinchang.exists()
    assert all("企業開辦" in s.text or "企业开办" in s.text for s in jinchang)
    xiangtan = Section.objects.get(release=seeds["002"], text__contains="企业设立登记实现全程网办")
    assert "企业开办" in {t.name for t in xiangtan.topics.all()}
    huhhot = {t.name for s in seeds["004"].sections.all() for t in s.topics.all()}
    assert {"放管服改革", "工程建设项目审批"} <= huhhot


def test_figures_keep_their_sentence_and_offsets(seeds):
    for figure in Figure.objects.filter(release__in=list(seeds.values())).select_related("section"):
        assert figure.section.text[figure.start : figure.end] == figure.text
        assert figure.text in figure.sentence
        assert figure.sentence_start <= figure.start < figure.end <= figure.sentence_end


def test_a_figure_belongs_to_the_topic_named_nearest_before_it(seeds):
    zhangye = _figures("张掖市", "企业开办")
    assert [f.text for f in zhangye if f.unit == "天"] == ["0.5天"]
    approval = _figures("张掖市", "工程建设项目审批")
    assert "55个工作日" in [f.text for f in approval]
    assert "0.5天" not in [f.text for f in approval]


@pytest.mark.parametrize(
    ("text", "figure", "topic"),
    [
        # The subject of each clause, not the nearest name: 0.5天 is 企业开办's, 55 is approval's.
        (
            "企业开办实现0.5天零成本办理,工程建设项目全流程审批时限压减至55个工作日以内。",
            "0.5天",
            "企业开办",
        ),
        (
            "企业开办实现0.5天零成本办理,工程建设项目全流程审批时限压减至55个工作日以内。",
            "55个工作日",
            "工程建设项目审批",
        ),
        # 全程网办 is the object of 实现; the clause is about 企业设立 (企业开办).
        ("企业设立登记实现全程网办,办理时间压至2个工作日内;", "2个工作日", "企业开办"),
        # Traditional text, the topic in the figure's own subject.
        ("企業開辦全流程辦理時限在2.5個小時的基礎上實現即來即辦", "2.5個小時", "企业开办"),
        # A topic named only in a later clause says nothing about the figure.
        ("累计查破各类涉项目(企业)案件6起,强力处置工程建设项目被阻工案。", "6起", None),
        # A topic named deep in an earlier clause is that clause's object.
        ("强力处置新城基础配套工程建设项目被阻工案,分别治安拘留2人、罚款1人。", "2人", None),
        # An earlier clause's subject lends its topic.
        ("重大产业项目审批时效提速50%以上,30天即可开工建设。", "30天", "工程建设项目审批"),
        # No topic in the sentence: no topic.
        ("全市新开办各类企业7529户,同比增加38.6%。", "38.6%", None),
    ],
)
def test_which_topic_a_figure_is_about(text, figure, topic):
    from documents.figures import extract_figures

    mentions = thesaurus().mentions(text)
    found = {f.text: figure_topics(f, mentions, text) for f in extract_figures(text)}
    names = [thesaurus().get(slug).name for slug in found[figure]]
    assert names == ([topic] if topic else [])


# -- the compare view ------------------------------------------------------------------------


def test_compare_business_startup_across_four_cities(client, seeds):
    response = _compare(client, "企业开办")
    assert response.status_code == 200
    columns = _columns(response.content.decode())
    assert list(columns) == ["金昌市", "张掖市", "湘潭市", "枣庄市"]
    jinchang = columns["金昌市"]
    assert "2.5個小時" in jinchang and "即來即辦" in jinchang
    assert escape("企業開辦全流程辦理時限在2.5個小時的基礎上實現即來即辦") in jinchang
    assert "0.5天" in columns["张掖市"]
    assert "企业开办实现0.5天零成本办理" in columns["张掖市"]
    assert "2个工作日内" in columns["湘潭市"]
    assert "企业设立登记实现全程网办,办理时间压至2个工作日内" in columns["湘潭市"]
    assert "一日" in columns["枣庄市"] and "企业开办实现一日办结" in columns["枣庄市"]
    for name, column in columns.items():
        assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\d\"", column) or "年份不详" in column, (
            name
        )


def test_compare_construction_approval(client, seeds):
    columns = _columns(_compare(client, "工程建设项目审批").content.decode())
    assert "30個工作日以內" in columns["金昌市"]
    assert "工程建設項目全流程審批時限壓減至30個工作日以內" in columns["金昌市"]
    assert "55个工作日以内" in columns["张掖市"]
    xiangtan = columns["湘潭市"]
    assert "30天" in xiangtan and "30天即可开工建设" in xiangtan
    assert "30个工作日" in xiangtan and "湘潭县" in xiangtan


def _charts(html: str) -> dict[str, str]:
    """The compare page's charts by measure code."""
    found = re.findall(
        r'<figure class="chart" data-measure="([^"]+)"[^>]*>(.*?)</figure>', html, re.S
    )
    return dict(found)


def test_compare_draws_one_chart_per_measure_with_every_region(client, seeds):
    html = _compare(client, "工程建设项目审批").content.decode()
    charts = _charts(html)
    assert "time_limit" in charts
    chart = charts["time_limit"]
    svg = chart.split("</svg>")[0]
    assert svg.count("<rect") >= 3
    assert "金昌市" in svg and "张掖市" in svg and "湘潭市" in svg
    # On one axis of working days: 55 个工作日 is the longest bar.
    widths = {
        label: int(width)
        for label, width in re.findall(r"<title>(\S+) ·[^<]*</title>.*?width=\"(\d+)\"", svg, re.S)
    }
    assert widths["张掖市"] == max(widths.values())
    # Its data as a table too (screen readers; phones), every region a row.
    table = chart.split("</svg>")[1]
    assert "<table" in table and table.count('<th scope="row">') >= 4


def test_business_startup_times_share_one_duration_chart(client, seeds):
    """Issue 20's acceptance: 2.5 小时, 0.5 天, 2 个工作日 and 一日 in one chart, sentences
    one click away, colours the same region everywhere."""
    html = _compare(client, "企业开办").content.decode()
    chart = _charts(html)["time_limit"]
    table = chart.split("</svg>")[1]
    rows = re.findall(
        r'<tr><th scope="row"><span class="swatch region-(\d)"[^>]*></span>([^<]+)</th>(.*?)</tr>',
        table,
        re.S,
    )
    by_region: dict[str, list[str]] = {}
    colours: dict[str, str] = {}
    for colour, region, cells in rows:
        by_region.setdefault(region, []).append(cells)
        colours[region] = colour
    assert "2.5小時" in " ".join(by_region["金昌市"]) and "即來即辦" in " ".join(
        by_region["金昌市"]
    )
    assert "0.5天" in " ".join(by_region["张掖市"])
    assert "2个工作日" in " ".join(by_region["湘潭市"])
    assert "一日" in " ".join(by_region["枣庄市"])
    assert all("/releases/" in cells for cell_list in by_region.values() for cells in cell_list)
    assert [colours[r] for r in ("金昌市", "张掖市", "湘潭市", "枣庄市")] == ["0", "1", "2", "3"]
    legend = html.split('<ul class="legend"')[1].split("</ul>")[0]
    assert re.findall(r"region-(\d)", legend) == ["0", "1", "2", "3"]
    assert "工作日计算" in chart  # the conversion of 天 is stated
    # One statement written twice (金昌 repeats the paragraph) is one row.
    assert len(by_region["金昌市"]) == len(set(by_region["金昌市"]))


def test_the_glance_table_has_a_row_per_region(client, seeds):
    html = _compare(client, "企业开办").content.decode()
    table = html.split('<table class="glance-table">')[1].split("</table>")[0]
    assert "办理时限" in table
    for region in ("金昌市", "张掖市", "湘潭市", "枣庄市"):
        assert region in table


def test_a_region_without_the_measure_keeps_its_row(client, seeds):
    html = _compare(client, "企业开办", "金昌市,呼和浩特市").content.decode()
    chart = _charts(html)["time_limit"]
    assert "未见此项数据" in chart and "呼和浩特市" in chart


def test_compare_over_time_needs_one_region(client, seeds):
    html = _compare(client, "企业开办", "金昌市", over="year").content.decode()
    columns = _columns(html)
    assert columns and all(name.startswith("金昌市 ") for name in columns)
    mixed = _compare(client, "企业开办", "金昌市,张掖市", over="year").content.decode()
    assert "按年份比较只用于一个地区" in mixed


def test_the_picker_lists_regions_with_data_by_province(client, seeds):
    html = client.get("/compare/?" + urlencode({"topic": "企业开办"})).content.decode()
    picker = html.split('class="region-picker"')[1].split("</fieldset>\n  <label")[0]
    assert "甘肃省" in picker and "金昌市" in picker and "jinchang" in picker
    assert 'value="620300"' in picker  # 金昌市 by code
    # Ticked boxes compare, the same as a typed list.
    ticked = client.get("/compare/?topic=企业开办&region=620300&region=620700").content.decode()
    assert list(_columns(ticked)) == ["金昌市", "张掖市"]


def test_pinyin_names_a_region(client, seeds):
    html = _compare(client, "企业开办", "Jinchang, zhangye").content.decode()
    assert list(_columns(html)) == ["金昌市", "张掖市"]


def test_the_start_offers_comparisons(client, seeds):
    html = client.get("/compare/").content.decode()
    assert 'class="starters"' in html and "regions=" in html


def test_compare_csv_is_utf8_with_bom_and_has_the_figures(client, seeds):
    response = _compare(client, "企业开办", format="csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    by_region = {}
    for row in rows:
        by_region.setdefault(row["地区"], []).append(row)
    assert set(by_region) == {"金昌市", "张掖市", "湘潭市", "枣庄市"}
    zhangye = [r for r in by_region["张掖市"] if r["原文"] == "0.5天"]
    assert zhangye and zhangye[0]["数值"] == "0.5" and zhangye[0]["单位"] == "天"
    assert "企业开办实现0.5天零成本办理" in zhangye[0]["句子"]
    assert zhangye[0]["链接"].startswith("http://testserver/releases/")
    assert any(r["变为"] == "即來即辦" for r in by_region["金昌市"])
    # The measure and the converted value, and which rows the charts and the glance show.
    jinchang = [r for r in by_region["金昌市"] if r["原文"] == "2.5小時"]
    assert jinchang and jinchang[0]["度量"] == "办理时限"
    assert (jinchang[0]["换算值"], jinchang[0]["换算单位"]) == ("0.3125", "工作日")
    assert jinchang[0]["画入图表"] == "是"
    assert any(r["列入一览"] == "是" for r in rows)


def test_compare_accepts_codes_traditional_names_and_topic_terms(client, seeds):
    jinchang = Region.objects.get(name="金昌市")
    by_code = _columns(
        _compare(client, "企業開辦", regions=f"{jinchang.code}，張掖市").content.decode()
    )
    assert list(by_code) == ["金昌市", "张掖市"]
    by_slug = _compare(client, Topic.objects.get(name="企业开办").slug, regions="金昌")
    assert list(_columns(by_slug.content.decode())) == ["金昌市"]


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"topic": "不存在的主题", "regions": "金昌市"}, 400, "没有找到主题"),
        ({"topic": "企业开办", "regions": "火星市"}, 200, "没有找到地区"),
        ({"topic": "企业开办"}, 200, "请给出要比较的地区"),
        ({"topic": "企业开办", "regions": "金昌市", "format": "csv", "x": "1"}, 200, ""),
        ({"topic": "不存在", "regions": "金昌市", "format": "csv"}, 400, "没有找到主题"),
        ({"topic": "企业开办", "format": "csv"}, 400, "请给出要比较的地区"),
        ({"topic": "企" * 5000, "regions": "金" * 5000}, 400, "没有找到主题"),
    ],
)
def test_compare_bad_input_gets_a_clear_message(client, seeds, params, status, message):
    response = client.get("/compare/?" + urlencode(params))
    assert response.status_code == status
    assert message in response.content.decode("utf-8-sig")


def test_compare_without_parameters_offers_the_form(client, seeds):
    html = client.get("/compare/").content.decode()
    assert 'name="topic"' in html and "企业开办" in html


# -- topic pages, region panels, release figures -----------------------------------------------


def test_topic_index_lists_at_least_25_topics_with_counts(client, seeds):
    html = client.get("/topics/").content.decode()
    links = re.findall(r'<a href="/topics/([a-z0-9-]+)/">', html)
    assert len(links) >= 25
    assert "企业开办" in html and "接诉即办" in html
    # In pinyin order, topics with sections first, the others apart.
    table = html.split('<table class="topic-table">')[1].split("</table>")[0]
    names = re.findall(r'<th scope="row"><a href="/topics/[a-z0-9-]+/">([^<]+)</a>', table)
    assert names == sorted(names, key=pinyin.sort_key)
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>\s*<td class="num">', table)]
    assert counts and min(counts) > 0


def test_topic_page_lists_sections_per_region(client, seeds):
    topic = Topic.objects.get(name="企业开办")
    html = client.get(topic.get_absolute_url()).content.decode()
    for name in ("金昌市", "张掖市", "湘潭市", "枣庄市", "全国"):
        assert f">{name}</a>" in html
    assert "<mark>企业开办</mark>" in html
    assert "/compare/?topic=" in html
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_region_page_has_figures_at_a_glance_and_topic_coverage(client, seeds):
    region = Region.objects.get(name="张掖市")
    html = client.get(region.get_absolute_url()).content.decode()
    assert "数据一览" in html and "主题覆盖" in html
    glance = html.split('class="glance"')[1].split("</section>")[0]
    assert "0.5天" in glance or "55个工作日" in glance
    coverage = html.split('class="coverage"')[1].split("</section>")[0]
    assert "企业开办" in coverage and "工程建设项目审批" in coverage


def test_release_page_lists_figures_linking_to_their_sentences(client, seeds):
    release = seeds["001"]
    html = client.get(release.get_absolute_url()).content.decode()
    figure = Figure.objects.select_related("section").get(release=release, text="55个工作日")
    assert f'href="{figure.get_absolute_url()}"' in html
    anchor = figure.sentence_anchor
    span = re.search(rf'<span class="fig-sentence" id="{anchor}">(.*?)</span>', html, re.S)
    assert span and "55个工作日" in span.group(1)


def test_release_page_marks_sentences_in_either_script(client, seeds):
    release = seeds["000"]
    figure = Figure.objects.select_related("section").filter(release=release).first()
    client.get("/script/hans/")
    html = client.get(release.get_absolute_url()).content.decode()
    assert f'id="{figure.sentence_anchor}"' in html
    assert "企业开办" in html  # shown in Simplified


# -- search: topic filter and synonyms ---------------------------------------------------------


def test_topic_filter_finds_sections_with_any_term_and_says_so(client, seeds):
    html = client.get("/search/?" + urlencode({"topic": "企业开办"})).content.decode()
    assert "主题「企业开办」" in html
    assert "企业设立" in html  # the expansion is shown
    assert "<mark>企业设立</mark>" in html or "<mark>企業開辦</mark>" in html


def test_synonyms_switch_expands_a_thesaurus_term(client, seeds):
    plain = client.get("/search/?" + urlencode({"q": "放管服", "region": "湘潭市"})).content
    wide = client.get(
        "/search/?" + urlencode({"q": "放管服", "region": "湘潭市", "synonyms": "1"})
    ).content.decode()
    assert "已扩展同义词" in wide and "简政放权" in wide
    assert len(re.findall(r'class="result"', wide)) >= len(
        re.findall(r'class="result"', plain.decode())
    )


def test_unknown_topic_filter_is_a_clear_400(client, seeds):
    response = client.get("/search/?" + urlencode({"q": "营商环境", "topic": "没有这个主题"}))
    assert response.status_code == 400
    assert "没有找到主题" in response.content.decode()


def test_api_search_reads_the_topic_filter(client, seeds):
    data = client.get("/api/search?" + urlencode({"topic": "接诉即办"})).json()
    assert data["total"] > 0


# -- similar sections ------------------------------------------------------------------------


def test_similar_sections_come_from_other_regions(client, seeds):
    section = Section.objects.get(
        release=seeds["001"], text__contains="企业开办实现0.5天零成本办理"
    )
    html = client.get(f"/sections/{section.pk}/similar/").content.decode()
    regions = re.findall(r'<li class="result" data-region="([^"]*)">', html)
    assert regions, "no similar section found"
    assert "张掖市" not in regions
    assert len(regions) <= 10
    assert client.get("/sections/999999999/similar/").status_code == 404


def test_release_page_links_each_section_to_its_similar_sections(client, seeds):
    html = client.get(seeds["002"].get_absolute_url()).content.decode()
    assert html.count("其他地区的相似段落") >= 5


def test_api_search_lists_expansions(client, seeds):
    data = client.get("/api/search?" + urlencode({"q": "放管服", "synonyms": "1"})).json()
    (expansion,) = data["expansions"]
    assert expansion["source"] == "放管服" and not expansion["filter"]
    assert "简政放权" in expansion["terms"]


@pytest.mark.django_db
def test_a_range_is_listed_once_as_the_sentence_writes_it(client):
    from tests.documents.test_release_metadata_fields import new_text, parsed_with, store

    release = store(parsed_with(new_text("工程建设项目竣工验收办理时限为3-5个工作日。")))
    ends = [f for f in release.figures.all() if "区间" in f.qualifier.split()]
    assert [(f.text, f.unit, f.certain) for f in ends] == [
        ("3", "个工作日", False),
        ("5个工作日", "个工作日", False),
    ]
    page = client.get(release.get_absolute_url()).content.decode()
    listed = re.search(r'<details class="release-figures".*?</details>', page, re.S).group()
    values = re.findall(r'<strong class="fig-value">([^<]*)</strong>', listed)
    assert values.count("3-5个工作日") == 1
    assert "3" not in values and "5个工作日" not in values
