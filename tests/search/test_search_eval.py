"""Search quality: every shipped evaluation query finds exactly what the oracle says it should.

The oracle (``quality.evaluation``) scans the database instead of reading the index, so these
tests check the index, the Whoosh query translation and the filters against the plain meaning of
a query. The session database holds the five seeds and the 72-record national corpus.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from documents.models import Release, Section
from quality.evaluation import (
    EvalQuery,
    Evaluation,
    Oracle,
    QueryResult,
    contains,
    evaluate,
    independent_contains,
    load_queries,
    parse_query_line,
    percentile,
    plain_phrases,
    satisfies,
    split_sentences,
)
from search.core.analysis import normalise, query_units
from search.core.query import Phrase, parse_query
from search.core.request import build_request
from search.core.service import match
from tests.conftest import ROOT, seed_text

QUERIES_FILE = ROOT / "fixtures" / "search-eval-queries.jsonl"


def _request(**params: str):
    request, _paging = build_request({k: [v] for k, v in params.items()})
    return request


def _phrase(text: str) -> Phrase:
    return Phrase(text, tuple(query_units(text)))


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker) -> Evaluation:
    """The whole shipped query file, evaluated once for the module (read-only)."""
    with django_db_blocker.unblock():
        return evaluate(load_queries(QUERIES_FILE), runs=1)


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle()


# -- the shipped query file --------------------------------------------------------------------


@pytest.mark.django_db
def test_every_shipped_query_has_perfect_recall_and_precision(shipped):
    failing = [
        f"line {r.query.line} {r.query.label!r}: recall {r.recall:.3f}, precision "
        f"{r.precision:.3f}, relevant {len(r.relevant)}, returned {len(r.returned_set)}, "
        f"missing {sorted(r.missing)[:10]}, unexpected {sorted(r.unexpected)[:10]}"
        for r in shipped.results
        if not r.passes(1.0)
    ]
    assert not failing, "queries where the engine disagrees with the oracle:\n" + "\n".join(failing)


@pytest.mark.django_db
def test_engine_returns_each_section_once(shipped):
    doubled = [r.query.label for r in shipped.results if r.duplicates]
    assert not doubled


@pytest.mark.django_db
def test_shipped_queries_still_test_what_their_notes_say(shipped):
    """``expect`` bounds hold: a query meant to hit many sections has not decayed to zero."""
    stale = [
        f"line {r.query.line} {r.query.label!r}: {r.expectation_error}"
        for r in shipped.results
        if r.expectation_error
    ]
    assert not stale, "\n".join(stale)


def test_query_file_is_large_documented_and_covers_every_family():
    queries = load_queries(QUERIES_FILE)
    assert len(queries) >= 60
    assert all(q.note and q.tag for q in queries)
    assert all(q.expect_min is not None or q.expect_max is not None for q in queries)
    tags = {q.tag for q in queries}
    assert {
        "script",
        "segmentation",
        "single-char",
        "latin-number",
        "fullwidth",
        "punctuation",
        "quoted",
        "boolean",
        "filter-query",
        "filter-param",
        "answers",
        "title",
        "sentence",
        "common",
        "rare",
        "zero",
    } <= tags
    labels = [q.label for q in queries]
    assert len(labels) == len(set(labels)), "duplicate queries"
    assert sum(q.expect_max == 0 for q in queries) >= 5


@pytest.mark.django_db
def test_the_shipped_queries_hit_something_overall(shipped):
    hits = [len(r.relevant) for r in shipped.results]
    assert sum(h > 0 for h in hits) >= 60
    assert max(hits) > 1000  # 发展: common words are in the set
    assert sum(h == 1 for h in hits) >= 10  # and so are rare ones


# -- the oracle on hand-checked cases ----------------------------------------------------------


@pytest.mark.django_db
def test_oracle_traditional_seed_paragraphs_with_the_2024_reform_slogan(oracle, seeds):
    """In the 金昌 seed (Traditional script), six paragraphs mention 高效辦成一件事: the first
    measure, both answers' opening paragraphs, two points and the closing paragraph."""
    lines = [line for line in seed_text("000").splitlines() if "高效辦成一件事" in line]
    assert len(lines) == 6
    relevant = oracle.relevant(_request(q="高效办成一件事", region="金昌"))
    sections = Section.objects.filter(pk__in=relevant)
    assert len(relevant) == 6
    assert {s.release_id for s in sections} == {seeds["000"].pk}
    # The same phrase in Simplified, Traditional and without a filter (the 2025 report too).
    assert relevant < oracle.relevant(_request(q="高效辦成一件事"))


