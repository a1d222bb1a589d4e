"""A search request: the parsed query plus filters, scope, sorting and paging, all validated.

The page, the JSON API, the Atom feed and ``evaluate_search`` read the same parameters, so they are
checked in one place and every bad value gets one clear message. Region and province names are
resolved against the gazetteer here (``金昌``, ``金昌市``, ``620300`` and ``金昌市`` in Traditional
script all mean the same city), so backends only ever see codes; issuers and document numbers
become the keywords the index holds (``search.core.release_metadata``), kinds and validities their
stored values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _

from documents.models import Release
from documents.script import fold
from documents.selectors import find_regions
from search.core.analysis import query_units, valid_unicode
from search.core.query import ParsedQuery, Phrase, parse_query
from search.core.release_metadata import doc_number_key, issuer_key
from search.core.topic_expansion import Expansion, UnknownTopic, with_topics

MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
_DATE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?$")
_YEARS = re.compile(r"^(\d{4})\s*(?:-|–|~|至|到)\s*(\d{4})$")
UNKNOWN_YEAR = "unknown"
#: URL parameters that narrow a search, in the order the page lists them as chosen filters.
URL_FILTERS = (
    "province",
    "region",
    "year",
    "kind",
    "issuer",
    "docno",
    "validity",
    "speaker",
    "from",
    "to",
    "release",
    "topic",
)
#: Words readers use for a kind besides its label.
_KIND_ALIASES = {
    "发布会": "press_conference",
    "新闻": "news",
    "报告": "work_report",
    "法规": "regulation",
    "规章": "regulation",
    "规范性": "normative",
    "解读": "interpretation",
}
#: Words readers use for a validity besides its label.
_VALIDITY_ALIASES = {
    "有效": "current",
    "现行": "current",
    "修改": "amended",
    "修订": "amended",
    "已修订": "amended",
    "废止": "repealed",
    "失效": "repealed",
    "已失效": "repealed",
    "未生效": "not_yet",
}


class BadSearchParameter(ValueError):
    """A parameter that cannot be understood; the message says which and what is allowed."""


class Sort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"


class Scope(StrEnum):
    FULLTEXT = "fulltext"
    TITLE = "title"


class Within(StrEnum):
    SECTION = "section"
    SENTENCE = "sentence"


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions every backend applies before ranking (codes, not names)."""

    provinces: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    doc_numbers: tuple[str, ...] = ()
    validities: tuple[str, ...] = ()
    speakers: tuple[Phrase, ...] = ()
    day_from: int | None = None
    day_to: int | None = None
    release: int | None = None
    answers_only: bool = False

    @property
    def restricts(self) -> bool:
        """Whether any filter is set: a request with filters and no words browses them."""
        return any(
            (
                self.provinces,
                self.regions,
                self.years,
                self.kinds,
                self.issuers,
                self.doc_numbers,
                self.validities,
                self.speakers,
                self.day_from,
                self.day_to,
                self.release is not None,
                self.answers_only,
            )
        )


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    """A filter set by a URL parameter, shown on the page with a link that removes it."""

    param: str
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """Everything needed to run one search, independent of the engine."""

    query: ParsedQuery
    filters: Filters = Filters()
    scope: Scope = Scope.FULLTEXT
    within: Within = Within.SECTION
    sort: Sort = Sort.RELEVANCE
    active: tuple[ActiveFilter, ...] = ()
    notes: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    expansions: tuple[Expansion, ...] = ()
    synonyms: bool = False

    @property
    def searchable(self) -> bool:
        """Words to look for, or filters alone: ``region:金昌`` lists every section of 金昌."""
        return self.query.has_terms or self.filters.restricts


@dataclass(frozen=True, slots=True)
class Paging:
    page: int = 1
    page_size: int = 10


class _Params:
    """Read one parameter family from the URL and from ``key:value`` in the query text."""

    def __init__(self, params: Mapping[str, Sequence[str]], parsed: ParsedQuery) -> None:
        self.params = params
        self.parsed = parsed

    def url(self, name: str) -> list[str]:
        values = (
            valid_unicode(unicodedata.normalize("NFKC", v)).strip()
            for v in self.params.get(name, [])
        )
        return [v for v in values if v]

    def both(self, name: str) -> list[str]:
        return self.url(name) + [v.strip() for v in self.parsed.filters.get(name, ())]

    def one(self, name: str, default: str = "") -> str:
        values = self.url(name)
        return values[-1] if values else default


