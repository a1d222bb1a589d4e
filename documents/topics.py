"""The policy-topic thesaurus (``fixtures/topics.yaml``) and the matcher that tags text with it.

Releases about the business environment (优化营商环境) talk about the same few dozen things
under many names: a city writes 企业设立登记, a province 开办企业, a report in Traditional script
企業開辦. Topic pages, the compare view and the ``topic:`` search filter need one stable id for
each of them, so the words live in a data file an editor can extend without touching code, and
this module turns it into:

* ``Thesaurus.find`` / ``topic_of_term``: which topic a reader or a query means;
* ``Thesaurus.mentions`` / ``topics_in``: where a text talks about which topic.

Matching is a plain substring match on the folded text (``documents.script``: NFKC, Traditional
→ Simplified), so a term is found in either script and with full-width or half-width digits,
and offsets always point into the text as written. It is one compiled regular expression for
all terms, because every section of every release is tagged on import.

A short term can stand inside a longer word that means something else (招商 in 招商银行,
12345 in a “12345”模式 that is not the hotline). Choosing unambiguous terms is the first
defence; for the rest an entry may list such longer words under ``not_within``: where one of
them stands, the term inside it is not a mention.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from documents.script import fold, to_simplified

#: A slug is part of a URL: lowercase ASCII words joined by single hyphens.
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Longer than this is a sentence, not a term.
MAX_TERM_LENGTH = 30
_REQUIRED_KEYS = ("slug", "name", "description")
_LIST_KEYS = ("synonyms", "abbreviations", "not_within")
#: Optional one-line strings: the topic's name and description on the English pages.
_ENGLISH_KEYS = ("name_en", "description_en")
_KNOWN_KEYS = frozenset(_REQUIRED_KEYS + _LIST_KEYS + _ENGLISH_KEYS)
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")


class ThesaurusError(ValueError):
    """The thesaurus file is missing, not YAML, or breaks a rule; the message says where."""


@dataclass(frozen=True, slots=True)
class Topic:
    """One policy topic: a stable slug, a display name and the words that mean it."""

    slug: str
    name: str
    description: str
    synonyms: tuple[str, ...]
    abbreviations: tuple[str, ...]
    name_en: str = ""
    description_en: str = ""

    @property
    def terms(self) -> tuple[str, ...]:
        """Name, then synonyms, then abbreviations, each once: what a text may say."""
        return tuple(dict.fromkeys((self.name, *self.synonyms, *self.abbreviations)))

    @property
    def expansion(self) -> tuple[str, ...]:
        """The phrases a search ORs together for this topic: exactly the terms it is tagged by,
        so a ``topic:`` search finds the sections the import tagged."""
        return self.terms


@dataclass(frozen=True, slots=True)
class Mention:
    """A thesaurus term found in a text; offsets are into the text as given."""

    slug: str
    term: str
    start: int
    end: int


class Thesaurus:
    """The topics of the thesaurus file, with lookups and a matcher built once."""

    topics: tuple[Topic, ...]

    def __init__(self, topics: tuple[Topic, ...], not_within: tuple[str, ...] = ()) -> None:
        self.topics = tuple(topics)
        self._by_slug = {topic.slug: topic for topic in self.topics}
        self._position = {topic.slug: i for i, topic in enumerate(self.topics)}
        self._term_topic: dict[str, Topic] = {}
        self._term_text: dict[str, str] = {}
        for topic in self.topics:
            for term in topic.terms:
                key = _key(term)
                self._term_topic.setdefault(key, topic)
                self._term_text.setdefault(fold(term), term)
        self._lookup = dict(self._term_topic)
        for topic in self.topics:
            self._lookup.setdefault(_key(topic.slug), topic)
        blockers = {fold(word) for word in not_within} - set(self._term_text)
        self._pattern = _compile(list(self._term_text) + sorted(blockers))

    def __repr__(self) -> str:
        return f"<Thesaurus: {len(self.topics)} topics>"

    def get(self, slug: str) -> Topic | None:
        """The topic with this slug exactly (slugs come from URLs and the database)."""
        return self._by_slug.get(slug)

    def find(self, value: str) -> Topic | None:
        """The topic a person means by a slug, a name, a synonym or an abbreviation.

        People type in either script and with either width of digits and letters, and paste
        with stray spaces, so the value is folded like the texts are; unknown values give None.
        """
        return self._lookup.get(_key(value))

    def topic_of_term(self, phrase: str) -> Topic | None:
        """The topic whose term this phrase is (after folding), for widening a search.

        Slugs are not terms: a typed word is widened only when a text could contain it.
        """
        return self._term_topic.get(_key(phrase))

    def mentions(self, text: str) -> list[Mention]:
        """Every mention of every term, in text order, with offsets into ``text`` as given.

        Where terms overlap at one place the longest wins (工程建设项目审批 rather than 项目审批
        inside it), and a term lying wholly inside a longer match is not counted again; terms
        that only partly overlap (民营企业开办: 民营企业, 企业开办) are both mentions, because a
        sentence can be about two topics at once.
        """
        if not text:
            return []
        folded = _fold_in_place(text)
        found: list[Mention] = []
        covered = 0
        search = self._pattern.search
        match = search(folded)
        while match is not None:
            start, end = match.span()
            if end > covered:
                covered = end
                term = self._term_text.get(match.group())
                if term is not None:  # else a not_within word: it hides the terms inside it
                    found.append(Mention(self._term_topic[_key(term)].slug, term, start, end))
            # the next place a word starts may lie inside this match (民营企业开办)
            match = search(folded, start + 1)
        return found

    def topics_in(self, text: str) -> list[str]:
        """Slugs of the topics ``text`` mentions, once each, in thesaurus order (stable tags)."""
        slugs = {mention.slug for mention in self.mentions(text)}
        return sorted(slugs, key=self._position.__getitem__)


def thesaurus_path() -> Path:
    """Where the thesaurus lives: ``settings.PORTAL_TOPICS_FILE``, else the shipped file.

    A setting, like ``SEARCH_POLICY_TERMS`` for the policy-term dictionary, so a deployment or a
    test can point at its own file without editing the repository's.
    """
    configured = getattr(settings, "PORTAL_TOPICS_FILE", None)
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "fixtures" / "topics.yaml"


def load_thesaurus(path: Path | None = None) -> Thesaurus:
    """Read and check the thesaurus file; raise ThesaurusError saying where it is wrong.

    The file is edited by hand, and a mistake in it (a term under two topics, a slug that
    cannot be a URL) would otherwise show up much later as wrong tags, so it is refused here
    with the file, the entry and the problem named.
    """
    path = Path(path) if path is not None else thesaurus_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThesaurusError(f"{path}: cannot read the thesaurus: {exc}") from exc
    try:
        data = yaml.load(raw, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ThesaurusError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise ThesaurusError(
            f"{path}: the thesaurus must be a non-empty YAML list of topic entries "
            f"(got {type(data).__name__})"
        )
    topics: list[Topic] = []
    not_within: list[str] = []
    slugs: dict[str, int] = {}
    names: dict[str, str] = {}
    owners: dict[str, tuple[str, str]] = {}
    for index, entry in enumerate(data, start=1):
        topic, blockers = _read_entry(path, index, entry)
        where = f"{path}: entry {index} ({topic.slug})"
        if topic.slug in slugs:
            raise ThesaurusError(
                f"{where}: duplicate slug {topic.slug!r} (also entry {slugs[topic.slug]})"
            )
        slugs[topic.slug] = index
        if _key(topic.name) in names:
            raise ThesaurusError(
                f"{where}: duplicate name {topic.name!r} (also topic {names[_key(topic.name)]})"
            )
        names[_key(topic.name)] = topic.slug
        for term in topic.terms:
            owner = owners.get(_key(term))
            if owner is not None and owner[0] != topic.slug:
                raise ThesaurusError(
                    f"{where}: term {term!r} already belongs to topic {owner[0]!r} "
                    f"(as {owner[1]!r}); a term may belong to one topic only"
                )
            owners[_key(term)] = (topic.slug, term)
        topics.append(topic)
        not_within.extend(blockers)
    for topic in topics:
        clash = owners.get(_key(topic.slug))
        if clash is not None and clash[0] != topic.slug:
            raise ThesaurusError(
                f"{path}: slug {topic.slug!r} is also a term of topic {clash[0]!r}; "
                "find() could not tell them apart"
            )
    return Thesaurus(tuple(topics), tuple(not_within))


@cache
def thesaurus() -> Thesaurus:
    """The thesaurus of ``thesaurus_path()``, loaded once per process.

    Every section of every release is tagged with it, so it is read and compiled once;
    ``thesaurus.cache_clear()`` makes the next call read the file again.
    """
    return load_thesaurus()


# --- reading -----------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _UniqueKeyLoader.construct_mapping
)


def _read_entry(path: Path, index: int, entry: Any) -> tuple[Topic, list[str]]:
    where = f"{path}: entry {index}"
    if not isinstance(entry, dict):
        raise ThesaurusError(f"{where}: must be a mapping with slug, name, description, …")
    slug = entry.get("slug")
    if isinstance(slug, str) and slug:
        where = f"{where} ({slug})"
    unknown = sorted(str(key) for key in entry if key not in _KNOWN_KEYS)
    if unknown:
        raise ThesaurusError(
            f"{where}: unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(_KNOWN_KEYS))}"
        )
    for key in _REQUIRED_KEYS:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            problem = "missing" if value is None else "must be a non-empty string"
            raise ThesaurusError(f"{where}: {key} is {problem}")
    if not SLUG_PATTERN.match(slug):
        raise ThesaurusError(
            f"{where}: bad slug {slug!r}: use lowercase ASCII letters and digits joined by "
            "single hyphens (pattern ^[a-z0-9]+(-[a-z0-9]+)*$)"
        )
    description = entry["description"].strip()
    if "\n" in description:
        raise ThesaurusError(f"{where}: description must be one line")
    name = _term(where, "name", entry["name"])
    lists = {}
    for key in _LIST_KEYS:
        value = entry.get(key)
        if value is None:
            value = []
        if not isinstance(value, list):
            raise ThesaurusError(f"{where}: {key} must be a list of strings")
        lists[key] = [_term(where, key, item) for item in value]
    english = {}
    for key in _ENGLISH_KEYS:
        value = entry.get(key, "")
        if not isinstance(value, str) or "\n" in value.strip():
            raise ThesaurusError(f"{where}: {key} must be a one-line string")
        english[key] = value.strip()
    topic = Topic(
        slug=slug,
        name=name,
        description=description,
        synonyms=tuple(lists["synonyms"]),
        abbreviations=tuple(lists["abbreviations"]),
        **english,
    )
    folded_terms = [fold(term) for term in topic.terms]
    for word in lists["not_within"]:
        folded = fold(word)
        inner = [t for t in folded_terms if t in folded and t != folded]
        if not inner:
            raise ThesaurusError(
                f"{where}: not_within {word!r} contains none of the topic's terms, "
                "so it cannot hide one"
            )
    return topic, lists["not_within"]


def _term(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        # YAML reads 12345 as a number: the editor has to quote it.
        raise ThesaurusError(
            f"{where}: {key} entry {value!r} must be a string (quote numbers in YAML)"
        )
    if not value or not value.strip():
        raise ThesaurusError(f"{where}: {key} has an empty term")
    if any(ch.isspace() for ch in value):
        raise ThesaurusError(
            f"{where}: {key} term {value!r} contains whitespace; terms match literally and "
            "never across spaces or line breaks"
        )
    if len(value) > MAX_TERM_LENGTH:
        raise ThesaurusError(
            f"{where}: {key} term {value!r} is longer than {MAX_TERM_LENGTH} characters"
        )
    if key != "not_within" and fold(value) != value:
        raise ThesaurusError(
            f"{where}: {key} term {value!r} must be written in Simplified script with "
            f"normal-width characters ({fold(value)!r}); Traditional text matches anyway"
        )
    return value


# --- matching ----------------------------------------------------------------------------


def _key(value: str) -> str:
    """The lookup form of a user's value: folded, trimmed, ASCII lowercased."""
    return fold(value.strip()).lower()


