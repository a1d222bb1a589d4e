"""HTML pages state their own metadata; extraction reads it and keeps it out of the body.

The pages are hand-written after the layouts portals really use: gov.cn's policy page (a
信息索引表 of ``<td><b>索 引 号：</b></td><td>…</td>`` cells over a one-column layout table), a
provincial portal (TRS-style ``<meta name="ArticleTitle">`` tags, a ``<li><span>文　　号：</span>``
list and a ``发布时间： 来源：`` line under the ``<h1>``), a Traditional-script ``dl`` and a page
that states nothing. Each is read in UTF-8 and in GBK.
"""

from __future__ import annotations

from datetime import date

import pytest

from documents.choices import Precision
from documents.ingest.formats import extract_text
from documents.ingest.formats.page_meta import choose_title, strip_meta_lines
from documents.ingest.hints import NO_HINTS
from documents.services import parse_upload

GOV_TITLE = "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"
BODY = (
    "<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>"
    "<p>在市场监管领域全面推行“双随机、一公开”监管，是党中央、国务院作出的重大决策部署，"
    "是市场监管理念和方式的重大创新，是深化“放管服”改革、加快政府职能转变的内在要求。</p>"
    "<p>一、总体要求</p>"
    "<p>以习近平新时代中国特色社会主义思想为指导，认真落实党中央、国务院决策部署，"
    "切实转变监管理念，创新监管方式，减轻企业负担，优化营商环境。</p>"
    "<p>国务院</p><p>2019年1月27日</p>"
)

GOV_CN = f"""<!DOCTYPE html>
<html><head><meta charset="{{charset}}"><title>{GOV_TITLE}_政府信息公开专栏</title>
<meta name="keywords" content="监管"><meta name="description" content="摘要不是元数据">
</head><body>
<div class="wrap">
 <table width="930"><tbody><tr><td>
  <table width="860" class="bd1"><tbody>
   <tr><td width="70"><b>索 引 号：</b></td><td>000014349/2019-00007</td>
       <td width="70"><b>主题分类：</b></td><td>市场监管、安全生产监管\\工商</td></tr>
   <tr><td><b>发文机关：</b></td><td>国务院</td>
       <td><b>成文日期：</b></td><td>2019年01月27日</td></tr>
   <tr><td><b>标　　题：</b></td><td colspan="3">{GOV_TITLE}</td></tr>
   <tr><td><b>发文字号：</b></td><td>国发〔2019〕5号</td>
       <td><b>发布日期：</b></td><td>2019年02月15日</td></tr>
  </tbody></table>
  <table width="860" class="bd1"><tbody>
   <tr><td><b>主 题 词：</b></td><td></td><td></td><td></td></tr>
  </tbody></table>
 </td></tr></tbody></table>
 <br>
 <table width="930"><tbody><tr><td>
  <table width="650"><tbody><tr><td class="b12c" id="UCAP-CONTENT">
   <p style="text-align:center"><b>国务院关于在市场监管领域全面推行<br>
   部门联合“双随机、一公开”监管的意见</b></p>
   <p style="text-align:center">国发〔2019〕5号</p>
   {BODY}
  </td></tr></tbody></table>
 </td></tr></tbody></table>
</div></body></html>"""

PROVINCE_TITLE = "某省人民政府办公厅关于进一步优化营商环境的若干措施"
PROVINCE = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={{charset}}">
<title>{PROVINCE_TITLE} - 某省人民政府门户网站</title>
<META NAME="ArticleTitle" CONTENT="{PROVINCE_TITLE}">
<meta name="pubdate" content="2024-01-02 10:30">
<meta name="ContentSource" content="某省人民政府办公厅">
<meta name="Author" content="省政府办公厅">
<meta name="ColumnName" content="省政府文件">
<meta name="SiteName" content="某省人民政府门户网站">
<meta property="og:url" content="http://www.example.gov.cn/art/2024/1/2/art_1.html">
<link rel="canonical" href="https://www.example.gov.cn/art_1.html">
</head><body>
<div class="crumb"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<div class="xxgk">
 <ul>
  <li><span>索引号：</span>11330000002482870P/2024-00001</li>
  <li><span>发布机构：</span>省政府办公厅</li>
  <li><span>文　　号：</span>某政办发〔2024〕1号</li>
  <li><span>生成日期：</span>2023-12-28</li>
  <li><span>公开日期：</span>2024-01-02</li>
  <li><span>有 效 性：</span>有效</li>
 </ul>
</div>
<div class="article">
 <h1>{PROVINCE_TITLE}</h1>
 <div class="article-info"><span>发布时间：2024-01-02 10:30</span>
  <span>来源：<a href="#">某某日报</a></span><span>【字体：大 中 小】</span></div>
 <div class="content">{BODY}</div>
</div>
</body></html>"""

TRADITIONAL = """<html><head><meta charset="{charset}"><title>辦法</title></head><body>
<dl class="doc-attr">
 <dt>索 引 號</dt><dd>000014349/2023-00012</dd>
 <dt>發文機關：</dt><dd>某某市人民政府</dd>
 <dt>發文字號：</dt><dd>某府規〔2023〕3號</dd>
 <dt>成文日期：</dt><dd>2023年5月4日</dd>
 <dt>效力狀態：</dt><dd>現行有效</dd>
