"""Browse pages through Django's test client: home, regions, releases, originals, feeds."""

from __future__ import annotations

import re
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from django.utils.html import escape

from documents.feeds import FEED_SIZE
from documents.models import Release
from documents.selectors import visible_releases
from tests.conftest import seed_bytes

ATOM = "http://www.w3.org/2005/Atom"

pytestmark = pytest.mark.django_db


def test_home_shows_counts_latest_and_provinces(client, seeds):
    page = client.get("/").content.decode()
    assert "营商环境政策库" in page
    for name in (
        "甘肃省",
        "金昌市",
        "张掖市",
        "湖南省",
        "湘潭市",
        "山东省",
        "枣庄市",
        "内蒙古自治区",
    ):
        assert name in page
    # The latest list is the ten newest published releases, newest first (the corpus's
    # national reports interleave with the seeds by date).
    latest = [r.title for r in visible_releases()[:10]]
    assert "“全省優化營商環境提質增效年”行動系列專題新聞發布會——金昌專場" in latest
    positions = [page.index(escape(title)) for title in latest]
    assert positions == sorted(positions)
    older = Release.objects.published().exclude(pk__in=[r.pk for r in visible_releases()[:10]])
    assert seeds["002"] in older and "齐心培沃土" not in page
    assert page.index("金昌專場") < page.index("张掖专场")  # 2024-09-03 before 2024-01-15
    counts = re.findall(r"<li><strong>([\d,]+)</strong>", page)
    assert counts[0].replace(",", "") == str(Release.objects.published().count())


def test_province_page_lists_cities_and_releases(client, seeds):
    page = client.get("/regions/620000/").content.decode()
    assert "下辖市州" in page
    assert "嘉峪关市" in page  # every city of the province, with or without releases
    assert page.index("金昌專場") < page.index("张掖专场")  # 2024-09-03 before 2024-01-15


def test_city_page_shows_kind_and_date(client, seeds):
    page = client.get("/regions/370400/").content.decode()
    assert "10月26日（年份不详）" in page
    assert "新闻报道" in page


def test_release_page_renders_qa_and_anchors(client, seeds):
    page = client.get(seeds["000"].get_absolute_url()).content.decode()
    for name in ("肖飛", "栗得泉", "謝宗華", "毛財榮", "金昌市發展改革委副主任"):
        assert name in page
    assert 'id="s5-2"' in page and 'href="#s5-2"' in page
    assert "2024年9月3日" in page
    assert "原始文件" in page


def test_release_page_switches_script(client, seeds):
    url = seeds["000"].get_absolute_url()
    assert "營商環境" in client.get(url).content.decode()
    simplified = client.get(url + "?script=hans").content.decode()
    assert "营商环境" in simplified and "營商環境" not in simplified
    client.cookies["script"] = "hant"
    traditional = client.get(seeds["001"].get_absolute_url()).content.decode()
    assert "營商環境" in traditional


def test_script_switch_remembers_and_returns(client, seeds):
    response = client.get("/script/hans/?next=/regions/")
    assert response.status_code == 302 and response["Location"] == "/regions/"
    assert response.cookies["script"].value == "hans"
    assert client.get("/script/hans/?next=https://example.org/")["Location"] == "/"


def test_original_is_downloaded_byte_for_byte(client, seeds):
    response = client.get(f"{seeds['002'].get_absolute_url()}original/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == seed_bytes("002")
    # Named after the release, not the storage name a reader cannot place.
    disposition = unquote(response["Content-Disposition"])
    assert "齐心培沃土 合力赢未来" in disposition and disposition.endswith("-2021-01-01.txt")
    assert "002_bb73c84a6b785931" not in disposition


def test_release_headings_skip_no_rank_and_sections_can_be_cited(client, seeds):
    html = client.get(seeds["004"].get_absolute_url()).content.decode()
    ranks = [int(r) for r in re.findall(r"<h([1-6])[ >]", html.split('<div class="sections">')[1])]
    previous = 2
    for rank in ranks:
        assert rank <= previous + 1, ranks
        previous = rank
    citation = re.search(r'<p class="citation" id="cite-(s[\w-]+)">([^<]+)</p>', html)
    assert citation
    anchor, text = citation.groups()
    assert "呼和浩特市人民政府" in text and "[EB/OL]" in text and "2023-06-27" in text
    assert text.endswith(f"/releases/{seeds['004'].pk}/#{anchor}")


def test_drafts_are_hidden_from_the_public(client, seeds):
    release = seeds["003"]
    release.status = "draft"
    release.save()
    assert client.get(release.get_absolute_url()).status_code == 404
    assert client.get(f"{release.get_absolute_url()}original/").status_code == 404


def test_unknown_pages_get_a_helpful_404(client, seeds):
    response = client.get("/releases/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到这个页面" in page and "/regions/" in page


def _feed_release_ids(content: bytes) -> list[int]:
    root = ElementTree.fromstring(content)  # noqa: S314 - our own server's output
    assert root.tag == f"{{{ATOM}}}feed"
    links = [e.find(f"{{{ATOM}}}link").get("href") for e in root.findall(f"{{{ATOM}}}entry")]
    return [int(re.search(r"/releases/(\d+)/", link).group(1)) for link in links]


def test_atom_feeds_site_wide_and_per_province(client, seeds):
    response = client.get("/feeds/releases/")
    assert response.content.decode().startswith("<?xml")
    newest = Release.objects.published().order_by("-created").values_list("pk", flat=True)
    assert _feed_release_ids(response.content) == list(newest[:FEED_SIZE])
    gansu = client.get("/feeds/regions/620000/").content.decode()
    assert "张掖专场" in gansu and "金昌專場" in gansu
    assert "湘潭" not in gansu and "政府工作报告" not in gansu
    assert sorted(_feed_release_ids(gansu.encode())) == sorted([seeds["000"].pk, seeds["001"].pk])


def test_english_interface_keeps_document_text(client, seeds):
    page = client.get(seeds["001"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page
    assert "张掖专场" in page