@pytest.mark.django_db
def test_oracle_hotline_number_counts_whole_numbers_only(oracle, seeds):
    """12345 occurs in five seed paragraphs (张掖 1, 湘潭 2, 枣庄 1, 呼和浩特 1), never in the
    corpus; the 韶山 case in 湘潭 names a "12345" model, not a hotline, so 12345 热线 finds 4."""
    relevant = oracle.relevant(_request(q="12345"))
    releases = sorted(
        Section.objects.filter(pk__in=relevant).values_list("release__original_name", flat=True)
    )
    assert [name[:3] for name in releases] == ["001", "002", "002", "003", "004"]
    with_hotline = oracle.relevant(_request(q="12345 热线"))
    assert len(with_hotline) == 4 and with_hotline < relevant


@pytest.mark.django_db
def test_oracle_title_scope_is_the_release_first_section_and_reads_the_subtitle(oracle, seeds):
    hohhot = seeds["004"]
    first = hohhot.sections.order_by("order").first()
    assert oracle.relevant(_request(q="焦鸿", scope="title")) == {first.pk}
    assert oracle.relevant(_request(q="焦鸿")) == set()


@pytest.mark.django_db
def test_oracle_release_filter_and_engine_agree(oracle, seeds):
    jinchang = seeds["000"]
    query = EvalQuery(1, {"q": ["营商环境"], "release": [str(jinchang.pk)]})
    (result,) = evaluate([query], runs=1, oracle=oracle).results
    assert result.relevant == oracle.relevant(_request(q="营商环境", region="金昌"))
    assert result.relevant and result.passes(1.0)


@pytest.mark.django_db
def test_simplified_traditional_and_full_width_forms_find_the_same_sections(oracle):
    for simple, variant in [
        ("营商环境", "營商環境"),
        ("税", "稅"),
        ("第一个五年计划", "第一個五年計劃"),
        ("5G", "５Ｇ"),
        ("PM2.5", "ＰＭ２．５"),
        ("1997年", "１９９７年"),
        ("减证便民,政务服务", "减证便民，政务服务"),
    ]:
        expected = oracle.relevant(_request(q=simple))
        assert expected, simple
        assert oracle.relevant(_request(q=variant)) == expected, variant
        assert {m.section for m in match(_request(q=variant))} == expected, variant


def test_containment_respects_word_units():
    text = normalise("推进15G试点，建设5G基站，增长5.5%，PM2.5下降")
    assert contains(text, _phrase("5G"))
    assert contains(text, _phrase("５ｇ"))
    assert not contains(normalise("推进15G试点"), _phrase("5G"))
    assert contains(text, _phrase("G"))  # letters after digits are a unit of their own
    assert contains(text, _phrase("5%"))  # the tail of 5.5%: the point ends a unit
    assert contains(text, _phrase("PM2.5"))
    assert contains(text, _phrase("2.5"))
    assert not contains(text, _phrase("M2"))  # pm is one run of letters
    assert not contains(normalise("共353项"), _phrase("53项"))  # a digit run matches whole


