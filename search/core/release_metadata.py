"""Issuer, document number and validity as the index holds them and as filters name them.

A release states these once (``documents.models.Release``); readers type them in any shape:
``国办发〔2024〕3号``, ``国办发[2024]3号``, ``国办发（2024）3号``, in Traditional script, with
full-width digits. Both sides go through the functions here, so a filter value and an indexed
value are the same keyword exactly when they name the same thing:

* an issuer is split into its issuing bodies (a joint release has several) and normalised with
  the search normalisation (NFKC, Traditional→Simplified, case-folded);
* a document number is folded by ``documents.doc_numbers.normalise_doc_number`` (one bracket
  style, one width) and then normalised the same way; besides the whole number, the index holds
  its issuer code (``国办发``) and code with year (``国办发〔2024〕``), so ``文号:国办发`` finds all
  of that code's numbers without a prefix query, which neither engine's keyword filter does.
  Any other partial number matches nothing: ``3号`` must not find ``13号``.
"""

from __future__ import annotations

import re

from documents.doc_numbers import normalise_doc_number
from search.core.analysis import normalise

#: What separates the bodies of a joint issuer (国家发展改革委、商务部 / 国家发展改革委 商务部).
#: ``|`` is one too: it joins the bodies in the index's facet column.
_ISSUER_SEPARATORS = re.compile(r"[\s、，,;；/|]+")
#: Joins a release's issuing bodies in the one-value column facets are counted from.
ISSUER_JOIN = "|"
#: A normalised number of the usual shape: issuer code, a bracketed year, a serial (``3号``).
_NUMBER_SHAPE = re.compile(r"(?P<code>[^\W\d_][^\W_]*?)(?P<year>\W(?:19|20)\d\d\W)(?P<serial>.+)")
_SPACE = re.compile(r"\s+")


def issuer_parts(issuer: str) -> list[str]:
    """The issuing bodies of a release, each normalised, in order, without repeats."""
    parts = (normalise(part) for part in _ISSUER_SEPARATORS.split(issuer or ""))
    return list(dict.fromkeys(part for part in parts if part))


def issuer_key(value: str) -> str:
    """A typed issuer as the keyword ``issuer_parts`` indexes (one body, no spaces)."""
    return _SPACE.sub("", normalise(value))


def doc_number_key(value: str) -> str:
    """A document number in the one form index and filter compare."""
    if not value or not value.strip():
        return ""
    return _SPACE.sub("", normalise(normalise_doc_number(value)))


def doc_number_terms(doc_number: str) -> list[str]:
    """The keywords a release's number is found by: whole, its code, its code and year."""
    key = doc_number_key(doc_number)
    if not key:
        return []
    terms = [key]
    shape = _NUMBER_SHAPE.fullmatch(key)
    if shape:
        terms += [shape["code"], shape["code"] + shape["year"]]
    return list(dict.fromkeys(terms))