def build_request(
    params: Mapping[str, Sequence[str]], *, default_page_size: int = 10
) -> tuple[SearchRequest, Paging]:
    """Validate URL parameters (a ``QueryDict`` or ``{name: [values]}``) into a request."""
    parsed = parse_query(" ".join(params.get("q", [])))
    read = _Params(params, parsed)
    notes: list[str] = []
    labels: dict[str, str] = {}
    active: list[ActiveFilter] = []

    provinces = _resolve_regions(read.both("province"), notes, labels, provinces_only=True)
    regions = _resolve_regions(read.both("region"), notes, labels, provinces_only=False)
    years = tuple(y for value in read.both("year") for y in _years(value))
    kinds = tuple(_kind(value) for value in read.both("kind"))
    issuers = _keys(read.both("issuer"), issuer_key)
    doc_numbers = _keys(read.both("docno"), doc_number_key)
    validities = tuple(_validity(value) for value in read.both("validity"))
    speakers = tuple(
        Phrase(value, tuple(query_units(value))) for value in read.both("speaker") if value
    )
    day_from = _day(read.both("from"), "from", end=False)
    day_to = _day(read.both("to"), "to", end=True)
    if day_from and day_to and day_from > day_to:
        raise BadSearchParameter(_("起始日期晚于截止日期。"))
    release = _release(read.one("release"))
    if release is not None:
        labels[f"release:{release}"] = _release_title(release)

    synonyms = _flag(read.one("synonyms"), "synonyms")
    try:
        parsed, expansions, topic_labels = with_topics(parsed, read.both("topic"), synonyms)
    except UnknownTopic as exc:
        raise BadSearchParameter(str(exc)) from exc
    labels.update(topic_labels)

    for name in URL_FILTERS:
        for value in read.url(name):
            active.append(ActiveFilter(name, value, _label(name, value, labels)))
    answers = _flag(read.one("answers"), "answers")
    if answers:
        active.append(ActiveFilter("answers", "1", _("只看答问中的回答")))

    request = SearchRequest(
        query=parsed,
        filters=Filters(
            provinces=provinces,
            regions=regions,
            years=years,
            kinds=kinds,
            issuers=issuers,
            doc_numbers=doc_numbers,
            validities=validities,
            speakers=speakers,
            day_from=day_from,
            day_to=day_to,
            release=release,
            answers_only=answers,
        ),
        scope=_choice(Scope, read.one("scope", Scope.FULLTEXT), "scope"),
        within=_choice(Within, read.one("within", Within.SECTION), "within"),
        sort=_choice(Sort, read.one("sort", Sort.RELEVANCE), "sort"),
        active=tuple(active),
        notes=tuple(notes),
        labels=labels,
        expansions=expansions,
        synonyms=synonyms,
    )
    page = _whole(read.one("page", "1"), "page", 1, MAX_PAGE)
    page_size = _whole(read.one("page_size", str(default_page_size)), "page_size", 1, MAX_PAGE_SIZE)
    return request, Paging(page, page_size)


def _choice(enum: type[StrEnum], value: str, name: str) -> StrEnum:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise BadSearchParameter(
            _("参数 %(name)s 的取值 “%(value)s” 无效，可用：%(allowed)s。")
            % {"name": name, "value": value[:40], "allowed": allowed}
        ) from None


