"""Comparing cities in a real browser: the picker, the columns, the charts, the CSV, a phone.

A reader picks a topic and cities (filtering the picker by pinyin), sees each city's column with
dated releases and figures, one chart per measure with one colour per city on the whole page
(bars linking to the sentence they come from), a glance table, and downloads a CSV a
spreadsheet opens with the Chinese intact. On a 390 px phone each chart is a table instead.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _colour(locator) -> str:
    return locator.evaluate(
        "el => getComputedStyle(el).fill !== 'none' && el.tagName === 'rect'"
        " ? getComputedStyle(el).fill : getComputedStyle(el).backgroundColor"
    )


def test_compare_picker_charts_legend_and_csv(page, live_seeds):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Refused" in m.text else None)
    page.goto("/")
    page.locator(".site-nav a", has_text="对比").click()
    expect(page).to_have_url(re.compile(r"/compare/$"))
    expect(page.locator(".starters a").first).to_be_visible()
    # Choosing a topic loads its region picker (compare.js submits the form). The deferred
    # script may still be on its way when the list shows; a reader that quick would press
    # 选择地区 instead, so the test waits for the script as a reader's browser would.
    page.wait_for_load_state("load")
    page.locator("select[name=topic]").select_option("工程建设项目审批")
    picker = page.locator(".region-picker")
    expect(picker).to_be_visible()
    page.wait_for_load_state("load")
    filter_box = picker.locator("input.picker-filter")
    filter_box.fill("zhangye")  # pinyin
    expect(picker.locator(".picker-region", has_text="张掖市")).to_be_visible()
    expect(picker.locator(".picker-region", has_text="金昌市")).to_be_hidden()
    filter_box.fill("")
    for name in ("金昌市", "张掖市", "湘潭市"):
        picker.locator(".picker-region", has_text=name).locator("input").check()
    page.locator(".compare-form button").click()

    columns = page.locator(".compare-column")
    expect(columns).to_have_count(3)
    # In the picker's order: by province code, then region code.
    assert [c.get_attribute("data-region") for c in columns.all()] == ["湘潭市", "金昌市", "张掖市"]
    expect(columns.nth(1).locator(".fig-value", has_text="30個工作日以內").first).to_be_visible()
    expect(columns.nth(2).locator(".fig-value", has_text="55个工作日以内")).to_be_visible()
    for column in columns.all():
        expect(column.locator(".release-meta time").first).to_have_attribute(
            "datetime", re.compile(r"^\d{4}-\d\d-\d\d$")
        )

    # One colour per region on the whole page: legend, bars of every chart, column tops.
    legend = [_colour(s) for s in page.locator(".legend .swatch").all()]
    assert len(legend) == 3 and len(set(legend)) == 3
    charts = page.locator("figure.chart")
    assert charts.count() >= 1
    for chart in charts.all():
        for index in range(3):
            for bar in chart.locator(f"rect.bar.region-{index}").all():
                assert _colour(bar) == legend[index]

    chart = page.locator('figure.chart[data-measure="time_limit"]')
    expect(chart).to_be_visible()
    # The data table is there for screen readers, drawn in a 1 px box on a wide screen.
    hidden = chart.locator(".chart-data-wrap").bounding_box()
    assert hidden and hidden["width"] <= 1 and hidden["height"] <= 1
    bars = chart.locator("rect.bar")
    assert bars.count() >= 3
    box = chart.locator("svg").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 60
    widths = [float(b.get_attribute("width")) for b in bars.all()]
    labels = chart.locator("text.bar-value").all_text_contents()
    longest = widths.index(max(widths))
    assert "55" in labels[longest]
    # Value labels on the bars are readable (at least 11 CSS px high).
    heights = [t.bounding_box()["height"] for t in chart.locator("text.bar-value").all()]
    assert min(heights) >= 11, heights

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
    assert any(r["原文"] == "55个工作日" and r["度量"] == "办理时限" for r in rows)
    assert not violations, violations


STARTUP = "/compare/?topic=企业开办&regions=金昌市,张掖市,湘潭市,枣庄市"
HEADLINES = {
    "金昌市": re.compile(r"2\.5個?小時"),
    "张掖市": re.compile("0.5天"),
    "湘潭市": re.compile("2个工作日"),
    "枣庄市": re.compile("一日"),
}


def test_business_startup_times_in_one_chart(page, live_seeds):
    page.goto(STARTUP)
    chart = page.locator('figure.chart[data-measure="time_limit"]')
    expect(chart.locator("svg")).to_be_visible()
    for region, figure in HEADLINES.items():
        expect(chart.locator("svg a", has_text=figure).first).to_be_attached()
        expect(page.locator(".glance-table tr", has_text=region)).to_contain_text(figure)
    expect(chart.locator(".chart-rules")).to_contain_text("8 小时")


def test_on_a_phone_the_chart_becomes_a_table(phone_page, live_seeds):
    page = phone_page
    page.goto(STARTUP)
    chart = page.locator('figure.chart[data-measure="time_limit"]')
    expect(chart.locator("svg")).to_be_hidden()
    table = chart.locator("table.chart-data")
    expect(table).to_be_visible()
    for region, figure in HEADLINES.items():
        expect(table.locator("tr", has_text=region).first).to_contain_text(figure)
    # Readable: table text at least 12 px, and nothing wider than the screen.
    size = table.locator("td").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 12
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow
    # The source sentence is one tap away.
    table.locator("a", has_text="原句").first.click()
    expect(page.locator(".fig-sentence:target")).to_have_count(1)


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


def test_typing_before_the_script_arrives_still_filters(page, live_seeds):
    """A reader who types into the picker before compare.js has loaded is not ignored."""
    held: list[object] = []
    page.route("**/js/compare.js", lambda route: held.append(route))
    # The held deferred script holds DOMContentLoaded back, so wait for the response only.
    page.goto("/compare/?topic=工程建设项目审批", wait_until="commit")
    picker = page.locator(".region-picker")
    picker.locator("input.picker-filter").fill("zhangye")
    expect(picker.locator(".picker-region", has_text="金昌市")).to_be_visible()  # no script yet
    page.wait_for_timeout(100)
    assert held, "the script was requested"
    held[0].continue_()
    expect(picker.locator(".picker-region", has_text="金昌市")).to_be_hidden()
    expect(picker.locator(".picker-region", has_text="张掖市")).to_be_visible()
