"""Comparing cities in a real browser: the form, the side-by-side columns, the chart, the CSV.

A reader picks a topic and cities, sees each city's column with dated releases and figures,
a bar chart drawn where figures share a unit (bars linking to the sentence they come from),
and downloads the table as a CSV a spreadsheet opens with the Chinese intact.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_compare_form_columns_chart_and_csv(page, live_seeds):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Refused" in m.text else None)
    page.goto("/")
    page.locator(".site-nav a", has_text="对比").click()
    expect(page).to_have_url(re.compile(r"/compare/$"))
    page.locator("select[name=topic]").select_option("工程建设项目审批")
    page.locator("input[name=regions]").fill("金昌市，张掖市,湘潭市")
    page.locator(".compare-form button").click()

    columns = page.locator(".compare-column")
    expect(columns).to_have_count(3)
    assert [c.get_attribute("data-region") for c in columns.all()] == ["金昌市", "张掖市", "湘潭市"]
    expect(columns.nth(0).locator(".fig-value", has_text="30個工作日以內").first).to_be_visible()
    expect(columns.nth(1).locator(".fig-value", has_text="55个工作日以内")).to_be_visible()
    expect(
        columns.nth(2).locator(".fig-sentence-text", has_text="30天即可开工建设").first
    ).to_be_visible()
    for column in columns.all():
        expect(column.locator(".release-meta time").first).to_have_attribute(
            "datetime", re.compile(r"^\d{4}-\d\d-\d\d$")
        )

    chart = page.locator('figure.chart[data-unit="个工作日"]')
    expect(chart).to_be_visible()
    bars = chart.locator("rect.bar")
    assert bars.count() >= 3
    box = chart.locator("svg").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 60
    # The bars are painted by the stylesheet (no inline style under the CSP) and scaled.
    assert bars.first.evaluate("el => getComputedStyle(el).fill") not in ("", "none")
    widths = [float(b.get_attribute("width")) for b in bars.all()]
    labels = chart.locator("text.bar-value").all_text_contents()
    longest = widths.index(max(widths))
    assert "55" in labels[longest]

    # A bar leads to its sentence, marked on the release page.
    chart.locator("a").nth(longest).click()
    expect(page).to_have_url(re.compile(r"/releases/\d+/#[\w-]+-s\d+$"))
    target = page.locator(".fig-sentence:target")
    expect(target).to_have_count(1)
    expect(target).to_contain_text("55个工作日")
    page.go_back()

    with page.expect_download() as info:
        page.locator("a.csv-link").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    body = download.path().read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {r["地区"] for r in rows} == {"金昌市", "张掖市", "湘潭市"}
    assert any(r["原文"] == "55个工作日" and r["单位"] == "个工作日" for r in rows)
    assert not violations, violations


def test_release_figures_list_links_to_the_sentence(page, live_seeds):
    page.goto(f"/releases/{live_seeds['001'].pk}/")
    figures = page.locator("details.release-figures")
    expect(figures).to_be_visible()
    if not figures.evaluate("el => el.open"):  # long lists start folded
        figures.locator("summary").click()
    link = figures.locator("li.figure", has_text="55个工作日").locator("a.fig-source")
    link.click()
    target = page.locator(".fig-sentence:target")
    expect(target).to_contain_text("工程建设项目全流程审批时限压减至55个工作日以内")
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 243, 176)"


def test_similar_sections_jump_to_another_city(page, live_seeds):
    page.goto(f"/releases/{live_seeds['000'].pk}/")
    page.locator("a.similar-link").first.click()
    expect(page.locator("h1")).to_have_text("其他地区的相似段落")
    results = page.locator("li.result")
    assert results.count() >= 1
    regions = [r.get_attribute("data-region") for r in results.all()]
    assert "金昌市" not in regions
    results.first.locator("h2 a").click()
    expect(page).to_have_url(re.compile(r"/releases/\d+/#s[\w-]+$"))
    expect(page.locator("section:target")).to_have_count(1)