def _whole(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise BadSearchParameter(
            _("参数 %(name)s 应为 %(low)d 到 %(high)d 之间的整数，收到 “%(value)s”。")
            % {"name": name, "low": low, "high": high, "value": value[:40]}
        )
    return number


def _flag(value: str, name: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise BadSearchParameter(
        _("参数 %(name)s 只能是 1 或 0，收到 “%(value)s”。") % {"name": name, "value": value[:40]}
    )


def _release(value: str) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,18}", value):  # "²".isdigit(), yet int("²") fails
        raise BadSearchParameter(
            _("参数 release 应为发布稿编号，收到 “%(value)s”。") % {"value": value[:40]}
        )
    return int(value)


def _release_title(pk: int) -> str:
    title = Release.objects.filter(pk=pk).values_list("title", flat=True).first()
    return title or _("（不存在的发布稿 #%(pk)d）") % {"pk": pk}


def _years(value: str) -> list[str]:
    if value.lower() in {UNKNOWN_YEAR, "不详", "未知"}:
        return [UNKNOWN_YEAR]
    if re.fullmatch(r"[0-9]{4}", value) and 1900 <= int(value) <= 2100:
        return [value]
    span = _YEARS.match(value)
    if span:
        low, high = sorted((int(span.group(1)), int(span.group(2))))
        if low >= 1900 and high <= 2100:
            return [str(y) for y in range(low, high + 1)]
    raise BadSearchParameter(
        _("年份（year）“%(value)s” 无效：请写四位年份、年份范围（2020-2024）或 unknown。")
        % {"value": value[:40]}
    )


def _kind(value: str) -> str:
    found = _labelled(value, Release.KindChoices, _KIND_ALIASES)
    if found is None:
        allowed = ", ".join(f"{c.value}（{c.label}）" for c in Release.KindChoices)
        raise BadSearchParameter(
            _("类型（kind）“%(value)s” 无效，可用：%(allowed)s。")
            % {"value": value[:40], "allowed": allowed}
        )
    return found


def _validity(value: str) -> str:
    found = _labelled(value, Release.ValidityChoices, _VALIDITY_ALIASES)
    if not found:  # "" (不详) is what a release without a stated validity has: not a filter
        allowed = ", ".join(f"{c.value}（{c.label}）" for c in Release.ValidityChoices if c.value)
        raise BadSearchParameter(
            _("时效性（validity）“%(value)s” 无效，可用：%(allowed)s。")
            % {"value": value[:40], "allowed": allowed}
        )
    return found


def _labelled(value: str, choices: type[TextChoices], aliases: dict[str, str]) -> str | None:
    """The stored value a typed value, label (either script, either language) or alias names."""
    simplified = fold(value)
    for choice in choices:
        if value == choice.value or simplified.lower() in _labels(choice):
            return choice.value
    return aliases.get(simplified)


def _labels(choice: TextChoices) -> set[str]:
    """A choice's Chinese label and its label in the reader's language, folded."""
    with translation.override(settings.LANGUAGE_CODE):
        chinese = str(choice.label)
    return {fold(chinese).lower(), fold(str(choice.label)).lower()}


def _keys(values: list[str], key: Callable[[str], str]) -> tuple[str, ...]:
    """The index keywords of typed values, without repeats; a value with no keyword is dropped."""
    return tuple(dict.fromkeys(k for k in map(key, values) if k))


def _day(values: list[str], name: str, *, end: bool) -> int | None:
    if not values:
        return None
    value = values[-1]
    match = _DATE.match(value)
    if match:
        year, month, day = int(match.group(1)), match.group(2), match.group(3)
        month_number = int(month) if month else (12 if end else 1)
        day_number = int(day) if day else (31 if end else 1)
        if 1 <= month_number <= 12 and 1 <= day_number <= 31:
            return year * 10000 + month_number * 100 + day_number
    raise BadSearchParameter(
        _("参数 %(name)s 的日期 “%(value)s” 无效：请写 2024、2024-06 或 2024-06-30。")
        % {"name": name, "value": value[:40]}
    )


def _resolve_regions(
    values: list[str], notes: list[str], labels: dict[str, str], *, provinces_only: bool
) -> tuple[str, ...]:
    """Codes for the named regions; an unknown name is noted and matches nothing."""
    codes: list[str] = []
    for value in values:
        found = find_regions(value, provinces_only=provinces_only)
        if not found:
            notes.append(_("没有找到地区 “%(value)s”。") % {"value": value[:40]})
            codes.append("-")  # a code no section has: the filter matches nothing
            continue
        if len(found) > 1:
            names = "、".join(f"{r.name}（{r.parent.name if r.parent else ''}）" for r in found[:6])
            notes.append(
                _("“%(value)s” 对应多个地区：%(names)s，均已包括。")
                % {"value": value[:40], "names": names}
            )
        for region in found:
            codes.append(region.code)
            labels[f"region:{region.code}"] = region.name
            labels[value] = "、".join(r.name for r in found)
    return tuple(dict.fromkeys(codes))


def _label(name: str, value: str, labels: dict[str, str]) -> str:
    if name in {"province", "region", "topic"}:
        return labels.get(value, value)
    if name == "year":
        return _("年份不详") if value.lower() in {UNKNOWN_YEAR, "不详", "未知"} else f"{value}"
    if name == "kind":
        return str(Release.KindChoices(_kind(value)).label)
    if name == "validity":
        return str(Release.ValidityChoices(_validity(value)).label)
    if name == "docno":
        return _("文号 %(number)s") % {"number": value}
    if name == "release":
        return labels.get(f"release:{value}", value)
    if name == "from":
        return _("不早于 %(date)s") % {"date": value}
    if name == "to":
        return _("不晚于 %(date)s") % {"date": value}
    return value
