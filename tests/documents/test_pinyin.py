"""Region names typed in pinyin find their region."""

from __future__ import annotations

import pytest

from documents.pinyin import is_pinyin_query, matches, name_forms


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("金昌市", "Jinchang"),
        ("金昌市", "jinchangshi"),
        ("金昌市", "JCS"),
        ("张掖市", "Zhang-ye"),
        ("呼和浩特市", "Huhehaote"),
        ("内蒙古自治区", "neimenggu"),
        ("重庆市", "Chongqing"),
    ],
)
def test_a_name_is_found_by_its_pinyin(name, typed):
    assert matches(name, typed)


def test_other_names_and_short_fragments_are_not():
    assert not matches("张掖市", "jinchang")
    assert not matches("金昌市", "j")
    assert not matches("金昌市", "jin")  # too short to be more than a guess


def test_only_latin_letters_are_taken_for_pinyin():
    assert is_pinyin_query("Jinchang") and is_pinyin_query("zhang ye")
    assert not is_pinyin_query("620300") and not is_pinyin_query("金昌")


def test_forms_drop_the_administrative_suffix():
    assert name_forms("湘潭市") == ("xiangtanshi", "xts", "xiangtan", "xt")
