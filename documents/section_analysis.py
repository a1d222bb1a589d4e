"""Topics and figures of stored releases: derived from the sections' text, and derivable again.

Every section is tagged with the thesaurus topics its heading or text mentions, and every
figure the extractor finds in its text is stored with the topics it is about, so topic pages,
the compare view and region panels are plain queries. Both depend on data that changes (the
thesaurus file) and on rules that improve (the extractor), so each release records the
``analysis_version`` it was analysed with, and ``manage.py analyse_releases`` brings the rest
up to date; ``make run`` and ``make test`` do that on every set-up.

Which topics a figure is about: the topic mentioned nearest before it in its sentence (the
subject of a Chinese clause comes first: 企业开办实现0.5天零成本办理，工程建设项目全流程审批时限
压减至55个工作日以内 gives 0.5天 to 企业开办 and 55个工作日 to 工程建设项目审批), else the first one
after it in the sentence; a figure in a sentence that mentions no topic has none.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from documents.figures import Figure as ExtractedFigure
from documents.figures import extract_figures
from documents.models import Figure, Release, Section, Topic
from documents.topics import Mention, ThesaurusError, thesaurus, thesaurus_path

#: Bump when the figure rules change in a way stored figures should follow.
FIGURE_RULES = "8"
_CLAUSE_MARKS = frozenset("，,；;：:")
#: How far into an earlier clause its subject (the topic it lends a figure) may start.
HEAD_CHARS = 8
#: The largest value a Figure row holds (``max_digits=24, decimal_places=6``).
_MAX_VALUE = Decimal("1e17")
#: ``Release.details`` key listing the sections whose analysis raised (by anchor).
FAILED_KEY = "analysis_failed_sections"

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Analysed:
    """What analysing some releases stored."""

    releases: int = 0
    tagged_sections: int = 0
    figures: int = 0
    failed_sections: int = 0


def analysis_version() -> str:
    """A short digest of the thesaurus file and the figure rules in force."""
    digest = hashlib.blake2b(digest_size=6)
    digest.update(thesaurus_path().read_bytes())
    digest.update(FIGURE_RULES.encode())
    return digest.hexdigest()


def sync_topics() -> dict[str, Topic]:
    """Make the Topic table equal to the thesaurus; return its rows by slug.

    One query when nothing changed (the usual case, once per imported release). When it did
    change, many importers may notice at once (a new deployment, a flushed database): one of
    them writes the table while the rest wait for it and then find nothing left to do. The
    writes lock no row the others' section tags point at unless a topic is renamed or removed, so
    concurrent imports on PostgreSQL cannot deadlock on the topics' foreign keys.
    """
    wanted = {
        topic.slug: (topic.name, topic.description[:300], position)
        for position, topic in enumerate(thesaurus().topics)
    }
    rows = _topic_rows()
    if _as_wanted(rows) == wanted:
        return rows
    with transaction.atomic():
        _one_writer_at_a_time("documents.sync_topics")
        rows = _topic_rows()  # another importer may have written it while we waited
        current = _as_wanted(rows)
        if current == wanted:
            return rows
        Topic.objects.exclude(slug__in=wanted).delete()
        # Names are unique: park renamed rows under their slug first, so two topics may swap.
        renamed = [s for s in wanted if s in current and current[s][0] != wanted[s][0]]
        Topic.objects.filter(slug__in=renamed).update(name=Concat(Value("~"), "slug"))
        for slug, (name, description, position) in wanted.items():
            if slug in current and current[slug] != wanted[slug]:
                Topic.objects.filter(slug=slug).update(
                    name=name, description=description, position=position
                )
        Topic.objects.bulk_create(
            Topic(slug=slug, name=name, description=description, position=position)
            for slug, (name, description, position) in wanted.items()
            if slug not in current
        )
    return _topic_rows()


def _topic_rows() -> dict[str, Topic]:
    return {row.slug: row for row in Topic.objects.all()}


def _as_wanted(rows: dict[str, Topic]) -> dict[str, tuple[str, str, int]]:
    return {slug: (r.name, r.description, r.position) for slug, r in rows.items()}


def _one_writer_at_a_time(name: str) -> None:
    """Hold a database-wide lock called ``name`` until the current transaction ends.

    PostgreSQL takes concurrent writers side by side, so they queue on an advisory lock;
    SQLite's writers already queue (``IMMEDIATE`` transactions), as do other databases'
    through the unique slugs (a second writer's insert fails instead of doubling a topic).
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


def analyse_release(release: Release, topics: dict[str, Topic] | None = None) -> Analysed:
    """Replace the release's section topics and figures with what its text says now.

    A section whose analysis raises (a rule meeting text it was not written for) keeps no
    topics or figures and is listed in ``details``; the release and its other sections are
    still stored and analysed, so one odd sentence never stops an import of thousands.
    """
    topics = topics if topics is not None else sync_topics()
    # ``release`` too: a related manager sets each row's release, which reads ``release_id``;
    # left deferred, that read was one query per section (a tenth of a bulk import's time).
    sections = list(release.sections.only("pk", "release", "order", "anchor", "heading", "text"))
    tags: list[Section.topics.through] = []
    figures: list[Figure] = []
    figure_slugs: list[list[str]] = []
    failed: list[str] = []
    for section in sections:
        try:
            found_tags, found_figures = _analyse_section(release, section, topics)
        except ThesaurusError:
            raise  # the thesaurus file is broken: every section would fail, say so once
        except Exception:
            logger.exception(
                "analysis of section %s (release %s) failed; it keeps no topics or figures",
                section.pk,
                release.pk,
            )
            failed.append(section.anchor)
            continue
        tags.extend(found_tags)
        for row, slugs in found_figures:
            figures.append(row)
            figure_slugs.append(slugs)
    details = {key: value for key, value in (release.details or {}).items() if key != FAILED_KEY}
    if failed:
        details[FAILED_KEY] = failed
    with transaction.atomic():
        Figure.objects.filter(release=release).delete()
        Section.topics.through.objects.filter(section__release=release).delete()
        Section.topics.through.objects.bulk_create(tags)
        created = Figure.objects.bulk_create(figures)
        Figure.topics.through.objects.bulk_create(
            Figure.topics.through(figure_id=figure.pk, topic_id=topics[slug].pk)
            for figure, slugs in zip(created, figure_slugs, strict=True)
            for slug in slugs
            if slug in topics
        )
        changed = {"analysis_version": analysis_version()}
        if details != (release.details or {}):
            changed["details"] = details
        Release.objects.filter(pk=release.pk).update(**changed)
    release.details = details
    return Analysed(1, len({t.section_id for t in tags}), len(figures), len(failed))


def _analyse_section(
    release: Release, section: Section, topics: dict[str, Topic]
) -> tuple[list, list[tuple[Figure, list[str]]]]:
    """One section's topic tags and figure rows (with their topics' slugs)."""
    mentions = thesaurus().mentions(section.text)
    slugs = {m.slug for m in mentions} | set(thesaurus().topics_in(section.heading))
    tags = [
        Section.topics.through(section_id=section.pk, topic_id=topics[slug].pk)
        for slug in sorted(slugs)
        if slug in topics
    ]
    figures = []
    for found in extract_figures(section.text):
        row = _figure_row(release, section, found)
        if row is not None:
            figures.append((row, figure_topics(found, mentions, section.text)))
    return tags, figures


def failed_sections_warning(release: Release) -> str:
    """A line for the editor when some of the release's sections could not be analysed."""
    failed = (release.details or {}).get(FAILED_KEY) or []
    if not failed:
        return ""
    shown = "、".join(f"#{anchor}" for anchor in failed[:10])
    more = "…" if len(failed) > 10 else ""
    return _(
        "%(shown)s%(more)s %(count)d 段的主题与数据提取出错，已跳过；"
        "正文与检索不受影响，错误已记入日志。"
    ) % {"shown": shown, "more": more, "count": len(failed)}


def analyse_releases(releases: Iterable[Release]) -> Analysed:
    """Analyse each release (its own transaction each); return the totals."""
    topics = sync_topics()
    total = Analysed()
    for release in releases:
        done = analyse_release(release, topics)
        total = Analysed(
            total.releases + 1,
            total.tagged_sections + done.tagged_sections,
            total.figures + done.figures,
            total.failed_sections + done.failed_sections,
        )
    return total


def outdated_releases():
    """Releases analysed with another thesaurus or other figure rules (or never)."""
    return Release.objects.exclude(analysis_version=analysis_version()).only("pk")


def figure_topics(figure: ExtractedFigure, mentions: list[Mention], text: str = "") -> list[str]:
    """The topic a figure is about, from where Chinese puts the subject of a clause.

    First a topic named in the figure's own subject (企业设立登记 办理时间); else the first topic
    named in the figure's clause before it; else, clause by clause backwards through the
    sentence, a topic named at a clause's head (its subject, not the object after its verb:
    企业设立登记实现全程网办，办理时间压至2个工作日内 is about 企业开办, not 一网通办); else the
    first one named after it in its own clause (2个工作日内完成企业开办). A topic named only in
    a later clause says nothing about the figure, and a sentence naming none gives none.
    """
    in_subject = thesaurus().mentions(figure.subject) if figure.subject else []
    if in_subject:
        return [in_subject[0].slug]
    inside = [
        m for m in mentions if figure.sentence_start <= m.start and m.end <= figure.sentence_end
    ]
    before = [m for m in inside if m.end <= figure.start]
    if before:
        bounds = _clause_starts(text, figure.sentence_start, figure.start) if text else []
        own = bounds[-1] if bounds else figure.sentence_start
        in_own = [m for m in before if m.start >= own]
        if in_own:
            return [in_own[0].slug]
        for clause_start in reversed(bounds[:-1]):
            # An earlier clause lends its topic only from its subject, at its head: in
            # 强力处置……工程建设项目被阻工案，分别治安拘留2人 the project is an object.
            heads = [m for m in before if clause_start <= m.start < clause_start + HEAD_CHARS]
            if heads:
                return [heads[0].slug]
    clause_end = _clause_end(text, figure.end, figure.sentence_end) if text else figure.end
    after = [m for m in inside if figure.end <= m.start and m.end <= clause_end]
    return [after[0].slug] if after else []


def _clause_end(text: str, start: int, end: int) -> int:
    """Where the clause running on from ``start`` ends (at the next clause mark, or ``end``)."""
    return next((i for i in range(start, end) if text[i] in _CLAUSE_MARKS), end)


def _clause_starts(text: str, start: int, end: int) -> list[int]:
    """Where the clauses of ``text[start:end]`` begin (after ，,；;：: — not the list mark 、)."""
    starts = [start]
    starts.extend(i + 1 for i in range(start, end) if text[i] in _CLAUSE_MARKS)
    return starts


def _figure_row(release: Release, section: Section, found: ExtractedFigure) -> Figure | None:
    if abs(found.value) >= _MAX_VALUE:
        return None
    return Figure(
        release=release,
        section=section,
        value=found.value.quantize(Decimal("0.000001")),
        unit=found.unit[:16],
        kind=found.kind[:12],
        measure=found.measure,
        certain=found.certain,
        text=found.text[:64],
        qualifier=found.qualifier[:32],
        subject=found.subject[:120],
        period=found.period[:64],
        before=found.before[:64],
        after=found.after[:120],
        sentence=found.sentence,
        start=found.start,
        end=found.end,
        sentence_start=found.sentence_start,
        sentence_end=found.sentence_end,
    )