def _compile(words: list[str]) -> re.Pattern[str]:
    """One pattern for all words, shaped as a trie, that matches the longest word at a place.

    A trie (企业 → 开办 | 设立 | …) rather than a flat alternation: the regex engine then skips
    every position whose character starts no word, and tries one branch where one does, which
    keeps tagging a 30,000-character report to a few milliseconds. Optional tails are greedy, so
    the longest word wins. A word that begins or ends with an ASCII letter or digit must not
    continue a longer number or code: 12345 is the hotline, 123456 is not.
    """
    trie: dict[str, Any] = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True
    if not trie:
        return re.compile(r"(?!)")
    return re.compile(_trie_pattern(trie, root=True))


def _trie_pattern(node: dict[str, Any], root: bool = False, last: str = "") -> str:
    branches = []
    for ch in sorted(key for key in node if key):
        head = re.escape(ch)
        if root and _ASCII_ALNUM.match(ch):
            # after the first character: the one before it is no letter or digit
            head += f"(?<![0-9A-Za-z]{re.escape(ch)})"
        branches.append(head + _trie_pattern(node[ch], last=ch))
    ends_here = "" in node
    if ends_here and _ASCII_ALNUM.match(last):
        branches.append(r"(?![0-9A-Za-z])")
        ends_here = False
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends_here else body


def _fold_in_place(text: str) -> str:
    """``fold(text)`` with every character kept at its offset.

    This is ``documents.script.fold_aligned``'s rule, with a fallback instead of giving up:
    NFKC turns some characters into several (… becomes ...), and releases are full of ……, so
    such characters are kept as written and the rest folded, phrase by phrase where OpenCC
    keeps the length and character by character where it does not.
    """
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    narrow = "".join(_nfkc_char(ch) for ch in text)
    simplified = to_simplified(narrow)
    if len(simplified) == len(narrow):
        return simplified
    return "".join(_simplified_char(ch) for ch in narrow)


@cache
def _nfkc_char(ch: str) -> str:
    normal = unicodedata.normalize("NFKC", ch)
    return normal if len(normal) == 1 else ch


@cache
def _simplified_char(ch: str) -> str:
    simple = to_simplified(ch)
    return simple if len(simple) == 1 else ch
