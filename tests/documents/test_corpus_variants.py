"""Upload variants of the labelled corpus: deterministic, varied, honest about their furniture.

Built from the in-repo set only (seeds + national reports) — no snapshot is read here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from documents.corpus import furniture as fu
from documents.corpus.sources import repo
from documents.corpus.sources._html import html_to_text
from documents.corpus.variants import make_variants, squeeze

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def docs():
    return list(repo.read(ROOT))


@pytest.fixture(scope="module")
def variants(docs):
    return {doc.id: make_variants(doc, ROOT) for doc in docs}


def test_variants_are_deterministic(docs):
    for doc in docs[:8]:
        first = make_variants(doc, ROOT)
        again = make_variants(doc, ROOT)
        assert [v.data for v in first] == [v.data for v in again]
        assert [v.furniture for v in first] == [v.furniture for v in again]


def test_each_document_gets_an_original_a_copy_and_a_saved_page(variants):
    for found in variants.values():
        names = [v.name for v in found]
        assert names[:3] == ["original", "copied", "saved"]


def test_injected_furniture_is_recorded_and_present_in_the_file(variants):
    for found in variants.values():
        for variant in found:
            if variant.name == "original":
                assert variant.furniture == ()
                continue
            assert variant.furniture
            page = squeeze(html_to_text(variant.text) if variant.format == "html" else variant.text)
            for family, line in variant.furniture:
                assert family in fu.FAMILIES
                assert squeeze(line) in page, (variant.doc_id, variant.name, line)


def test_every_furniture_family_appears_across_a_sample(variants):
    seen = Counter(
        family for found in variants.values() for v in found for family, _ in v.furniture
    )
    assert set(fu.FAMILIES) <= set(seen)


def test_furniture_is_varied_not_one_template(variants):
    lines = Counter(
        line
        for found in variants.values()
        for v in found
        for f, line in v.furniture
        if f == "toolbar"
    )
    assert len(lines) >= 5
    layouts = {tuple(f for f, _ in v.furniture) for found in variants.values() for v in found}
    assert len(layouts) > len(variants)  # nearly every copy has its own arrangement


def test_legacy_copies_decode_back_to_their_text(variants):
    encodings = Counter()
    for found in variants.values():
        for variant in found:
            assert variant.data.decode(variant.encoding) == variant.text
            encodings[variant.encoding] += 1
    assert encodings["gb18030"] > 0


def test_traditional_text_gets_a_big5_copy_when_big5_can_hold_it(docs):
    seed = next(d for d in docs if d.id == "repo-seed-000")
    text = "臺南市政府今日舉行記者會，說明優化營商環境的成果。\n市長表示將持續推動。"
    doc = replace(seed, id="big5-probe", file="", title="臺南市優化營商環境記者會", text=text)
    legacy = next(v for v in make_variants(doc, ROOT) if v.name == "legacy")
    assert legacy.encoding in ("big5", "cp950")
    assert legacy.data.decode(legacy.encoding) == legacy.text
    beyond = replace(doc, id="big5-beyond", text=text + "\n𠀀")  # outside Big5 and cp950
    assert all(v.name != "legacy" for v in make_variants(beyond, ROOT))


def test_saved_pages_carry_what_they_state(variants):
    styles = Counter()
    for found in variants.values():
        page = next(v for v in found if v.name == "saved")
        for name, value in page.stated.get("meta", {}).items():
            styles[name] += 1
            assert f'="{name}" content=' in page.text
            assert squeeze(value) in squeeze(page.text.replace("&quot;", '"'))
        table = page.stated.get("index_table", {})
        if table:
            styles["index_table"] += 1
            text = html_to_text(page.text)
            for label, value in table.items():
                assert f"{label}：" in text
                assert squeeze(value) in squeeze(text)
        if not page.stated:
            styles["none"] += 1
    assert {"ArticleTitle", "og:title", "index_table", "none"} <= set(styles)
