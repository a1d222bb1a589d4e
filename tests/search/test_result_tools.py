"""What a reader does with a result list: keep it (CSV, Excel), narrow it by date, and find a
way forward when nothing matched."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_csv_export_has_every_matching_section_with_links(client):
    api = client.get("/api/search", {"q": "企业开办"}).json()
    response = client.get("/search/export", {"q": "企业开办", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == api["total"]
    assert all(r["链接"].startswith("http://testserver/releases/") for r in rows)
    assert all(
        "企业开办" in r["段落文字"] or "企業開辦" in r["段落文字"] or r["段落"] for r in rows
    )
    assert {r["地区"] for r in rows} >= {"金昌市", "张掖市"}


def test_excel_export_opens_with_the_same_rows(client):
    csv_rows = client.get("/search/export", {"q": "一网通办", "format": "csv"}).content
    response = client.get("/search/export", {"q": "一网通办", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "发布稿" and values[0][-1] == "链接"
    assert len(values) == len(list(csv.reader(io.StringIO(csv_rows.decode("utf-8-sig")))))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "营商", "format": "pdf"}, "csv"),
        ({"format": "csv"}, "筛选"),
        ({"q": "x" * 600}, "500"),
    ],
)
def test_export_refuses_bad_input_clearly(client, params, message):
    response = client.get("/search/export", params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_the_page_links_its_exports(client):
    html = client.get("/search/", {"q": "营商环境"}).content.decode()
    assert re.search(r'href="/search/export\?q=[^"]*format=csv"', html)
    assert re.search(r'href="/search/export\?q=[^"]*format=xlsx"', html)


def test_the_date_pickers_show_the_range_the_search_applies(client):
    html = client.get(
        "/search/", {"q": "营商环境", "from": "2024-01", "to": "2024"}
    ).content.decode()
    assert 'name="from" value="2024-01-01"' in html
    assert 'name="to" value="2024-12-31"' in html
    picked = client.get("/search/", {"q": "营商环境", "from": "2024-01-01", "to": "2024-12-31"})
    assert picked.status_code == 200


def test_nothing_found_offers_each_filter_dropped_with_its_count(client):
    html = client.get("/search/", {"q": "企业开办 一日办结", "region": "620300"}).content.decode()
    zero = html.split('class="notice zero"')[1].split("</div>")[0]
    dropped = re.findall(r"去掉“([^”]+)”：(\d+) 处匹配", zero)
    assert dropped and int(dropped[0][1]) > 0
    assert "相关主题：企业开办" in zero
    assert "有发布稿的地区" in zero
