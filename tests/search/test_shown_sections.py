"""Sections shown with their remembered releases: the database's rows, edits seen at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import set_script_prefix
from django.utils import timezone

from documents.models import Region, Release, Section
from search.core import shown_sections
from search.core.shown_sections import forget_releases, load_sections

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_remembered():
    forget_releases()
    yield
    forget_releases()


def _ids(release: Release) -> list[int]:
    return list(release.sections.order_by("order").values_list("pk", flat=True))


def test_shown_sections_are_the_database_rows(seeds):
    ids = _ids(seeds["000"])[:12] + _ids(seeds["004"])[:8]
    shown = load_sections(ids)
    assert sorted(shown) == sorted(ids)
    for section in Section.objects.filter(pk__in=ids).select_related("release__region"):
        got = shown[section.pk]
        for field in Section._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(section, field.attname), field.name
        assert got.get_absolute_url() == section.get_absolute_url()
        assert got.release.title == section.release.title
        assert got.release.published == section.release.published
        assert got.release.region.name == section.release.region.name
        assert got.release.province.name == section.release.province.name


def test_unknown_and_no_ids_give_nothing(seeds):
    assert load_sections([]) == {}
    assert load_sections([-1, 0]) == {}


def test_a_page_of_remembered_releases_costs_two_small_queries(seeds, django_assert_num_queries):
    ids = _ids(seeds["001"])[:20]
    with django_assert_num_queries(3):  # sections, latest edit, releases with their regions
        load_sections(ids)
    with django_assert_num_queries(2):  # sections, latest edit
        shown = load_sections(ids)
        # The province is reached without a query: the region's parent came with it.
        assert {s.release.province.name for s in shown.values()} == {"甘肃省"}


def test_warm_up_remembers_the_published_releases(seeds, django_assert_num_queries):
    remembered = shown_sections.remember_releases()
    assert remembered == Release.objects.filter(status=Release.Status.PUBLISHED).count()
    ids = _ids(seeds["003"])[:5]
    with django_assert_num_queries(2):
        load_sections(ids)


def test_an_edit_by_another_process_is_seen_on_the_next_search(seeds, client):
    release = seeds["002"]
    load_sections(_ids(release))
    # Another process's save: no signal reaches this one, only the stamp it leaves.
    Release.objects.filter(pk=release.pk).update(
        title="湘潭市优化营商环境新闻发布会（修订）", updated=timezone.now() + timedelta(seconds=1)
    )
    shown = load_sections(_ids(release))
    assert {s.release.title for s in shown.values()} == {"湘潭市优化营商环境新闻发布会（修订）"}
    data = client.get("/api/search", {"q": "营商环境", "region": release.region.code}).json()
    assert {r["release_title"] for r in data["results"]} == {"湘潭市优化营商环境新闻发布会（修订）"}


def test_a_renamed_region_is_seen_on_the_next_search(seeds):
    release = seeds["000"]
    load_sections(_ids(release))
    region = Region.objects.get(pk=release.region_id)
    region.name = "金昌市（测试）"
    region.save()
    shown = load_sections(_ids(release))
    assert {s.release.region.name for s in shown.values()} == {"金昌市（测试）"}


def test_a_remembered_release_url_follows_the_script_prefix(seeds):
    release = seeds["000"]
    plain = release.get_absolute_url()
    assert plain == f"/releases/{release.pk}/"
    set_script_prefix("/portal/")
    try:
        assert release.get_absolute_url() == "/portal" + plain
    finally:
        set_script_prefix("/")
    assert release.get_absolute_url() == plain
