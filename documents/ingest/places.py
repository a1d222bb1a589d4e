"""Which place a release is about, read from the gazetteer's names and from how it is written.

The title and the lead weigh most; a county mentioned in passing counts for its city, never
against it; a lone district name (``新市区``, ``东区``) or a short name said once or twice
(``日照``, ``大同`` are words too) is no evidence. A regulation or normative document belongs to
its issuer's jurisdiction (a ministry's order is national), and a local regulation's title
always names its place.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from documents import gazetteer as gz
from documents.choices import Kind
from documents.ingest.errors import require_unicode
from documents.script import fold


@dataclass(frozen=True, slots=True)
class RegionGuess:
    """The region a release is about, with the evidence that chose it."""

    code: str
    name: str
    strong: bool
    evidence: str


_NATION_TITLE = re.compile(r"国务院|全国人民代表大会|全国人大|中华人民共和国|中央人民政府|全国政协")
_NATION_LEAD = re.compile(r"代表国务院|国务院总理|受国务院的?委托")


def given_region(hint: str, warnings: list[str]) -> RegionGuess | None:
    """A region stated by a column or a page, or None (with a warning) when it is ambiguous."""
    if not hint.strip():
        return None
    place = gz.lookup(hint)
    if place is None:
        warnings.append(f"地区列“{hint}”在行政区划中找不到或有重名，已按正文识别。")
        return None
    return RegionGuess(place.code, place.name, True, "批量文件的地区列")


@cache
def _name_index() -> tuple[dict[str, list[tuple[gz.Place, bool]]], int]:
    """Every full name and usable short name → places (with a flag: is it the full name)."""
    index: dict[str, list[tuple[gz.Place, bool]]] = {}
    for place in gz.places():
        if place.level == gz.Level.NATION:
            continue
        index.setdefault(place.name, []).append((place, True))
        short = place.short_name
        if short and place.level != gz.Level.COUNTY:
            index.setdefault(short, []).append((place, False))
    longest = max(len(name) for name in index)
    return index, longest


def find_places(text: str) -> list[tuple[gz.Place, bool]]:
    """Place names in ``text``, leftmost-longest, so 吉林省 is never read as 吉林 + 省."""
    index, longest = _name_index()
    key = fold(text)
    found: list[tuple[gz.Place, bool]] = []
    i = 0
    while i < len(key):
        for size in range(min(longest, len(key) - i), 1, -1):
            hits = index.get(key[i : i + size])
            if hits:
                found.extend(_disambiguate(hits))
                i += size
                break
        else:
            i += 1
    return found


def _disambiguate(hits: list[tuple[gz.Place, bool]]) -> list[tuple[gz.Place, bool]]:
    """A name shared by several places counts once, for the highest level among them."""
    if len(hits) == 1:
        return hits
    top = min(hits, key=lambda h: list(gz.Level).index(h[0].level))
    same_level = [h for h in hits if h[0].level == top[0].level]
    return [top] if len(same_level) == 1 else []


_CENTRAL = re.compile(
    r"^(?:中华人民共和国|国务院|中共中央|中央|全国人民代表大会|全国人大|最高人民|国家)|^国(?:办|发|函|令)"
    r"|^[\u4e00-\u9fff]{2,14}(?:部|总局|总署)$"
)


_ALL_PROVINCES = re.compile(r"^各省、?自治区、?直辖市")


def national_by_form(title: str, body: list[str], kind: Kind) -> RegionGuess | None:
    """National by how it is written: a local regulation's title always opens with its place,
    and a document addressed to 各省、自治区、直辖市 comes from the centre."""
    if body and _ALL_PROVINCES.match(fold(body[0])):
        return RegionGuess(gz.NATION_CODE, gz.NATION_NAME, True, "主送各省、自治区、直辖市")
    if kind == Kind.REGULATION and not find_places(title):
        return RegionGuess(gz.NATION_CODE, gz.NATION_NAME, False, "法规标题未冠地名")
    return None


def region_of_issuer(issuer: str, doc_number: str) -> RegionGuess | None:
    """A document's jurisdiction is its issuer's: a ministry's rule on a Shanghai exchange is
    national, a city congress's regulation is the city's."""
    if not issuer and not doc_number:
        return None
    places = [p for p, _ in find_places(issuer) if p.level != gz.Level.COUNTY]
    if places:
        finest = max(places, key=lambda p: list(gz.Level).index(p.level))
        return RegionGuess(finest.code, finest.name, True, "发文机关")
    if _CENTRAL.search(fold(issuer)) or _CENTRAL.search(fold(doc_number)):
        return RegionGuess(gz.NATION_CODE, gz.NATION_NAME, True, "发文机关为中央机关")
    return None


_GENERIC_COUNTY = re.compile(r"^[东西南北中城郊矿][区县]$")


def detect_region(title: str, body: list[str]) -> RegionGuess | None:
    """The city, province or nation a release is about."""
    require_unicode("\n".join((title, *body)))
    title_places = find_places(title)
    if _NATION_TITLE.search(fold(title)) and not [
        p for p, _ in title_places if p.level in (gz.Level.PROVINCE, gz.Level.CITY)
    ]:
        return RegionGuess(gz.NATION_CODE, gz.NATION_NAME, True, "标题提及国务院/全国人大")
    if not title_places and _NATION_LEAD.search(fold("\n".join(body[:2]))[:300]):
        return RegionGuess(gz.NATION_CODE, gz.NATION_NAME, True, "导语：代表国务院作报告")
    scores: Counter[str] = Counter()
    title_hits: set[str] = set()
    named: set[str] = set()  # places the text names themselves, not through a county
    counties: dict[str, set[str]] = {}  # city code → its counties the text names
    full_named: set[str] = set()
    short_mentions: Counter[str] = Counter()
    table = gz.by_code()
    for weight, text in ((10.0, title), (3.0, body[0] if body else ""), (1.0, "\n".join(body[1:]))):
        for place, full in find_places(text):
            points = weight * (1.0 if full else 0.6)
            if weight == 10.0:
                title_hits.add(place.code)
            if place.level == gz.Level.COUNTY:
                if _GENERIC_COUNTY.match(place.name):
                    continue  # 东区, 城区, 郊区: names many places share
                parent = table.get(place.parent_code or "")
                if parent is not None and parent.level == gz.Level.CITY:
                    scores[parent.code] += points * 0.5
                    counties.setdefault(parent.code, set()).add(place.code)
                if weight == 10.0:
                    scores[place.code] += points
                    named.add(place.code)
                continue
            scores[place.code] += points
            named.add(place.code)
            if full:
                full_named.add(place.code)
            else:
                short_mentions[place.code] += 1
    if not scores:
        return None
    code, best = scores.most_common(1)[0]
    if code not in named and len(counties.get(code, ())) < 2:
        return None  # one district name alone (新市区, 东区) is no evidence of a city
    if code not in title_hits and code not in full_named and short_mentions[code] < 3:
        return None  # a short name said once or twice (日照, 大同) may be a common word
    place = table[code]
    runner_up = scores.most_common(2)[1][1] if len(scores) > 1 else 0.0
    if code in title_hits:
        return RegionGuess(code, place.name, True, "标题")
    strong = best >= 4 and best >= 2 * runner_up
    evidence = f"正文提及{best:g}分，次高{runner_up:g}分"
    return RegionGuess(code, place.name, strong, evidence)
