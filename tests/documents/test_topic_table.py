"""The Topic table follows the thesaurus file: renames, swaps, removals, additions.

Pages join sections to Topic rows, so an edited thesaurus must reach the table without
losing the tags of topics that only changed their name, and without a second write when
nothing changed (every import asks).
"""

from __future__ import annotations

import pytest
import yaml

from documents.models import Section, Topic
from documents.section_analysis import sync_topics
from documents.topics import thesaurus, thesaurus_path


@pytest.fixture
def edited_thesaurus(settings, tmp_path):
    """Point the portal at an edited copy of the shipped thesaurus; put the shipped one back."""

    def write(entries: list[dict]) -> None:
        path = tmp_path / "topics.yaml"
        path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
        settings.PORTAL_TOPICS_FILE = str(path)
        thesaurus.cache_clear()

    yield write
    settings.PORTAL_TOPICS_FILE = None  # the table itself is rolled back with the test
    thesaurus.cache_clear()


def shipped_entries() -> list[dict]:
    return yaml.safe_load(thesaurus_path().read_text(encoding="utf-8"))


def tagged_sections(slug: str) -> set[int]:
    return set(Section.objects.filter(topics__slug=slug).values_list("pk", flat=True))


@pytest.mark.django_db
def test_an_edited_thesaurus_reaches_the_table_and_keeps_the_tags_of_renamed_topics(
    seeds, edited_thesaurus
):
    entries = shipped_entries()
    first, second, dropped = entries[0], entries[1], entries[-1]
    before = {t.slug: t for t in Topic.objects.all()}
    tagged = {slug: tagged_sections(slug) for slug in (first["slug"], second["slug"])}
    first["name"], second["name"] = second["name"], first["name"]  # two topics swap names
    first["description"] = "改过的说明"
    entries.remove(dropped)
    entries.insert(2, {"slug": "xin-zhuti", "name": "新的主题", "description": "新加的。"})
    edited_thesaurus(entries)

    rows = sync_topics()

    assert list(Topic.objects.values_list("slug", flat=True)) == [e["slug"] for e in entries]
    assert rows[first["slug"]].name == first["name"] and rows[second["slug"]].name == second["name"]
    assert rows[first["slug"]].description == "改过的说明"
    assert rows["xin-zhuti"].position == 2 and rows["xin-zhuti"].name == "新的主题"
    assert dropped["slug"] not in rows
    for slug in (first["slug"], second["slug"]):  # same row, same tags: only the name changed
        assert rows[slug].pk == before[slug].pk
        assert tagged_sections(slug) == tagged[slug]
    assert tagged[first["slug"]], "the shipped first topic tags some seed section"


@pytest.mark.django_db
def test_an_unchanged_thesaurus_costs_one_query(django_assert_num_queries):
    sync_topics()
    with django_assert_num_queries(1):
        rows = sync_topics()
    assert len(rows) == len(thesaurus().topics)
