"""The policy-topic thesaurus: the shipped file, its validation, lookups and the matcher.

The matcher is checked on real text: the five seed releases (one in Traditional script) and the
national government work reports, so the thesaurus is known to cover what the portal holds, and
offsets are checked against the text as written, because pages mark mentions with them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from documents.script import fold
from documents.topics import (
    Mention,
    Thesaurus,
    ThesaurusError,
    Topic,
    load_thesaurus,
    thesaurus,
    thesaurus_path,
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "fixtures" / "seeds"
CORPUS_FILE = ROOT / "fixtures" / "corpora" / "national-government-work-reports.jsonl"
SHIPPED = ROOT / "fixtures" / "topics.yaml"

#: Topics the portal's pages and tests rely on, with terms each must have.
REQUIRED = {
    "fangguanfu": ("放管服改革", ["简政放权", "放管结合", "优化服务", "放管服"]),
    "qiye-kaiban": ("企业开办", ["企业设立", "开办企业"]),
    "gongcheng-shenpi": (
        "工程建设项目审批",
        [
            *("工程建设项目", "项目审批", "开工审批", "施工许可", "工程建设审批"),
            *("多规合一", "联合验收", "区域评估"),
        ],
    ),
    "yiwang-tongban": ("一网通办", ["政务服务平台", "全程网办", "网上办", "掌上办"]),
    "jiesu-jiban": ("接诉即办", ["12345热线", "12345", "市民热线", "政务服务便民热线"]),
    "xinyong-tixi": (
        "社会信用体系",
        ["社会信用", "信用修复", "守信激励", "失信惩戒", "信用监管", "信易贷"],
    ),
    "gongping-jingzheng": ("公平竞争审查", ["公平竞争"]),
    "zhishi-chanquan": ("知识产权", ["知识产权保护", "专利", "商标"]),
    "zhaoshang-yinzi": ("招商引资", ["招商", "双招双引", "签约项目", "投资促进"]),
    "rongzi": (
        "融资与金融支持",
        ["融资", "贷款", "信贷", "银税互动", "普惠金融", "首贷", "续贷", "融资担保"],
    ),
    "biaozhundi": ("标准地", ["拿地即开工", "标准地出让"]),
    "jianshui-jiangfei": ("减税降费", ["退税", "税费减免", "留抵退税"]),
    "shichang-zhunru": ("市场准入", ["负面清单", "非禁即入", "准入不准营", "证照分离", "一业一证"]),
    "yijianshi-yicibari": (
        "一件事一次办",
        ["高效办成一件事", "一次办好", "最多跑一次"],
    ),
    "budongchan-dengji": ("不动产登记", []),
    "shuidianqi-baozhuang": (
        "水电气暖报装",
        ["用水报装", "用电报装", "获得电力", "水电气暖", "联合报装"],
    ),
    "kuajing-maoyi": ("跨境贸易", ["通关", "口岸", "单一窗口"]),
    "zhengfu-caigou": ("政府采购与招投标", ["政府采购", "招标投标", "招投标", "公共资源交易"]),
    "shexi-shoufei": ("涉企收费", []),
    "qingqian": ("清理拖欠企业账款", ["拖欠中小企业账款", "清欠"]),
    "zhixing-hetong": ("商业纠纷与执行合同", ["商业纠纷", "执行合同", "涉企案件"]),
    "banli-pochan": ("办理破产", ["破产", "企业注销", "简易注销"]),
    "zhongxiao-touzizhe": ("保护中小投资者", ["中小投资者"]),
    "shichang-jianguan": (
        "市场监管",
        ["双随机一公开", "双随机、一公开", "双随机", "包容审慎监管", "综合执法", "首违不罚"],
    ),
    "zhengwu-fuwu-biaozhunhua": (
        "政务服务标准化",
        ["一窗受理", "综合窗口", "帮办代办", "容缺受理", "告知承诺"],
    ),
    "minying-jingji": (
        "民营经济",
        ["民营企业", "个体工商户", "中小微企业", "纾困"],
    ),
    "rencai-yinjin": ("人才引进", []),
    "shuzi-zhengfu": ("数字政府", ["电子证照", "一网统管"]),
    "qinqing-zhengshang": ("亲清政商关系", ["亲清", "政商关系", "企业家座谈", "营商环境投诉"]),
    "yingshang-pingjia": ("营商环境评价", ["营商环境指标"]),
    "kaifaqu": ("开发区与产业园区", ["开发区", "产业园"]),
    "yongdi": ("用地保障", ["用地", "土地要素", "批而未供"]),
}


def seed(prefix: str) -> str:
    (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def corpus() -> list[dict]:
    with CORPUS_FILE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def reports() -> dict[int, dict]:
    """The work reports by year (the resolutions have no year)."""
    return {int(r["year"]): r for r in corpus() if r["year"]}


@pytest.fixture(scope="module")
def th() -> Thesaurus:
    return load_thesaurus(SHIPPED)


@pytest.fixture
def fresh_cache():
    """``thesaurus()`` is process-wide: start and leave it empty around a test that fills it."""
    thesaurus.cache_clear()
    yield
    thesaurus.cache_clear()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def slugs_terms(mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(m.slug, m.term) for m in mentions]


# --- the shipped thesaurus ---------------------------------------------------------------


def test_shipped_thesaurus_loads_with_the_required_topics_and_terms(th):
    assert len(th.topics) >= 30
    for slug, (name, terms) in REQUIRED.items():
        topic = th.get(slug)
        assert topic is not None, slug
        assert topic.name == name
        assert topic.description and "\n" not in topic.description
        missing = [t for t in terms if t not in topic.terms]
        assert not missing, (slug, missing)


def test_shipped_terms_are_simplified_unique_and_not_too_generic(th):
    owner: dict[str, str] = {}
    for topic in th.topics:
        assert topic.terms[0] == topic.name
        assert len(topic.terms) == len(set(topic.terms))
        for term in topic.terms:
            assert fold(term) == term, term
            assert owner.setdefault(term, topic.slug) == topic.slug, term
    for generic in ("企业", "服务", "改革", "项目", "政务服务", "营商环境", "市场主体", "大数据"):
        assert th.topic_of_term(generic) is None, generic


def test_terms_and_expansion_are_name_synonyms_abbreviations_once_each():
    topic = Topic(
        "fangguanfu", "放管服改革", "…", ("简政放权", "放管服改革", "放管结合"), ("放管服",)
    )
    assert topic.terms == ("放管服改革", "简政放权", "放管结合", "放管服")
    assert topic.expansion == topic.terms


def test_default_path_is_the_repository_file(settings, fresh_cache):
    if hasattr(settings, "PORTAL_TOPICS_FILE"):
        del settings.PORTAL_TOPICS_FILE
    assert thesaurus_path() == Path(settings.BASE_DIR) / "fixtures" / "topics.yaml"
    assert thesaurus_path().resolve() == SHIPPED.resolve()
    assert thesaurus() is thesaurus()
    assert thesaurus().get("qiye-kaiban") is not None


def test_setting_points_at_another_file_and_cache_clear_rereads(settings, tmp_path, fresh_cache):
    path = write(
        tmp_path,
        "- slug: only-one\n  name: 只有一个\n  description: 测试用。\n  synonyms: [唯一主题]\n",
    )
    settings.PORTAL_TOPICS_FILE = str(path)
    assert thesaurus_path() == path
    assert [t.slug for t in thesaurus().topics] == ["only-one"]
    path.write_text(path.read_text(encoding="utf-8").replace("唯一主题", "另一个词"), "utf-8")
    assert thesaurus().find("另一个词") is None  # cached until cleared
    thesaurus.cache_clear()
    assert thesaurus().find("另一个词").slug == "only-one"


# --- validation --------------------------------------------------------------------------

GOOD = "- slug: qiye-kaiban\n  name: 企业开办\n  description: 开办企业。\n  synonyms: [企业设立]\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            GOOD + GOOD.replace("企业开办", "开办").replace("企业设立", "设立"),
            ["entry 2", "duplicate slug 'qiye-kaiban'", "entry 1"],
            id="duplicate-slug",
        ),
        pytest.param(
            GOOD + "- slug: other\n  name: 其他\n  description: 其他。\n  synonyms: [企业设立]\n",
            ["entry 2 (other)", "'企业设立'", "already belongs to topic 'qiye-kaiban'"],
            id="term-in-two-topics",
        ),
        pytest.param(
            GOOD
            + "- slug: other\n  name: 其他\n  description: 其他。\n  abbreviations: [企業開辦]\n",
            ["entry 2 (other)", "Simplified"],
            id="traditional-term",
        ),
        pytest.param(
            GOOD + "- slug: other\n  name: 企业开办\n  description: 其他。\n",
            ["entry 2 (other)", "duplicate name '企业开办'"],
            id="duplicate-name",
        ),
        pytest.param(
            "- slug: no-name\n  description: 没有名称。\n",
            ["entry 1 (no-name)", "name is missing"],
            id="missing-name",
        ),
        pytest.param(
            "- slug: Qiye_Kaiban\n  name: 企业开办\n  description: 开办。\n",
            ["entry 1 (Qiye_Kaiban)", "bad slug", "^[a-z0-9]+(-[a-z0-9]+)*$"],
            id="bad-slug",
        ),
        pytest.param(
            "- slug: qiye--kaiban\n  name: 企业开办\n  description: 开办。\n",
            ["bad slug 'qiye--kaiban'"],
            id="double-hyphen-slug",
        ),
        pytest.param(
            "slug: qiye-kaiban\nname: 企业开办\n",
            ["must be a non-empty YAML list", "dict"],
            id="not-a-list",
        ),
        pytest.param("", ["must be a non-empty YAML list"], id="empty-file"),
        pytest.param(
            "- [企业开办, 开办企业]\n", ["entry 1", "must be a mapping"], id="not-mapping"
        ),
        pytest.param("- slug: a\n  name: [unclosed\n", ["not valid YAML"], id="invalid-yaml"),
        pytest.param(
            GOOD + "  name: 又一个名称\n", ["not valid YAML", "duplicate key 'name'"], id="dup-key"
        ),
        pytest.param(
            "- slug: jiesu-jiban\n  name: 接诉即办\n  description: 热线。\n"
            "  abbreviations: [12345]\n",
            ["entry 1 (jiesu-jiban)", "12345", "must be a string", "quote numbers"],
            id="unquoted-number",
        ),
        pytest.param(
            GOOD.replace("synonyms", "synonym"),
            ["entry 1 (qiye-kaiban)", "unknown key(s) synonym"],
            id="unknown-key",
        ),
        pytest.param(
            GOOD.replace("[企业设立]", "[企业 设立]"),
            ["'企业 设立'", "whitespace"],
            id="space-in-term",
        ),
        pytest.param(
            GOOD.replace("[企业设立]", "[" + "企" * 31 + "]"),
            ["longer than 30"],
            id="term-too-long",
        ),
        pytest.param(
            GOOD.replace("[企业设立]", '[""]'), ["synonyms has an empty term"], id="empty-term"
        ),
        pytest.param(
            GOOD.replace("synonyms: [企业设立]", "synonyms: 企业设立"),
            ["synonyms must be a list"],
            id="synonyms-not-list",
        ),
        pytest.param(
            GOOD + "  not_within: [招商银行]\n",
            ["not_within '招商银行' contains none of the topic's terms"],
            id="useless-not-within",
        ),
        pytest.param(
            GOOD.replace("description: 开办企业。", 'description: "第一行\\n第二行"'),
            ["entry 1 (qiye-kaiban)", "description must be one line"],
            id="two-line-description",
        ),
        pytest.param(
            GOOD + "- slug: rexian\n  name: 热线\n  description: 热线。\n"
            "- slug: other\n  name: 其他\n  description: 其他。\n  abbreviations: [rexian]\n",
            ["slug 'rexian' is also a term of topic 'other'"],
            id="slug-is-another-topics-term",
        ),
    ],
)
def test_invalid_thesaurus_is_refused_with_file_entry_and_problem(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ThesaurusError) as caught:
        load_thesaurus(path)
    message = str(caught.value)
    assert str(path) in message
    for part in expected:
        assert part in message, (part, message)


def test_missing_file_is_a_thesaurus_error(tmp_path):
    with pytest.raises(ThesaurusError, match="cannot read"):
        load_thesaurus(tmp_path / "absent.yaml")


def test_thesaurus_error_is_a_value_error():
    assert issubclass(ThesaurusError, ValueError)


def test_minimal_entry_loads_with_empty_lists(tmp_path):
    th = load_thesaurus(write(tmp_path, "- slug: a\n  name: 甲\n  description: 甲。\n"))
    (topic,) = th.topics
    assert (topic.synonyms, topic.abbreviations, topic.terms) == ((), (), ("甲",))


# --- find / topic_of_term ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("企业开办", "qiye-kaiban"),  # name
        ("qiye-kaiban", "qiye-kaiban"),  # slug
        ("企业设立", "qiye-kaiban"),  # synonym
        ("放管服", "fangguanfu"),  # abbreviation
        ("企業開辦", "qiye-kaiban"),  # Traditional
        ("放管服改革", "fangguanfu"),
        ("一網通辦", "yiwang-tongban"),
        ("  接诉即办\n", "jiesu-jiban"),  # stray whitespace
        ("１２３４５", "jiesu-jiban"),  # full-width digits
        ("ＱＩＹＥ-ＫＡＩＢＡＮ", "qiye-kaiban"),  # full-width, upper case slug
        ("互联网＋政务服务", "yiwang-tongban"),  # full-width plus
    ],
)
def test_find_by_any_name_in_either_script_and_width(th, value, slug):
    topic = th.find(value)
    assert topic is not None and topic.slug == slug


@pytest.mark.parametrize("value", ["", "   ", "企业", "营商环境", "no-such-topic", "招商银行"])
def test_find_unknown_is_none(th, value):
    assert th.find(value) is None


def test_get_is_by_exact_slug(th):
    assert th.get("qiye-kaiban").name == "企业开办"
    assert th.get("企业开办") is None
    assert th.get("QIYE-KAIBAN") is None


def test_topic_of_term_for_query_expansion(th):
    assert th.topic_of_term("全程网办").slug == "yiwang-tongban"
    assert th.topic_of_term("全程網辦").slug == "yiwang-tongban"
    assert th.topic_of_term(" 企业开办 ").slug == "qiye-kaiban"
    assert th.topic_of_term("qiye-kaiban") is None  # a slug is not a word texts contain
    assert th.topic_of_term("企业开办实现") is None  # exact terms only


# --- mentions on the seed releases -------------------------------------------------------


def test_seed_000_traditional_offsets_point_at_the_original(th):
    text = seed("000")
    mentions = th.mentions(text)
    by_slug: dict[str, list[Mention]] = {}
    for m in mentions:
        by_slug.setdefault(m.slug, []).append(m)
    expected = {
        "qiye-kaiban": "企業開辦",
        "gongcheng-shenpi": "工程建設項目",
        "yiwang-tongban": "一網通辦",
        "fangguanfu": "放管服",
        "biaozhundi": "標準地",
    }
    for slug, original in expected.items():
        assert slug in by_slug, slug
        assert original in [text[m.start : m.end] for m in by_slug[slug]], slug
    first = by_slug["qiye-kaiban"][0]
    assert (first.term, text[first.start : first.end]) == ("企业开办", "企業開辦")
    assert text.index("企業開辦") == first.start
    for m in mentions:
        assert fold(text[m.start : m.end]) == m.term
    assert mentions == sorted(mentions, key=lambda m: m.start)


def test_seed_002_registration_sentence(th):
    text = seed("002")
    sentence = "企业设立登记实现全程网办,办理时间压至2个工作日内"
    offset = text.index(sentence)
    mentions = th.mentions(sentence)
    assert th.topics_in(sentence) == ["qiye-kaiban", "yiwang-tongban"]
    assert ("qiye-kaiban", "企业设立", 0, 4) in [(m.slug, m.term, m.start, m.end) for m in mentions]
    in_release = [m for m in th.mentions(text) if offset <= m.start < offset + len(sentence)]
    assert {(m.slug, m.start - offset, m.end - offset) for m in in_release} == {
        (m.slug, m.start, m.end) for m in mentions
    }
    (online,) = [m for m in mentions if m.slug == "yiwang-tongban"]
    assert (online.term, sentence[online.start : online.end]) == ("全程网办", "全程网办")


def test_seed_001_figures_sentence(th):
    sentence = "企业开办实现0.5天零成本办理,工程建设项目全流程审批时限压减至55个工作日以内"
    assert seed("001").count(sentence) == 1
    assert [(m.slug, m.start, m.end) for m in th.mentions(sentence)] == [
        ("qiye-kaiban", 0, 4),
        ("gongcheng-shenpi", 16, 22),
    ]
    assert sentence[16:22] == "工程建设项目"


def test_seed_003_and_004(th):
    assert "qiye-kaiban" in th.topics_in(seed("003"))
    topics_004 = th.topics_in(seed("004"))
    assert {"fangguanfu", "gongcheng-shenpi"} <= set(topics_004)


def test_topics_in_is_thesaurus_order_and_unique(th):
    text = "推行“标准地”改革;企业开办一日办结;再说企业开办"
    assert th.topics_in(text) == ["qiye-kaiban", "biaozhundi"]
    order = [t.slug for t in th.topics]
    topics = th.topics_in(seed("000"))
    assert topics == sorted(topics, key=order.index) and len(topics) == len(set(topics))


def test_longest_term_wins_and_nested_terms_are_not_counted_twice(th):
    assert slugs_terms(th.mentions("推进工程建设项目审批制度改革")) == [
        ("gongcheng-shenpi", "工程建设项目审批制度改革")
    ]
    assert slugs_terms(th.mentions("深化“放管服”改革")) == [("fangguanfu", "放管服")]
    assert slugs_terms(th.mentions("放管服改革")) == [("fangguanfu", "放管服改革")]
    # two topics overlapping in part are both mentioned
    assert slugs_terms(th.mentions("支持民营企业开办门店")) == [
        ("minying-jingji", "民营企业"),
        ("qiye-kaiban", "企业开办"),
    ]


def test_matches_equal_a_brute_force_scan(th):
    """The compiled pattern finds what trying every term at every position finds."""
    by_first: dict[str, list[str]] = {}
    for term in sorted(
        {fold(t) for topic in th.topics for t in topic.terms}, key=len, reverse=True
    ):
        by_first.setdefault(term[0], []).append(term)
    for prefix in ("000", "001", "002", "003", "004"):
        text = seed(prefix)
        folded = fold(text)
        assert len(folded) == len(text)
        expected, covered = [], 0
        for start in range(len(folded)):
            candidates = by_first.get(folded[start], ())
            term = next((t for t in candidates if folded.startswith(t, start)), None)
            if term is None or start + len(term) <= covered:
                continue
            covered = start + len(term)
            expected.append((term, start))
        got = [(m.term, m.start) for m in th.mentions(text)]
        # what differs is only what not_within or the digit boundary removed
        removed = set(expected) - set(got)
        assert not set(got) - set(expected), prefix
        assert all(t == "12345" for t, _ in removed), (prefix, removed)


# --- Traditional, widths and misaligned folding -----------------------------------------


def test_offsets_survive_characters_that_nfkc_expands(th):
    # NFKC turns … into three dots, so fold(text) is longer than text here
    text = "……企業開辦……“一網通辦”……１２３４５熱線"
    assert len(fold(text)) != len(text)
    mentions = th.mentions(text)
    assert [text[m.start : m.end] for m in mentions] == ["企業開辦", "一網通辦", "１２３４５熱線"]
    assert [m.term for m in mentions] == ["企业开办", "一网通办", "12345热线"]


def test_empty_and_policy_free_text_give_nothing(th):
    assert th.mentions("") == []
    assert th.topics_in("") == []
    plain = "今天天气晴朗，气温二十度，适合出门散步。湖边的柳树发芽了。"
    assert th.mentions(plain) == []


# --- what must not match -----------------------------------------------------------------


def test_no_match_across_a_line_break_or_space(th):
    assert th.mentions("企业\n开办") == []
    assert th.mentions("企业 开办") == []
    assert th.mentions("一网\r\n通办") == []


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("他在招商银行开了账户", "zhaoshang-yinzi"),  # a bank, not investment promotion
        ("工单编号123456已处理", "jiesu-jiban"),  # a longer number is not the hotline
        ("电话0123457", "jiesu-jiban"),
        ("高标准地推进乡村振兴", "biaozhundi"),  # an adverb, not a land plot
        ("公开“一件事关全局”的讨论", "yijianshi-yicibari"),
        ("不许动用地方财力额外增加工资", "yongdi"),  # 1985 report: local money, not land
    ],
)
def test_term_inside_a_longer_different_word_is_no_mention(th, text, slug):
    assert slug not in th.topics_in(text), th.mentions(text)


def test_not_within_words_from_real_texts(th):
    # 002: Shaoshan's tourism "12345" model is not the 12345 hotline, two lines above it is
    text = seed("002")
    model = text.index("旅游市场综合监管服务“12345”模式")
    hotline = text.index("“12345”市长热线")
    assert model > 0
    numbers = [m for m in th.mentions(text) if m.term == "12345"]
    assert [m.start for m in numbers] == [hotline + 1]
    # 1987: 预算外资金 is off-budget money, not foreign capital
    assert "预算外资金" in fold(reports()[1987]["content"])
    assert not [
        m for m in th.mentions("部门、地方、企业拥有的预算外资金") if m.slug == "waishang-touzi"
    ]
    # 1978: a political theory "went bankrupt", no insolvency procedure
    assert th.topics_in("这一切都在铁的事实面前彻底破产了") == []
    assert th.topics_in("依法办理企业破产") == ["banli-pochan"]
    # a bank's name hides 招商, the policy next to it does not hide itself
    assert [m.term for m in th.mentions("招商银行支持招商引资")] == ["招商引资"]


# --- the national corpus ------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_topics(th) -> dict[str, set[str]]:
    """Topics per document: every corpus record (by title) and every seed."""
    found = {r["title"]: set(th.topics_in(r["content"])) for r in corpus()}
    for prefix in ("000", "001", "002", "003", "004"):
        found[f"seed {prefix}"] = set(th.topics_in(seed(prefix)))
    return found


def test_recent_work_reports_cover_many_topics(th, corpus_topics):
    titles = {year: r["title"] for year, r in reports().items()}
    for year in (2019, 2021, 2022, 2023, 2024, 2025):
        assert len(corpus_topics[titles[year]]) >= 10, (year, corpus_topics[titles[year]])
    assert {"fangguanfu", "shichang-zhunru", "minying-jingji"} <= corpus_topics[titles[2019]]


def test_thesaurus_covers_seeds_and_national_releases(th, corpus_topics):
    occurring = set().union(*corpus_topics.values())
    assert len(occurring) >= 25
    # every topic is spoken of somewhere in what the portal ships with
    assert occurring == {t.slug for t in th.topics}
    for prefix in ("000", "001", "002", "003", "004"):
        assert len(corpus_topics[f"seed {prefix}"]) >= 15, prefix


def test_old_traditional_report_is_folded(th):
    report = reports()[1954]
    assert "們" in report["content"]  # the 1954 report is in Traditional script
    for m in th.mentions(report["content"]):
        assert fold(report["content"][m.start : m.end]) == m.term


def test_tagging_a_long_report_is_fast(th):
    longest = max(corpus(), key=lambda r: len(r["content"]))["content"]
    th.mentions(longest)  # warm the converters
    started = time.perf_counter()
    for _ in range(5):
        th.mentions(longest)
    assert (time.perf_counter() - started) / 5 < 0.5
