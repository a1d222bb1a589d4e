"""The read-only JSON API: schema, filters, and errors that say what is wrong."""

from __future__ import annotations

import pytest

from documents.models import Release

pytestmark = pytest.mark.django_db


def _published_count() -> int:
    """The seeds and the national corpus are all published in the test database."""
    return Release.objects.filter(status=Release.Status.PUBLISHED).count()


def test_default_page_is_the_newest_releases(client, seeds, settings):
    data = client.get("/api/releases").json()
    assert data["total"] == _published_count() > settings.PORTAL_API_PAGE_SIZE
    assert data["page"] == 1 and data["page_size"] == settings.PORTAL_API_PAGE_SIZE
    assert len(data["results"]) == settings.PORTAL_API_PAGE_SIZE
    dates = [r["published"] for r in data["results"]]
    assert None not in dates and dates == sorted(dates, reverse=True)


def test_release_list_schema(client, seeds):
    data = client.get("/api/releases?page_size=100").json()
    assert data["total"] == _published_count() == len(data["results"])
    assert data["page"] == 1
    listed = {r["id"] for r in data["results"]}
    assert {release.pk for release in seeds.values()} <= listed
    first = data["results"][0]
    assert set(first) >= {
        "id",
        "title",
        "region",
        "province",
        "published",
        "published_precision",
        "kind",
        "url",
        "sections",
    }
    by_region = {r["region"]: r for r in data["results"]}
    assert by_region["张掖市"]["province"] == "甘肃省"
    assert by_region["张掖市"]["published"] == "2024-01-15"
    assert by_region["枣庄市"]["published"] is None
    assert by_region["枣庄市"]["published_precision"] == "unknown"
    assert by_region["呼和浩特市"]["kind"] == "work_report"
    assert by_region["金昌市"]["sections"] == seeds["000"].sections.count()


@pytest.mark.parametrize(
    ("query", "regions"),
    [
        ("province=甘肃省", {"金昌市", "张掖市"}),
        ("region=湘潭市", {"湘潭市"}),
        ("province=山东省&region=枣庄市", {"枣庄市"}),
        ("province=湖南省&region=金昌市", set()),
    ],
)
def test_release_list_filters(client, seeds, query, regions):
    data = client.get(f"/api/releases?{query}").json()
    assert {r["region"] for r in data["results"]} == regions
    assert data["total"] == len(regions)


def test_release_detail_has_sections_with_levels_and_speakers(client, seeds):
    data = client.get(f"/api/releases/{seeds['004'].pk}").json()
    assert data["region"] == "呼和浩特市" and data["province"] == "内蒙古自治区"
    levels = {s["heading"]: s["level"] for s in data["sections"] if s["heading"]}
    assert levels["一、工作开展情况"] == 1
    assert levels["(一)持续完善组织保障机制"] == 2
    assert levels["一是高位推动营造良好营商氛围"] == 3
    qa = client.get(f"/api/releases/{seeds['000'].pk}").json()["sections"]
    answer = next(s for s in qa if s["speaker"] == "毛財榮")
    assert answer["kind"] == "answer" and answer["speaker_title"] == "金昌市政務服務中心副主任"
    assert answer["url"].endswith(f"/releases/{seeds['000'].pk}/#{answer['url'].split('#')[1]}")


@pytest.mark.parametrize(
    ("url", "status", "needle"),
    [
        ("/api/releases?page=0", 400, "page"),
        ("/api/releases?page=abc", 400, "page"),
        ("/api/releases?page_size=1000", 400, "page_size"),
        ("/api/releases?province=火星省", 400, "unknown province"),
        ("/api/releases?region=不存在市", 400, "unknown region"),
        ("/api/releases/999999", 404, "no release"),
        ("/api/releases/abc", 404, "no release"),
        ("/api/nothing-here", 404, "no such API endpoint"),
    ],
)
def test_bad_requests_get_json_errors(client, seeds, url, status, needle):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert needle in response.json()["error"]


def test_page_past_the_end_is_empty_not_an_error(client, seeds):
    data = client.get("/api/releases?page=50").json()
    assert data["results"] == [] and data["total"] == _published_count()


def test_drafts_are_not_in_the_api(client, seeds):
    before = client.get("/api/releases").json()["total"]
    seeds["002"].status = "draft"
    seeds["002"].save()
    assert client.get("/api/releases").json()["total"] == before - 1 == _published_count()
    listed = client.get("/api/releases?page_size=100").json()["results"]
    assert seeds["002"].pk not in {r["id"] for r in listed}
    assert client.get(f"/api/releases/{seeds['002'].pk}").status_code == 404
