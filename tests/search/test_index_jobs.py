"""Index work started from the admin: check and repair, rebuild — as jobs with a page.

Staff act on the release list's index banner instead of a shell. The suite's queue is
immediate, so each job has finished when its button's request returns; the tests use the five
seeds alone (``live_seeds``), where a rebuild takes a second.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from haystack import connections

from documents.jobs import Cancelled
from documents.models import Job, Release, Section
from search.engines.whoosh.storage import live_dir
from search.indexing.drift import index_drift
from search.indexing.rebuild import rebuild_all
from search.indexing.sync import section_index
from tests.search.scan import forget_searchers

REPAIR = "/admin/search-index/repair/"
REBUILD = "/admin/search-index/rebuild/"
JOB_URL = re.compile(r"/admin/documents/job/(\d+)/change/")

pytestmark = pytest.mark.django_db(transaction=True)


def _finished_job(response) -> Job:
    assert response.status_code == 302, response.content[:500]
    found = JOB_URL.fullmatch(response["Location"])
    assert found, response["Location"]
    return Job.objects.get(pk=int(found.group(1)))


def test_the_release_list_offers_both_buttons(staff_client, live_seeds):
    page = staff_client.get("/admin/documents/release/").content.decode()
    assert f'action="{REPAIR}"' in page and 'id="index-repair"' in page
    assert f'action="{REBUILD}"' in page and 'id="index-rebuild"' in page
    assert "检索索引正常" in page


def test_repair_reindexes_only_what_differs(staff_client, live_seeds):
    forget_searchers()
    backend = connections["default"].get_backend()
    release = live_seeds["002"]
    sections = release.sections.count()
    backend.replace_releases(section_index(), [release.pk], [], wait=None)  # behind our back
    forget_searchers()
    assert index_drift().total == sections

    job = _finished_job(staff_client.post(REPAIR))
    assert (job.kind, job.status, job.done, job.total) == ("repair_index", "done", 1, 1)
    assert job.rows == [
        {
            "name": release.title,
            "outcome": "repaired",
            "message": f"重新编入 {sections} 段",
            "release": release.pk,
        }
    ]
    forget_searchers()
    assert backend.release_document_count(release.pk) == sections
    assert index_drift().total == 0
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "已修复" in page and f"重新编入 {sections} 段" in page

    again = _finished_job(staff_client.post(REPAIR))  # nothing left to repair
    assert (again.status, again.total, again.rows) == ("done", 0, [])


def test_rebuild_swaps_in_a_new_index_generation(staff_client, live_seeds):
    before = live_dir(connections["default"].get_backend().path)
    published = Section.objects.filter(release__status=Release.Status.PUBLISHED).count()
    job = _finished_job(staff_client.post(REBUILD))
    assert (job.kind, job.status) == ("rebuild_index", "done"), job.error
    assert job.total == job.done == published > 0
    assert job.rows[0]["outcome"] == "rebuilt"
    assert f"{published} 段，5 篇发布稿" in job.rows[0]["message"]
    forget_searchers()
    assert live_dir(connections["default"].get_backend().path) != before
    assert index_drift().total == 0
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "已重建" in page and "新索引已启用" in page


def test_a_rebuild_stopped_half_way_leaves_the_live_index(live_seeds, monkeypatch):
    from search.indexing import rebuild

    monkeypatch.setattr(rebuild, "REBUILD_CHUNK_SIZE", 5)
    path = connections["default"].get_backend().path
    before = live_dir(path)
    generations = sorted(p.name for p in before.parent.iterdir())
    heard: list[int] = []

    def stop(done: int) -> None:
        heard.append(done)
        raise Cancelled

    with pytest.raises(Cancelled):
        rebuild_all(on_progress=stop)
    assert heard == [5]
    assert live_dir(path) == before
    assert sorted(p.name for p in before.parent.iterdir()) == generations  # the new one removed
    forget_searchers()
    assert index_drift().total == 0


def test_a_second_click_opens_the_unfinished_job(staff_client, live_seeds, held_queue):
    first = staff_client.post(REBUILD)
    job = Job.objects.get()
    assert first["Location"] == job.get_absolute_url() and job.status == "queued"
    second = staff_client.post(REPAIR)
    assert second["Location"] == job.get_absolute_url()
    assert Job.objects.count() == 1
    assert "已有检索索引任务在进行" in staff_client.get(second["Location"]).content.decode()


def test_the_buttons_need_a_post_and_the_right_to_change_releases(client, live_seeds):
    assert client.post(REBUILD)["Location"].startswith("/admin/login/")  # anonymous
    user = get_user_model().objects.create_user("reader", password="pw-123456", is_staff=True)
    client.force_login(user)
    assert client.post(REBUILD).status_code == 403
    assert client.post(REPAIR).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="change_release"))
    user = get_user_model().objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(REPAIR).status_code == 405
    assert _finished_job(client.post(REPAIR)).status == "done"
    assert not Job.objects.filter(kind="rebuild_index").exists()
