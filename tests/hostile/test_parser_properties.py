"""Every ingest stage, fed any Unicode and any bytes: a result or an ``IngestError``, quickly.

An uploader must always read a reason, never a server error, and a hostile file must never
hang an import. So each stage is called on arbitrary and almost-valid input (``strategies``);
anything but ``IngestError`` escaping fails the test, and so does an example slower than the
profile's deadline (two seconds; PDF, parsed in a child process, gets more). Inputs that once
broke a stage are kept as ``@example``\\ s. No database is involved.
"""

from __future__ import annotations

import codecs
import io
import json
import zipfile

from hypothesis import example, given, settings
from hypothesis import strategies as st

from documents import gazetteer
from documents.ingest import IngestError, parse_release, parse_text
from documents.ingest.clean import CleanedText, clean_text
from documents.ingest.decode import DecodedText, decode_bytes
from documents.ingest.formats import extract_text
from documents.ingest.formats.sniff import Reader, choose_reader, sniff
from documents.ingest.metadata import detect_metadata, detect_region, parse_date
from documents.ingest.records import iter_records
from documents.ingest.sections import parse_sections
from tests.hostile.strategies import (
    VALID_CHAR,
    any_bytes,
    any_text,
    docx_bytes,
    html_bytes,
    pdf_bytes,
    release_text,
)

texts = st.one_of(any_text, release_text())


def attempt(function, *args, **kwargs):
    """``function(*args)``, or None when it refused the input with an ``IngestError``."""
    try:
        return function(*args, **kwargs)
    except IngestError as exc:
        assert str(exc), "an IngestError must say why"
        return None


# ---- bytes → text ----------------------------------------------------------------------------


@given(any_bytes)
@settings(max_examples=300)
@example(codecs.BOM_UTF16_LE + b"\x00\xd8")  # a lone surrogate in UTF-16
@example(codecs.BOM_UTF32_BE + b"\x00\x11\x00\x00")  # past U+10FFFF
def test_decode_bytes_reads_or_refuses(data):
    decoded = attempt(decode_bytes, data)
    if decoded is not None:
        assert isinstance(decoded, DecodedText)
        decoded.text.encode("utf-8")  # no lone surrogates: storable and convertible


# ---- text stages -----------------------------------------------------------------------------


@given(texts)
@settings(max_examples=300)
@example("a\ud800b")
def test_clean_text_reads_or_refuses(raw):
    cleaned = attempt(clean_text, raw)
    if cleaned is not None:
        assert isinstance(cleaned, CleanedText)
        assert all(p and p == p.strip(" \n") for p in cleaned.paragraphs)


@given(texts, texts, texts)
@settings(max_examples=200)
@example("标题\n\n正文", "甘肃\ud800", "2024")
@example("标题\n\n正文", "", "99999年99月99日")
def test_detect_metadata_reads_or_refuses(raw, region_hint, date_hint):
    cleaned = attempt(clean_text, raw)
    if cleaned is None:
        return
    meta = attempt(
        detect_metadata,
        cleaned,
        title_hint=region_hint[:5],
        region_hint=region_hint,
        date_hint=date_hint,
    )
    if meta is not None:
        assert 0 <= meta.body_start <= len(cleaned.paragraphs)


def test_detect_metadata_refuses_a_text_without_paragraphs():
    assert attempt(detect_metadata, CleanedText(paragraphs=())) is None


@given(st.lists(texts, max_size=40))
@settings(max_examples=200)
@example(["问：\ud800"])
def test_parse_sections_reads_or_refuses(paragraphs):
    sections = attempt(parse_sections, paragraphs)
    if sections is not None:
        assert [s.order for s in sections] == list(range(1, len(sections) + 1))
        assert len({s.anchor for s in sections}) == len(sections)
        assert all(s.level >= 1 for s in sections)


@given(texts, texts)
@settings(max_examples=200)
@example("标题\n\n正文第一段。", "标题\udc00")
def test_parse_text_reads_or_refuses(text, hint):
    parsed = attempt(parse_text, text, title_hint=hint, region_hint=hint, date_hint=hint)
    if parsed is not None:
        assert parsed.sections
        parsed.body_text.encode("utf-8")
        parsed.metadata.title.encode("utf-8")


@given(any_bytes)
@settings(max_examples=200)
def test_parse_release_reads_or_refuses(data):
    parsed = attempt(parse_release, data)
    if parsed is not None:
        assert parsed.sections and len(parsed.content_hash) == 64


# ---- bulk files ------------------------------------------------------------------------------

