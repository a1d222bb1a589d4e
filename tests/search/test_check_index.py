"""``manage.py check_search_index``: drift between index and database, as sets, and its repair.

Each kind of drift is made the way it happens in practice: writes whose after-commit sync
never ran (the test's transaction never commits, as a process killed between its commit and
its sync never syncs) and a document written twice. Every test puts the database back
and repairs again, so the index leaves the test as it found it.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from haystack import connections

from documents.models import Release, Section
from search.indexing.drift import index_drift, repair_drift
from tests.search.scan import forget_searchers

pytestmark = pytest.mark.django_db


def check(*args: str) -> str:
    out = io.StringIO()
    call_command("check_search_index", *args, stdout=out)
    return out.getvalue()


def test_a_consistent_index_has_no_drift():
    drift = index_drift()
    assert drift.total == 0 and not drift.releases
    assert "drift 0" in check()


def test_each_kind_of_drift_is_found_by_section_and_repaired(seeds):
    edited = seeds["000"].sections.order_by("order").last()
    original_text = edited.text
    unpublished = seeds["001"]
    extra_home = seeds["002"]
    twice = seeds["003"]
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Section)

    # Stale: the text changed, no sync. Orphaned: unpublished, no sync.
    Section.objects.filter(pk=edited.pk).update(text=original_text + "另加一句。")
    Release.objects.filter(pk=unpublished.pk).update(status=Release.Status.DRAFT)
    # Missing: a section added, no sync. Duplicated: a release's documents added again.
    (extra,) = Section.objects.bulk_create(
        [
            Section(
                release=extra_home, order=999, kind="paragraph", text="补充的一段。", anchor="s999"
            )
        ]
    )
    writer = backend.open_writer(1)
    backend.add_sections(writer, index, Section.objects.filter(release=twice))
    writer.commit()
    forget_searchers()

    drift = index_drift()
    assert drift.stale == {edited.pk}
    assert drift.orphaned == set(unpublished.sections.values_list("pk", flat=True))
    assert drift.missing == {extra.pk}
    assert drift.duplicated == set(twice.sections.values_list("pk", flat=True))
    assert drift.releases == {seeds[p].pk for p in ("000", "001", "002", "003")}
    with pytest.raises(CommandError, match="differs from the database"):
        check()

    out = check("--repair")
    assert "repairing: re-indexing 4 release(s)" in out and "drift 0" in out
    assert index_drift().total == 0

    # Put the database back, and the index with it.
    Section.objects.filter(pk=edited.pk).update(text=original_text)
    Release.objects.filter(pk=unpublished.pk).update(status=Release.Status.PUBLISHED)
    Section.objects.filter(pk=extra.pk).delete()
    repair_drift(index_drift())
    forget_searchers()
    assert index_drift().total == 0


def test_the_report_counts_every_section_but_lists_a_few(seeds):
    release = seeds["004"]
    Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
    forget_searchers()
    try:
        with pytest.raises(CommandError):
            out = io.StringIO()
            call_command("check_search_index", stdout=out)
        count = release.sections.count()
        assert f"orphaned in the index: {count} (sections" in out.getvalue()
        assert out.getvalue().count(",") <= 9 and "…" in out.getvalue()
    finally:
        Release.objects.filter(pk=release.pk).update(status=Release.Status.PUBLISHED)
        forget_searchers()
    assert index_drift().total == 0
