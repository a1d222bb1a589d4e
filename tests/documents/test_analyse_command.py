"""``manage.py analyse_releases``: re-tags exactly what a thesaurus change made outdated."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from documents.models import Figure, Release, Section, Topic
from documents.section_analysis import analysis_version
from documents.topics import thesaurus, thesaurus_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_thesaurus(settings, tmp_path):
    """Point the portal at a thesaurus file of the test's own; restore the shipped one after."""
    path = tmp_path / "topics.yaml"
    settings.PORTAL_TOPICS_FILE = str(path)
    thesaurus.cache_clear()
    yield path
    thesaurus.cache_clear()


def _run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("analyse_releases", *args, stdout=out)
    return out.getvalue()


def test_up_to_date_database_analyses_nothing(seeds):
    assert _run().startswith("0 release(s) analysed")


def test_changed_thesaurus_retags_every_release(seeds, own_thesaurus):
    own_thesaurus.write_text(
        "- slug: kaiban\n  name: 企业开办\n  description: 开办企业\n"
        "  synonyms: [企业设立]\n  abbreviations: []\n",
        encoding="utf-8",
    )
    assert analysis_version() != Release.objects.first().analysis_version
    output = _run()
    assert output.startswith(f"{Release.objects.count()} release(s) analysed")
    assert list(Topic.objects.values_list("slug", flat=True)) == ["kaiban"]
    tagged = Section.objects.filter(topics__slug="kaiban", release=seeds["002"])
    assert tagged.filter(text__contains="企业设立登记").exists()
    # Figures now belong to the one topic or none; nothing points at a deleted topic.
    assert not Figure.objects.exclude(topics=None).exclude(topics__slug="kaiban").exists()
    assert _run().startswith("0 release(s) analysed")


def test_broken_thesaurus_is_a_clear_command_error(seeds, own_thesaurus):
    own_thesaurus.write_text("- slug: Bad Slug\n  name: x\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        _run()
    assert str(thesaurus_path()) in str(error.value) or "topics.yaml" in str(error.value)


def test_system_check_reports_a_broken_thesaurus(own_thesaurus):
    from django.core.management.base import SystemCheckError

    own_thesaurus.write_text("not: [a list", encoding="utf-8")
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    assert "documents.E001" in str(error.value)


def test_analysing_a_release_costs_the_same_queries_whatever_its_sections(
    seeds, django_assert_max_num_queries
):
    from documents.section_analysis import analyse_release, sync_topics

    topics = sync_topics()
    report = seeds["000"]  # 金昌's press conference: dozens of sections
    assert report.sections.count() > 30
    with django_assert_max_num_queries(16):  # one per section before: 50 and more
        analyse_release(report, topics)