</dl>
<h1>某某市優化營商環境實施辦法</h1>
<p>資訊來源：某某日報</p>
<p>第一條　為持續優化營商環境，激發市場主體活力，依據有關法律法規，結合本市實際，制定本辦法。</p>
<p>第二條　本辦法適用於本市行政區域內優化營商環境的相關工作，各有關部門應當依照職責做好落實。</p>
</body></html>"""

PLAIN = """<html><head><meta charset="{charset}"><title>关于开展政策宣讲的通知</title></head>
<body><p>各有关单位：</p>
<p>为做好政策宣讲工作，现将有关事项通知如下，请各单位认真组织，确保宣讲取得实效，按时报送总结材料。</p>
<p>特此通知。</p></body></html>"""

ENCODINGS = [("utf-8", "utf-8"), ("gbk", "gb18030")]


def extract(page: str, charset: str, codec: str):
    return extract_text(page.replace("{charset}", charset).encode(codec), "page.html")


@pytest.mark.parametrize(("charset", "codec"), ENCODINGS)
def test_gov_cn_index_table_fills_every_hint(charset, codec):
    result = extract(GOV_CN, charset, codec)
    hints = result.hints
    assert hints.index_no == "000014349/2019-00007"
    assert hints.subject == "市场监管、安全生产监管\\工商"
    assert hints.issuer == "国务院"
    assert hints.written == "2019年01月27日"
    assert hints.title == GOV_TITLE
    assert hints.doc_number == "国发〔2019〕5号"
    assert hints.published == "2019年02月15日"
    assert (hints.source, hints.url, hints.validity, hints.category) == ("", "", "", "")
    assert result.title == GOV_TITLE  # not the <title> with the site's suffix


@pytest.mark.parametrize(("charset", "codec"), ENCODINGS)
def test_gov_cn_index_table_is_not_in_the_text(charset, codec):
    text = extract(GOV_CN, charset, codec).text
    for label in ("索", "主题分类", "发文机关", "成文日期", "标", "主 题 词", "000014349"):
        assert not any(line.startswith(label) for line in text.splitlines()), label
    assert "000014349/2019-00007" not in text
    assert "2019年02月15日" not in text


def test_layout_tables_keep_paragraphs_apart():
    paragraphs = extract(GOV_CN, "utf-8", "utf-8").text.split("\n\n")
    assert "一、总体要求" in paragraphs
    assert "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：" in paragraphs
    assert "国发〔2019〕5号" in paragraphs


@pytest.mark.parametrize(("charset", "codec"), ENCODINGS)
def test_provincial_meta_tags_list_and_info_line(charset, codec):
    result = extract(PROVINCE, charset, codec)
    hints = result.hints
    assert hints.title == PROVINCE_TITLE
    assert hints.index_no == "11330000002482870P/2024-00001"
    assert hints.issuer == "省政府办公厅"
    assert hints.doc_number == "某政办发〔2024〕1号"
    assert hints.written == "2023-12-28"
    assert hints.published == "2024-01-02"  # the page's 公开日期, before its meta PubDate
    assert hints.validity == "有效"
    assert hints.source == "某某日报"
    assert hints.author == "省政府办公厅"
    assert hints.category == "省政府文件"
    assert hints.url == "https://www.example.gov.cn/art_1.html"  # canonical beats og:url
    assert result.title == PROVINCE_TITLE


@pytest.mark.parametrize(("charset", "codec"), ENCODINGS)
def test_provincial_furniture_is_not_in_the_text(charset, codec):
    text = extract(PROVINCE, charset, codec).text
    for furniture in ("来源", "某某日报", "发布时间", "索引号", "有效性", "字体", "某政办发"):
        assert furniture not in text, furniture
    first = text.split("\n\n")[0]
    assert first in (PROVINCE_TITLE, "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：")


@pytest.mark.parametrize(("charset", "codec"), [("utf-8", "utf-8"), ("big5", "big5")])
def test_traditional_labels_in_a_definition_list(charset, codec):
    result = extract(TRADITIONAL, charset, codec)
    hints = result.hints
    assert hints.index_no == "000014349/2023-00012"
    assert hints.issuer == "某某市人民政府"
    assert hints.doc_number == "某府規〔2023〕3號"  # values stay as written
    assert hints.written == "2023年5月4日"
    assert hints.validity == "現行有效"
    assert hints.source == "某某日報"
    assert result.title == "某某市優化營商環境實施辦法"
    assert "來源" not in result.text
    assert "索 引 號" not in result.text
    assert "000014349" not in result.text


@pytest.mark.parametrize(("charset", "codec"), ENCODINGS)
def test_a_page_that_states_nothing_has_no_hints(charset, codec):
    result = extract(PLAIN, charset, codec)
    assert result.hints == NO_HINTS
    assert result.title == "关于开展政策宣讲的通知"
    assert result.text.startswith("各有关单位：")
    assert "特此通知。" in result.text


def test_a_source_line_above_the_title_never_opens_the_text():
    page = """<html><head><meta charset="utf-8">
    <meta name="ArticleTitle" content="市政府关于促进民营经济发展的意见"></head><body>
    <div class="main"><p>来源：某某日报</p><h1>市政府关于促进民营经济发展的意见</h1>
    <p>2024-03-05 09:00　来源：市政府办公室</p>
    <p>为促进民营经济高质量发展，进一步激发民营经济活力，结合本市实际，提出以下意见，请认真贯彻执行。</p>
    <p>一、优化发展环境。持续破除市场准入壁垒，全面落实公平竞争审查制度，保障民营企业平等使用要素。</p>
    </div></body></html>"""
    result = extract_text(page.encode("utf-8"), "page.html")
    assert "来源" not in result.text
    assert "2024-03-05" not in result.text
    assert result.hints.source == "某某日报"
    assert result.hints.published == "2024-03-05 09:00"


def test_when_article_title_and_h1_disagree_the_one_in_the_text_wins():
    page = """<html><head><meta charset="utf-8">
    <meta name="ArticleTitle" content="关于印发某某办法的通知（征求意见稿）"></head><body>
    <h1>关于印发某某市促进就业若干办法的通知</h1>
    <p>各区人民政府，市政府各委、办、局：现将《某某市促进就业若干办法》印发给你们，请认真贯彻执行，抓好落实。</p>
    </body></html>"""
    assert extract_text(page.encode("utf-8"), "page.html").title == (
        "关于印发某某市促进就业若干办法的通知"
    )


def test_a_logo_heading_inside_the_title_does_not_replace_it():
    candidates = ["某某市人民政府关于加强安全生产的通知", "某某市人民政府"]
    text = "各区县：\n\n为加强安全生产……\n\n某某市人民政府\n\n2024年1月2日"
    assert choose_title(candidates, text) == candidates[0]


def test_extractor_kept_index_rows_are_stripped_but_content_tables_are_not():
    text = (
        "| 索 引 号： | 000014349/2019-00007 | 主题分类： | 市场监管 |\n"
        "| 发文字号： | 国发〔2019〕5号 | 发布日期： | 2019年02月15日 |\n\n"
        "来源：某某日报\n\n"
        "关于某某的通知\n\n"
        "| 发布日期 | 文号 | 标题 |\n"
        "| 2024-01-02 | 某发〔2024〕1号 | 关于某某工作的通知，请各单位认真贯彻执行 |"
    )
    kept = strip_meta_lines(text)
    assert "000014349" not in kept
    assert "国发〔2019〕5号" not in kept
    assert "来源" not in kept
    assert kept.startswith("关于某某的通知")
    assert "| 发布日期 | 文号 | 标题 |" in kept


TAINAN_LEAD = (
    "台南縣市合併8週年，市府今（22）日於永華市政中心舉行感恩與祝福茶會，台南市長李孟諺以"
    "「看見未來 大步向前」為題，向全體市民報告過去八年來各項政策的推動及執行成果，感謝市民、"
    "市府團隊，以及議會的支持。"
)


def tainan_page(info: str) -> bytes:
    """A Taiwan city government's news page (臺南市政府全球資訊網's layout): the date and a
    view counter on one info line under the heading, the date in the Republic's era or not."""
    return f"""<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="utf-8">
    <title>台南縣市合併8周年：感謝市民全力支持 讓台南大步向前_臺南市政府全球資訊網</title></head>
    <body><div class="crumb">首頁 ＞ 市政新聞</div><div class="article">
    <h1>台南縣市合併8周年：感謝市民全力支持 讓台南大步向前</h1>
    <div class="info">{info}</div>
    <p>（新聞及國際關係處發布）</p><p>{TAINAN_LEAD}</p>
    <p>李市長表示，縣市合併之初，台南縣市加總的預算規模與人口結構都面臨整合的挑戰，八年來市府團隊逐步完成各項建設。</p>
    </div></body></html>""".encode()


def test_a_republic_era_date_beside_a_view_counter_is_the_publication_date():
    result = extract_text(tainan_page("發布日期:107-12-22 點閱次數:91506"), "page.html")
    assert result.hints.published == "107-12-22"  # the counter is a label of its own
    assert "點閱次數" not in result.text
    upload = parse_upload(tainan_page("發布日期:107-12-22 點閱次數:91506"), "page.html")
    published = upload.parsed.metadata.published
    assert (published.value, published.precision) == (date(2018, 12, 22), Precision.DAY)
    assert not any("日期列" in w for w in upload.warnings)


def test_an_update_date_dates_a_page_only_when_nothing_else_does():
    upload = parse_upload(tainan_page("更新日期：2018/12/25"), "page.html")
    assert upload.parsed.metadata.published.value == date(2018, 12, 25)
    assert any("取更新日期" in w for w in upload.warnings)  # flagged for the editor to check
    both = parse_upload(tainan_page("發布日期：2018/12/22 更新日期：2018/12/25"), "page.html")
    assert both.parsed.metadata.published.value == date(2018, 12, 22)
    assert not any("取更新日期" in w for w in both.warnings)
