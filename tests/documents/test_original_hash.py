"""The same file is never imported twice, even after a parser change reads it differently."""

from __future__ import annotations

import pytest

from documents.models import Release
from documents.services import Outcome, import_release, original_hash
from tests.conftest import seed_bytes


@pytest.mark.django_db
def test_a_file_read_differently_by_a_newer_parser_is_still_a_duplicate():
    data = seed_bytes("003") + "\n本句只在这份测试文件里出现，以免与种子发布稿重复。\n".encode()
    first = import_release(data, filename="003.txt", publish=False)
    assert first.outcome is Outcome.IMPORTED
    assert first.release.original_hash == original_hash(data)
    # What an older parser stored: another text, so another content hash.
    Release.objects.filter(pk=first.release.pk).update(content_hash="0" * 64)
    again = import_release(data, filename="003-again.txt", publish=False)
    assert again.outcome is Outcome.DUPLICATE
    assert again.release.pk == first.release.pk
    assert "原始文件相同" in again.message


@pytest.mark.django_db
def test_the_same_text_in_another_encoding_is_a_duplicate_by_content():
    text = seed_bytes("001").decode("utf-8") + "\n本句只在这份测试文件里出现，换了编码。\n"
    import_release(text.encode("utf-8"), filename="001.txt", publish=False)
    again = import_release(text.encode("gb18030"), filename="001-gbk.txt", publish=False)
    assert again.outcome is Outcome.DUPLICATE
    assert "内容相同" in again.message
