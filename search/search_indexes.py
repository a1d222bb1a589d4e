"""What is searchable: one haystack document per section of a published release.

The section is the unit of retrieval, so a hit links straight to its anchor. Each document
carries what the search page filters, counts and groups by (release, province, region, year,
kind, issuer, document number, validity, status) and the texts the query scopes reach (full
text, heading, release title on a release's first section, speaker on Q&A).
"""

from __future__ import annotations

import hashlib
import json

from django.db.models import OuterRef, Subquery
from haystack import indexes

from documents.models import Region, Release, Section
from search.core.analysis import text_analyzer
from search.core.release_metadata import ISSUER_JOIN, doc_number_terms, issuer_parts
from search.core.request import UNKNOWN_YEAR
from search.core.section_text import section_content
from search.fields import AnalyzedTextField, KeywordField, NumberField


def region_chain(region: Region | None) -> list[Region]:
    """The region and its ancestors, nation last."""
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def filter_codes(region: Region | None) -> list[str]:
    """Codes a ``region:`` filter finds the release by: its region and the ones above it.

    The nation is a level of government, not a container: ``region:全国`` means releases of
    the central government, as the 全国 facet counts them, so it is only the nation's own code.
    """
    chain = region_chain(region)
    return [r.code for r in chain if r.level != Region.LevelChoices.NATION or r is chain[0]]


class SectionIndex(indexes.SearchIndex, indexes.Indexable):
    """Sections of published releases."""

    text = AnalyzedTextField(document=True, analyzer=text_analyzer())
    heading = AnalyzedTextField(model_attr="heading", indexed=False)
    title = AnalyzedTextField(analyzer=text_analyzer())
    speaker = AnalyzedTextField(indexed=False)

    section = KeywordField(indexed=False)
    release = KeywordField()
    region = KeywordField(few_values=True)
    province = KeywordField(few_values=True)
    regions = indexes.MultiValueField()
    year = KeywordField(few_values=True)
    kind = KeywordField(few_values=True)
    #: The issuing bodies joined by ``ISSUER_JOIN``: the column facets count (as ``region``).
    issuer = KeywordField()
    #: Each issuing body: what ``issuer:`` filters on (as ``regions``).
    issuers = indexes.MultiValueField()
    #: The number, its issuer code and code with year (``search.core.release_metadata``).
    doc_numbers = indexes.MultiValueField()
    validity = KeywordField(few_values=True)
    section_kind = KeywordField(model_attr="kind", few_values=True)
    status = KeywordField(few_values=True)
    lead = KeywordField(few_values=True)
    day = NumberField()
    order = NumberField(model_attr="order")
    version = KeywordField(indexed=False)

    def get_model(self) -> type[Section]:
        return Section

    def index_queryset(self, using: str | None = None):
        first = Section.objects.filter(release=OuterRef("release")).order_by("order")
        return (
            Section.objects.filter(release__status=Release.Status.PUBLISHED)
            .select_related("release__region__parent__parent")
            .annotate(first_order=Subquery(first.values("order")[:1]))
            .order_by("release_id", "order")
        )

    def read_queryset(self, using: str | None = None):
        return Section.objects.select_related("release__region")

    def prepare(self, obj: Section) -> dict:
        data = super().prepare(obj)
        data["version"] = document_version(data)
        return data

    def prepare_version(self, section: Section) -> str:
        return ""  # filled in by ``prepare`` from every other field

    def prepare_text(self, section: Section) -> str:
        return section_content(section)

    def prepare_title(self, section: Section) -> str:
        release = section.release
        return (
            "\n".join(filter(None, [release.title, release.subtitle])) if _is_lead(section) else ""
        )

    def prepare_speaker(self, section: Section) -> str:
        return " ".join(filter(None, [section.speaker, section.speaker_title]))

    def prepare_section(self, section: Section) -> str:
        return str(section.pk)

    def prepare_release(self, section: Section) -> str:
        return str(section.release_id)

    def prepare_region(self, section: Section) -> str:
        region = section.release.region
        return region.code if region else ""

    def prepare_province(self, section: Section) -> str:
        chain = region_chain(section.release.region)
        if not chain:
            return ""
        # The top of the chain is the nation; a province is the level just below it.
        return chain[-2].code if len(chain) >= 2 else chain[-1].code

    def prepare_regions(self, section: Section) -> list[str]:
        return filter_codes(section.release.region)

    def prepare_year(self, section: Section) -> str:
        published = section.release.published
        return str(published.year) if published else UNKNOWN_YEAR

    def prepare_kind(self, section: Section) -> str:
        return section.release.kind

    def prepare_issuer(self, section: Section) -> str:
        return ISSUER_JOIN.join(issuer_parts(section.release.issuer))

    def prepare_issuers(self, section: Section) -> list[str]:
        return issuer_parts(section.release.issuer)

    def prepare_doc_numbers(self, section: Section) -> list[str]:
        return doc_number_terms(section.release.doc_number)

    def prepare_validity(self, section: Section) -> str:
        return section.release.validity

    def prepare_status(self, section: Section) -> str:
        return section.release.status

    def prepare_lead(self, section: Section) -> str:
        return "1" if _is_lead(section) else "0"

    def prepare_day(self, section: Section) -> int:
        published = section.release.published
        return published.year * 10000 + published.month * 100 + published.day if published else 0


def document_version(data: dict) -> str:
    """A digest of everything a section's document holds: it changes exactly when the document
    would. ``manage.py check_search_index`` compares it with the database's to find stale
    entries."""
    content = json.dumps(
        {key: value for key, value in data.items() if key != "version"},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.blake2b(content.encode("utf-8"), digest_size=8).hexdigest()


def _is_lead(section: Section) -> bool:
    """The first section stands for its release when only titles are searched."""
    first = getattr(section, "first_order", None)
    if first is None:
        first = section.release.sections.order_by("order").values_list("order", flat=True)[0]
    return section.order == first