@pytest.mark.parametrize(
    ("query", "phrases"),
    [
        ("营商环境 政务服务", ["营商环境", "政务服务"]),
        ('"营商 环境" 金昌', ["营商环境", "金昌"]),
        ("“一网通办” PM2.5", ["一网通办", "pm2.5"]),
        ("營商環境", ["营商环境"]),
        ("营商 OR 环境", None),
        ("营商 -环境", None),
        ("topic:企业开办", None),
        ('营商 "环境', None),
    ],
)
def test_plain_queries_are_split_by_the_oracle_itself(query, phrases):
    assert plain_phrases(query) == phrases


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("推进15g试点,建设5g基站,增长5.5%,pm2.5下降", "5g"),
        ("推进15g试点", "5g"),
        ("推进15g试点", "g"),
        ("共353项", "53项"),
        ("pm2.5下降", "2.5"),
        ("pm2.5下降", "m2"),
        ("xgdp增长", "gdp"),
        ("营商环境", "商环"),
        ("", "营商"),
    ],
)
def test_the_oracles_own_containment_agrees_with_the_shared_one(text, phrase):
    assert independent_contains(text, phrase) == contains(text, _phrase(phrase))


def test_sentences_keep_their_terminator():
    assert split_sentences("甲。乙!丙?丁\n戊") == ["甲。", "乙!", "丙?", "丁\n", "戊"]
    assert split_sentences("") == []


def test_satisfies_groups_exclusions_and_sentences():
    text = normalise("优化营商环境。企业满意度提升！")
    assert satisfies(parse_query("营商环境 企业"), text)
    assert not satisfies(parse_query("营商环境 企业"), text, within_sentence=True)
    assert satisfies(parse_query("营商环境 OR 企业 优化"), text, within_sentence=True)
    assert not satisfies(parse_query("营商环境 -满意度"), text)
    assert not satisfies(parse_query("-满意度"), text)  # nothing to look for
    # A phrase across the full stop is in the section, but in neither of its sentences.
    assert satisfies(parse_query("环境。企业"), text)
    assert not satisfies(parse_query("环境。企业 优化"), text, within_sentence=True)


def test_recall_and_precision_of_empty_sets():
    query = EvalQuery(1, {"q": ["x"]})

    def result(relevant: set[int], returned: tuple[int, ...]) -> QueryResult:
        return QueryResult(query, frozenset(relevant), returned, 1.0)

    assert (result(set(), ()).recall, result(set(), ()).precision) == (1.0, 1.0)
    assert (result({1, 2}, ()).recall, result({1, 2}, ()).precision) == (0.0, 1.0)
    assert (result(set(), (3,)).recall, result(set(), (3,)).precision) == (1.0, 0.0)
    both = result({1, 2, 3, 4}, (1, 2, 5))
    assert both.recall == 0.5 and both.precision == pytest.approx(2 / 3)
    assert both.missing == {3, 4} and both.unexpected == {5}
    assert result({1}, (1, 1)).duplicates == 1
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0


# -- the command -------------------------------------------------------------------------------


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("evaluate_search", *args, stdout=out)
    return out.getvalue()


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "queries.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_command_prints_a_line_per_query_and_a_summary(tmp_path):
    path = _write(
        tmp_path,
        '{"q": "营商环境", "tag": "script", "note": "core term"}',
        "",
        '{"q": "高效办成一件事", "within": "sentence", "tag": "segmentation"}',
    )
    lines = _command(str(path), "--fail-under", "1.0").splitlines()
    assert lines[0].split() == ["recall", "prec", "relevant", "returned", "ms", "query"]
    row = re.compile(r"^ *(\d\.\d{3}) +(\d\.\d{3}) +(\d+) +(\d+) +(\d+\.\d)  (.+)$")
    first, second = row.match(lines[1]), row.match(lines[2])
    assert first and second, lines
    assert first.group(6) == "营商环境" and int(first.group(3)) > 50
    assert second.group(6) == "高效办成一件事  within=sentence"
    assert any(line.startswith("tag script: 1 queries") for line in lines)
    overall = lines[-1]
    assert re.fullmatch(
        r"overall: 2 queries, recall 1\.000, precision 1\.000, 2 at 1\.000; "
        r"latency p50 \d+\.\d ms, p95 \d+\.\d ms, max \d+\.\d ms",
        overall,
    ), overall


