"""The English interface names regions in pinyin with their type in English, and takes pinyin."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from documents.english import english_name, kind_label

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "kind", "english"),
    [
        ("金昌市", "地级市", "Jinchang"),
        ("永昌县", "县", "Yongchang County"),
        ("西安市", "地级市", "Xi'an"),
        ("峄城区", "市辖区", "Yicheng District"),
        ("甘肃省", "省", "Gansu Province"),
        ("内蒙古自治区", "自治区", "Inner Mongolia Autonomous Region"),
        ("新疆维吾尔自治区", "自治区", "Xinjiang Uygur Autonomous Region"),
        ("陕西省", "省", "Shaanxi Province"),
        ("北京市", "直辖市", "Beijing"),
    ],
)
def test_names_in_pinyin_with_official_spellings(name, kind, english):
    assert english_name(name, kind) == english


def test_division_types_are_translated():
    with translation.override("en"):
        assert kind_label("地级市") == "prefecture-level city"


def _english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_english_pages_show_pinyin_names_and_accept_them(client, seeds):
    client = _english(client)
    region = client.get("/regions/620300/").content.decode()
    assert "<h1>Jinchang" in region and "prefecture-level city" in region
    compare = client.get("/compare/?topic=企业开办&regions=Jinchang,Zhangye").content.decode()
    assert 'data-region="金昌市"' in compare and "Jinchang" in compare


def test_the_admin_index_names_the_login_lockout_in_chinese(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "登录保护" in html and "登录尝试" in html
    assert "Access attempts" not in html


def test_the_upload_page_states_the_size_limit(admin_client):
    html = admin_client.get("/admin/documents/release/upload/").content.decode()
    assert "每个文件最大 20.0\xa0MB" in html


def test_topics_have_english_names_on_the_english_pages(client, seeds):
    client = _english(client)
    index = client.get("/topics/").content.decode()
    assert "Starting a business" in index
    compare = client.get("/compare/?topic=企业开办&regions=Jinchang").content.decode()
    assert "Starting a business" in compare
    chinese = _chinese(client).get("/topics/").content.decode()
    assert "企业开办" in chinese and "Starting a business" not in chinese


def _chinese(client):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    return client


def test_charts_state_their_units_and_conversions_in_english(client, seeds):
    """The 2.5 小时 of 金昌 is charted in working days; the English page says how, in English."""
    client = _english(client)
    html = client.get("/compare/?topic=企业开办&regions=Jinchang,Zhangye,Xiangtan").content.decode()
    chart = html.split('data-measure="time_limit"')[1].split("</figure>")[0]
    assert "Unit: working days" in chart
    rules = chart.split('class="chart-rules">')[1].split("</p>")[0]
    assert "1 hour = 0.125 working day (8-hour working day)" in rules
    assert not re.search(r"[\u4e00-\u9fff]", rules.replace("Conversion:", "")), rules
    chinese = _chinese(client).get("/compare/?topic=企业开办&regions=金昌市").content.decode()
    assert "1 小时 = 0.125 工作日（每个工作日 8 小时）" in chinese
    assert "working day" not in chinese
