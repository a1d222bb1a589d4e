"""``manage.py import_releases``: each file's outcome reported, the same content never twice."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from documents.models import Region, Release
from tests.conftest import SEEDS_DIR, seed_text
from tests.documents.bad_inputs import bad_inputs, snapshot


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_releases", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_importing_the_seed_folder_again_creates_no_duplicates():
    before = Release.objects.count()
    output = _run("--publish", str(SEEDS_DIR))
    assert Release.objects.count() == before
    assert "summary: 0 imported, 5 duplicate, 0 failed, 2 skipped" in output
    assert "README.md" in output and "SHA256SUMS" in output and "skipped" in output


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
        if path.name == "SHA256SUMS":  # the repository's own record (test_seed_checksums)
            continue
        assert path.read_bytes() == (shared / path.name).read_bytes()


@pytest.mark.django_db
def test_dry_run_reports_metadata_as_a_table_and_writes_nothing(tmp_path):
    path = tmp_path / "hohhot-h2.txt"
    path.write_text(seed_text("004").replace("上半年", "下半年"), encoding="utf-8")
    before = (Release.objects.count(), sorted(p.name for p in tmp_path.iterdir()))
    output = _run("--dry-run", str(path), str(SEEDS_DIR))
    header, *rows = output.splitlines()
    assert header.split()[:4] == ["outcome", "file", "title", "region"]
    new = next(row for row in rows if "hohhot-h2.txt" in row)
    assert new.startswith("would import") and "呼和浩特市" in new and "2023-06-27" in new
    assert "work_report" in new
    assert sum(row.startswith("duplicate") for row in rows) == 5
    assert "1 would import" in output and "5 duplicate" in output
    assert (Release.objects.count(), sorted(p.name for p in tmp_path.iterdir())) == before


@pytest.mark.django_db
def test_dry_run_of_a_bulk_file_names_each_record_and_catches_repeats(tmp_path):
    other = {"title": "新闻", "content": seed_text("004").replace("上半年", "第三季度")}
    lines = [json.dumps(r, ensure_ascii=False) for r in (other, other, {"title": "x"})]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\nnot json\n", encoding="utf-8")
    before = Release.objects.count()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_releases", "--dry-run", str(path), stdout=out)
    rows = [r for r in out.getvalue().splitlines()[1:] if not r.lstrip().startswith("!")]
    assert rows[0].startswith("would import") and "batch.jsonl:1" in rows[0]
    assert rows[1].startswith("duplicate") and "与本文件第 1 行内容相同" in rows[1]
    assert rows[2].startswith("failed") and "第 3 行没有正文" in rows[2]
    assert rows[3].startswith("failed") and "第 4 行不是有效的 JSON" in rows[3]
    assert Release.objects.count() == before


@pytest.mark.django_db
def test_files_over_the_size_limit_are_refused_before_reading(tmp_path, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1000
    path = tmp_path / "big.txt"
    path.write_text("营商环境" * 500, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_releases", str(path), stdout=out)
    assert "文件过大" in out.getvalue() and "big.txt" in out.getvalue()


def test_progress_bar_shows_count_rate_and_eta():
    from documents.progress import Progress

    class Terminal(StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(4, stream, label="files ")
    for _ in range(4):
        progress.step()
    progress.close()
    last = stream.getvalue().strip().split("\r")[-1]
    assert last.startswith("files [") and "4/4" in last and "/s" in last and "ETA 0s" in last
    quiet = StringIO()  # not a terminal: nothing written
    Progress(4, quiet).step()
    assert quiet.getvalue() == ""


@pytest.mark.django_db
def test_an_html_copy_of_a_seed_is_the_same_content(tmp_path):
    from tests.documents.test_formats import html_page

    paragraphs = [p for p in seed_text("004").split("\n") if p.strip()]
    path = tmp_path / "report.html"
    path.write_bytes(html_page(paragraphs, charset="gbk").encode("gbk", errors="strict"))
    output = _run(str(path))
    assert "duplicate" in output and "#" in output


@pytest.mark.django_db
def test_a_docx_release_is_imported_with_its_metadata_and_kept_byte_for_byte(tmp_path):
    from tests.documents.test_formats import make_docx

    text = seed_text("004").replace("上半年", "下半年")
    data = make_docx([p for p in text.split("\n") if p.strip()])
    path = tmp_path / "hohhot-h2.docx"
    path.write_bytes(data)
    output = _run("--publish", str(path))
    assert "imported" in output
    release = Release.objects.get(original_name="hohhot-h2.docx")
    assert release.region.name == "呼和浩特市" and release.original_encoding == "docx"
    assert "下半年" in release.title and release.sections.count() > 10
    with release.original.open("rb") as handle:
        assert handle.read() == data


@pytest.mark.django_db
@pytest.mark.parametrize("bad", bad_inputs(), ids=lambda bad: bad.name)
def test_bad_files_get_the_same_reasons_from_the_command(tmp_path, bad):
    path = tmp_path / bad.name
    path.write_bytes(bad.data)
    before = snapshot()
    out = StringIO()
    with pytest.raises(CommandError, match="could not be imported"):
        call_command("import_releases", "--publish", str(path), stdout=out)
    report = out.getvalue()
    assert re.search(bad.message, report), report
    assert bad.name in report and "Traceback" not in report
    assert snapshot() == before
