"""Region names and division types for the English interface.

A reader of the English pages cannot read 金昌市 or 地级市. Names are given in Hanyu Pinyin
(``pypinyin``) without the administrative suffix, followed by the division type in English
(``Jinchang``, ``Yongchang County``); the provincial-level divisions keep the spellings the
State Council's English pages use — Inner Mongolia, Guangxi Zhuang, Tibet (Xizang), Ningxia
Hui, Xinjiang Uygur, Hong Kong and Macao for the autonomous regions and the special
administrative regions, Shaanxi with its double a to tell it from Shanxi.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from documents.gazetteer import short_name


def is_english() -> bool:
    """Whether the page being rendered is in English (the interface's other language)."""
    return (get_language() or "").startswith("en")


#: Provincial-level divisions whose English name is not their pinyin.
PROVINCES = {
    "内蒙古自治区": "Inner Mongolia Autonomous Region",
    "广西壮族自治区": "Guangxi Zhuang Autonomous Region",
    "西藏自治区": "Tibet (Xizang) Autonomous Region",
    "宁夏回族自治区": "Ningxia Hui Autonomous Region",
    "新疆维吾尔自治区": "Xinjiang Uygur Autonomous Region",
    "香港特别行政区": "Hong Kong Special Administrative Region",
    "澳门特别行政区": "Macao Special Administrative Region",
    "陕西省": "Shaanxi Province",
}
#: The division types (``Region.kind``, from the gazetteer) in English.
KINDS = {
    "国家": _("country"),
    "省": _("province"),
    "自治区": _("autonomous region"),
    "直辖市": _("municipality"),
    "特别行政区": _("special administrative region"),
    "地级市": _("prefecture-level city"),
    "地区": _("prefecture"),
    "自治州": _("autonomous prefecture"),
    "盟": _("league"),
    "县级市": _("county-level city"),
    "县": _("county"),
    "自治县": _("autonomous county"),
    "市辖区": _("district"),
    "旗": _("banner"),
    "自治旗": _("autonomous banner"),
    "林区": _("forestry district"),
    "特区": _("special district"),
}
#: What follows a pinyin name in English, by division type ("" for cities: Jinchang).
_SUFFIX = {
    "省": "Province",
    "直辖市": "",
    "地级市": "",
    "县级市": "",
    "县": "County",
    "自治县": "Autonomous County",
    "市辖区": "District",
    "地区": "Prefecture",
    "自治州": "Autonomous Prefecture",
    "盟": "League",
    "旗": "Banner",
    "自治旗": "Autonomous Banner",
    "林区": "Forestry District",
    "特区": "Special District",
}


@lru_cache(maxsize=8192)
def english_name(name: str, kind: str) -> str:
    """``金昌市`` (地级市) → ``Jinchang``; ``永昌县`` → ``Yongchang County``; 全国 → China."""
    if kind == "国家":
        return "China"
    if name in PROVINCES:
        return PROVINCES[name]
    base = short_name(name) or name
    syllables = lazy_pinyin(base, style=Style.NORMAL, errors="ignore")
    # An apostrophe before a syllable that starts with a, e or o (Xi'an, not Xian).
    words = "".join(
        ("'" + s if i and s[:1] in "aeo" else s) for i, s in enumerate(syllables)
    ).capitalize()
    suffix = _SUFFIX.get(kind, "")
    return f"{words} {suffix}".strip()


def kind_label(kind: str) -> str:
    """A division type in the interface's language (``地级市`` → prefecture-level city)."""
    return str(KINDS.get(kind, kind))
