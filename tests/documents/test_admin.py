"""Release admin: filters that find releases, and actions that keep the search index in step."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from documents.models import Release, Section
from search.request import build_request
from search.service import match
from tests.search.scan import committing, forget_searchers
from tests.search.test_signals import TOKEN, make_release  # noqa: F401 - fixture


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("editor", "e@example.org", "pw-123456")
    client.force_login(user)
    return client


def _section_ids(query: str) -> set[int]:
    forget_searchers()
    request, _paging = build_request({"q": [query]})
    return {m.section for m in match(request)}


def test_changelist_filters_by_province_and_year(staff_client, seeds):
    page = staff_client.get("/admin/documents/release/", {"province": "620000"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "金昌專場" in text and "张掖专场" in text and "呼和浩特" not in text
    national = staff_client.get("/admin/documents/release/", {"province": "000000"})
    assert "国务院政府工作报告" in national.content.decode()
    year = staff_client.get("/admin/documents/release/", {"year": "2023"}).content.decode()
    assert "呼和浩特市人民政府关于2023年上半年" in year and "金昌專場" not in year
    unknown = staff_client.get("/admin/documents/release/", {"year": "unknown"}).content.decode()
    assert seeds["003"].title[:10] in unknown


def test_unpublish_and_publish_actions_update_search_after_commit(
    staff_client, seeds, django_capture_on_commit_callbacks
):
    release = seeds["004"]
    ids = set(release.sections.values_list("pk", flat=True))
    assert ids & _section_ids("呼和浩特")
    url = "/admin/documents/release/"
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            staff_client.post(url, {"action": "unpublish", "_selected_action": [release.pk]})
        assert len(callbacks) == 1
        release.refresh_from_db()
        assert release.status == Release.Status.DRAFT
        assert not ids & _section_ids("呼和浩特")
    finally:
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(url, {"action": "publish", "_selected_action": [release.pk]})
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED
    assert ids & _section_ids("呼和浩特")


def test_reparse_rebuilds_sections_from_the_original_and_keeps_edited_metadata(
    staff_client,
    make_release,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    release = make_release("000", TOKEN, publish=True)
    count = release.sections.count()
    with committing(django_capture_on_commit_callbacks):
        release.title = "编辑改过的标题"
        release.save(update_fields=["title"])
        Section.objects.filter(release=release, order__gt=3).delete()
        Section.objects.filter(release=release, text__contains=TOKEN).delete()
    assert not _section_ids(TOKEN)  # the paragraph with the token is gone, from search too
    with committing(django_capture_on_commit_callbacks):
        staff_client.post(
            "/admin/documents/release/", {"action": "reparse", "_selected_action": [release.pk]}
        )
    release.refresh_from_db()
    assert release.title == "编辑改过的标题"
    assert release.sections.count() == count
    found = _section_ids(TOKEN)
    assert len(found) == 1 and found <= set(release.sections.values_list("pk", flat=True))


def test_non_staff_cannot_reach_the_release_admin(client, db):
    response = client.get("/admin/documents/release/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
