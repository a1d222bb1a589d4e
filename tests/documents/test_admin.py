"""Release admin: filters that find releases, and actions that keep the search index in step."""

from __future__ import annotations

from documents.models import Release, Section
from search.core.request import build_request
from search.core.service import match
from tests.search.scan import committing, forget_searchers
from tests.search.test_signals import TOKEN, make_release  # noqa: F401 - fixture


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
        asked = staff_client.post(url, {"action": "unpublish", "_selected_action": [release.pk]})
        assert "确定撤回" in asked.content.decode() and release.title in asked.content.decode()
        release.refresh_from_db()
        assert release.status == Release.Status.PUBLISHED  # nothing changes before confirming
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            staff_client.post(
                url, {"action": "unpublish", "_selected_action": [release.pk], "post": "yes"}
            )
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


def change_form_data(client, release) -> dict[str, object]:
    """Every field of the release's change form as the browser would submit it unchanged."""
    from lxml import html as lxml_html

    page = client.get(f"/admin/documents/release/{release.pk}/change/")
    form = lxml_html.fromstring(page.content.decode()).get_element_by_id("release_form")
    data: dict[str, object] = {}
    for element in form.iter("input", "select", "textarea"):
        name = element.get("name")
        unticked = element.get("type") in {"submit", "checkbox"} and not element.get("checked")
        if not name or unticked:
            continue
        if element.tag == "select":
            chosen = [
                o.get("value") for o in element.iter("option") if o.get("selected") is not None
            ]
            data[name] = chosen[0] if chosen else ""
        elif element.tag == "textarea":
            data[name] = (element.text or "").replace("\n", "\r\n")  # as browsers send it
        else:
            data[name] = element.get("value", "")
    return data


def test_saving_the_change_form_unchanged_keeps_the_sections(staff_client, seeds):
    release = seeds["001"]
    ids = list(release.sections.values_list("pk", flat=True))
    data = change_form_data(staff_client, release)
    response = staff_client.post(f"/admin/documents/release/{release.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(release.sections.values_list("pk", flat=True)) == ids
    release.refresh_from_db()
    assert not release.details.get("text_edited")


def test_editing_the_text_of_a_published_release_reparses_and_reindexes_it(
    staff_client,
    make_release,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    release = make_release("000", TOKEN, publish=True)
    data = change_form_data(staff_client, release)
    word = "改后新词丁戊己庚"
    data["text"] = (
        str(data["text"]).replace(TOKEN, word) + "\r\n\r\n八、新增的要点\r\n\r\n新增一段说明。"
    )
    data["title"] = "编辑改过的标题"
    with committing(django_capture_on_commit_callbacks):
        response = staff_client.post(f"/admin/documents/release/{release.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    release.refresh_from_db()
    assert release.title == "编辑改过的标题" and release.details["text_edited"] is True
    assert release.sections.filter(text__contains=word).exists()
    assert release.sections.filter(heading__contains="新增的要点").exists()
    assert not _section_ids(TOKEN)
    assert _section_ids(word) <= set(release.sections.values_list("pk", flat=True))
    assert _section_ids(word)
    # A later re-parse keeps the edited text rather than returning to the original file.
    with committing(django_capture_on_commit_callbacks):
        staff_client.post(
            "/admin/documents/release/", {"action": "reparse", "_selected_action": [release.pk]}
        )
    assert _section_ids(word)


def test_a_text_edit_that_repeats_another_release_is_refused(staff_client, seeds):
    release = seeds["001"]
    data = change_form_data(staff_client, release)
    data["text"] = seeds["002"].text
    response = staff_client.post(f"/admin/documents/release/{release.pk}/change/", data)
    assert response.status_code == 200
    assert f"与发布稿 #{seeds['002'].pk}" in response.content.decode()


def test_deleting_asks_first_then_removes_the_release_from_search_and_pages(
    staff_client,
    client,
    make_release,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    release = make_release("000", TOKEN, publish=True)
    assert _section_ids(TOKEN)
    url = f"/admin/documents/release/{release.pk}/delete/"
    assert (
        "Are you sure" in staff_client.get(url).content.decode()
        or "确定" in staff_client.get(url).content.decode()
    )
    assert Release.objects.filter(pk=release.pk).exists()
    with committing(django_capture_on_commit_callbacks):
        staff_client.post(url, {"post": "yes"})
    assert not Release.objects.filter(pk=release.pk).exists()
    assert not _section_ids(TOKEN)
    assert client.get(f"/releases/{release.pk}/").status_code == 404


def test_index_state_and_errors_are_shown(
    staff_client,
    monkeypatch,
    make_release,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    release = make_release("000", TOKEN, publish=True)
    release.refresh_from_db()
    assert release.indexed_at is not None and not release.index_error
    page = staff_client.get(f"/admin/documents/release/{release.pk}/change/").content.decode()
    count = release.sections.count()
    assert f"已收录 {count}/{count} 段" in page

    import search.indexing.sync

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(search.indexing.sync, "sync_releases", broken)
    with committing(django_capture_on_commit_callbacks):
        release.title = "索引出错时改的标题"
        release.save()
    release.refresh_from_db()
    assert release.index_error == "OSError: 磁盘已满"
    listing = staff_client.get("/admin/documents/release/", {"q": "索引出错时"}).content.decode()
    assert "磁盘已满" in listing and "出错" in listing
    page = staff_client.get(f"/admin/documents/release/{release.pk}/change/").content.decode()
    assert "磁盘已满" in page
    monkeypatch.undo()
    with committing(django_capture_on_commit_callbacks):
        release.save()
    release.refresh_from_db()
    assert not release.index_error
    state = staff_client.get("/admin/documents/release/").content.decode()
    assert 'id="index-state"' in state
