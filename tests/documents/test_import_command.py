"""``manage.py import_releases``: each file's outcome reported, the same content never twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from documents.models import Region, Release
from tests.conftest import SEEDS_DIR, seed_text


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_releases", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_importing_the_seed_folder_again_creates_no_duplicates():
    before = Release.objects.count()
    output = _run("--publish", str(SEEDS_DIR))
    assert Release.objects.count() == before
    assert "summary: 0 imported, 5 duplicate, 0 failed, 1 skipped" in output
    assert "README.md" in output and "skipped" in output


@pytest.mark.django_db
def test_a_gbk_copy_of_a_seed_is_the_same_content(tmp_path):
    path = tmp_path / "zhangye-gbk.txt"
    path.write_bytes(seed_text("001").encode("gb18030"))
    output = _run(str(path))
    assert "duplicate" in output


@pytest.mark.django_db
def test_new_file_is_imported_as_draft_with_its_metadata(tmp_path):
    text = seed_text("004").replace("上半年", "下半年")
    path = tmp_path / "hohhot-h2.txt"
    path.write_text(text, encoding="utf-8")
    output = _run(str(path))
    assert "imported" in output and "呼和浩特市" in output
    release = Release.objects.get(original_name="hohhot-h2.txt")
    assert release.status == Release.Status.DRAFT
    assert release.region.code == "150100"
    assert release.original.read() == text.encode("utf-8")


@pytest.mark.django_db
def test_bad_files_fail_with_reasons_and_leave_nothing_behind(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    before = Release.objects.count()
    with pytest.raises(CommandError, match="2 file"):
        _run(str(tmp_path))
    assert Release.objects.count() == before


@pytest.mark.django_db
def test_missing_path_is_an_error():
    with pytest.raises(CommandError, match="not found"):
        _run("/no/such/file.txt")


@pytest.mark.django_db
def test_gazetteer_is_loaded_with_codes_and_parents():
    jinchang = Region.objects.get(code="620300")
    assert jinchang.name == "金昌市"
    assert jinchang.level == "city"
    assert jinchang.parent.name == "甘肃省"
    assert jinchang.province.name == "甘肃省"
    assert Region.objects.get(code="370481").parent.name == "枣庄市"
    assert Region.objects.get(code="000000").name == "全国"
    assert Region.objects.filter(level="province").count() >= 33
    assert Region.objects.count() > 3000


def test_seed_files_in_repo_are_the_shared_originals():
    shared = SEEDS_DIR.parent.parent.parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    for path in SEEDS_DIR.iterdir():
        assert path.read_bytes() == (shared / path.name).read_bytes()