@pytest.mark.django_db
def test_command_json_output(tmp_path):
    path = _write(tmp_path, '{"q": "12345", "note": "hotline"}')
    data = json.loads(_command(str(path), "--json", "--runs", "1"))
    assert data["summary"]["queries"] == 1
    (query,) = data["queries"]
    assert query["relevant"] == query["returned"] == 5
    assert query["recall"] == query["precision"] == 1.0
    assert query["note"] == "hotline" and query["line"] == 1


@pytest.mark.django_db
def test_command_fails_a_query_that_no_longer_tests_its_note(tmp_path):
    path = _write(tmp_path, '{"q": "枣办好", "expect": {"min": 100}}')
    assert "expected at least 100" in _command(str(path))  # reported, not fatal ...
    with pytest.raises(CommandError, match=r"queries\.jsonl:1: expected at least 100"):
        _command(str(path), "--fail-under", "1.0")  # ... unless gating


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"q": "营商环境"}', '{"q": "税",}'], r"queries\.jsonl:2: not valid JSON"),
        (['["营商环境"]'], r"queries\.jsonl:1: expected a JSON object, got list"),
        (['{"within": "sentence"}'], r"queries\.jsonl:1: missing the query text"),
        (['{"q": "税", "region": {"a": 1}}'], r"queries\.jsonl:1: parameter 'region' must be"),
        (['{"q": "税", "expect": {"min": -1}}'], r"queries\.jsonl:1: \"expect\.min\""),
        (['{"q": "税"}', '{"q": "税", "within": "paragraph"}'], r"queries\.jsonl:2: .*within"),
        (['{"q": "税", "year": "1066"}'], r"queries\.jsonl:1: .*1066"),
        ([""], r"no queries"),
    ],
)
@pytest.mark.django_db
def test_command_names_the_bad_line(tmp_path, lines, message):
    path = _write(tmp_path, *lines)
    with pytest.raises(CommandError, match=message):
        _command(str(path))


@pytest.mark.django_db
def test_command_rejects_missing_and_undecodable_files(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _command(str(tmp_path / "absent.jsonl"))
    path = tmp_path / "gbk.jsonl"
    path.write_bytes('{"q": "营商环境"}\n'.encode("gb18030"))
    with pytest.raises(CommandError, match="not UTF-8"):
        _command(str(path))


def test_parse_query_line_reads_lists_numbers_and_reserved_keys():
    query = parse_query_line(
        '{"q": "税", "region": ["金昌", "张掖"], "answers": 1, "note": "n", "tag": "t",'
        ' "expect": {"min": 2, "max": 9}}',
        7,
        "f.jsonl",
    )
    assert query.params == {"q": ["税"], "region": ["金昌", "张掖"], "answers": ["1"]}
    assert (query.note, query.tag, query.expect_min, query.expect_max) == ("n", "t", 2, 9)
    assert query.where == "f.jsonl:7"
    assert query.label == "税  region=金昌  region=张掖  answers=1"


@pytest.mark.django_db
def test_oracle_ignores_unpublished_releases(seeds):
    """Only published releases are relevant (the update is rolled back after the test)."""
    assert Oracle().relevant(_request(q="枣办好"))
    Release.objects.filter(pk=seeds["003"].pk).update(status=Release.Status.DRAFT)
    assert Oracle().relevant(_request(q="枣办好")) == set()


@pytest.mark.django_db
def test_evaluation_reads_parameters_in_the_portal_language():
    """Kind names are matched against translated labels; an English request earlier in the
    thread must not make ``類型:新聞發布會`` invalid for the evaluation."""
    from django.utils import translation

    query = EvalQuery(1, {"q": ["营商环境 類型:新聞發布會"]})
    with translation.override("en"):
        (result,) = evaluate([query], runs=1).results
    assert len(result.relevant) > 0 and result.passes(1.0)