json_lines = st.lists(
    st.one_of(
        st.builds(
            lambda title, text, region, date: json.dumps(
                {"title": title, "text": text, "region": region, "date": date}
            ),
            texts,
            release_text(),
            texts,
            texts,
        ),
        st.sampled_from(("[", "{", "null", "1", '"x"', '{"text": null}', "{}", "[" * 5000)),
        any_text,
    ),
    max_size=8,
).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))

csv_files = st.lists(st.lists(texts, max_size=6), max_size=8).map(
    lambda rows: "\n".join(",".join(row) for row in rows).encode("utf-8", "surrogatepass")
)


@given(st.one_of(json_lines, any_bytes), st.sampled_from([".jsonl", ".ndjson", ".csv"]))
@settings(max_examples=120)
@example(b"[" * 100_000, ".jsonl")  # nesting deeper than the JSON decoder's recursion limit
@example(b'{"text": "\\ud800 \xe6\xad\xa3\xe6\x96\x87"}', ".jsonl")  # an escaped lone surrogate
@example(b'"a' + b"x" * 200_000 + b'"\n', ".csv")  # one field over the csv module's limit
@example(b"%PDF-1.4\n1 0 obj", ".csv")
@example(b'{"text": 1' + b"1" * 5000 + b"}", ".jsonl")  # past Python's 4,300-digit int limit
def test_bulk_records_read_or_refuse(data, suffix):
    records = attempt(lambda: list(iter_records(data, suffix)))
    for record in records or []:
        assert record.error or record.text.strip()
        if not record.error:
            attempt(
                parse_text,
                record.text,
                title_hint=record.title,
                region_hint=record.region,
                date_hint=record.date,
            )


@given(csv_files)
@settings(max_examples=60)
def test_csv_files_read_or_refuse(data):
    attempt(lambda: list(iter_records(data, ".csv")))


# ---- formats ---------------------------------------------------------------------------------


@given(st.one_of(any_bytes, html_bytes(), docx_bytes), st.sampled_from(["a.txt", "a.html", "a"]))
@settings(max_examples=200)
def test_sniffing_never_fails(data, name):
    assert sniff(data).label
    reader = attempt(choose_reader, data, name)
    assert reader is None or isinstance(reader, Reader)


@given(html_bytes())
@settings(max_examples=120)
@example(b"<html>" + b"<div>" * 5000 + "营商环境".encode() + b"</html>")
@example("<meta charset='utf-16'><p>正文</p>".encode())
def test_html_extraction_reads_or_refuses(data):
    extracted = attempt(extract_text, data, "page.html")
    if extracted is not None:
        assert extracted.text.strip()
        attempt(parse_text, extracted.text, title_hint=extracted.title)


def _zip_of_a_future_version() -> bytes:
    """A Word-shaped zip whose directory asks for zip version 6.4 (``NotImplementedError``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(buffer.getvalue())
    data[data.index(b"PK\x01\x02") + 6] = 64
    return bytes(data)


@given(docx_bytes)
@settings(max_examples=150)
@example(_zip_of_a_future_version())
def test_docx_extraction_reads_or_refuses(data):
    extracted = attempt(extract_text, data, "release.docx")
    if extracted is not None:
        assert extracted.format == "docx" and extracted.text.strip()


@given(pdf_bytes)
@settings(max_examples=10, deadline=10_000)
def test_pdf_extraction_reads_or_refuses(data):
    extracted = attempt(extract_text, data, "release.pdf")
    if extracted is not None:
        assert extracted.format == "pdf" and extracted.text.strip()


# ---- places and dates ------------------------------------------------------------------------


valid_texts = st.one_of(st.text(VALID_CHAR, max_size=200), release_text(surrogates=False))


@given(valid_texts)
@settings(max_examples=150)
@example("  ·/  ")
@example("甘肃 张掖 甘州区 ")
def test_region_lookup_finds_one_place_or_none(text):
    """Valid Unicode only: its one caller (a bulk file's region column, through
    ``detect_metadata``) refuses lone surrogates first, as the next test shows."""
    place = attempt(gazetteer.lookup, text)
    assert place is None or isinstance(place, gazetteer.Place)


def test_a_region_column_with_a_lone_surrogate_is_refused_before_the_lookup():
    cleaned = clean_text("标题\n\n正文")
    assert attempt(detect_metadata, cleaned, region_hint="甘肃\ud800张掖") is None


@given(texts, st.lists(texts, max_size=5))
@settings(max_examples=150)
def test_region_detection_reads_or_refuses(title, body):
    guess = attempt(detect_region, title, body)
    assert guess is None or guess.code in gazetteer.by_code()


@given(texts)
@settings(max_examples=300)
@example("9999-99-99")
@example("0000年")
def test_date_column_reads_or_gives_none(text):
    found = attempt(parse_date, text)
    assert found is None or found.value is None or 1 <= found.value.year <= 9999
