"""``backup_portal`` and ``restore_portal``: a real round trip, and archives that must be refused.

Everything runs in ``manage.py`` subprocesses against data folders of their own
(``PORTAL_DATA_DIR`` under pytest's temporary directory): a backup and a restore are whole
processes in practice, and neither the developer's ``var/`` nor the test run's database is
touched. One instance is built once (two seed files imported and published, so there are
originals in MEDIA_ROOT, and indexed) and backed up once; each test starts from it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [ROOT / "fixtures" / "seeds" / name for name in ("000_745223633ba67628.txt",)]
SEEDS.append(ROOT / "fixtures" / "seeds" / "004_1033fac9f1148980.txt")
#: Found in both seeds, only in 呼和浩特's (the release the test deletes), only in 金昌's.
QUERIES = ("营商环境", "呼和浩特", "金昌")

#: What an instance holds, as the site shows it: counts, originals' digests, search results.
PROBE = f"""
import hashlib, json
from django.test import Client
from documents.models import Release, Section

def digest(release):
    with release.original.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()

def hits(query):
    data = Client().get("/api/search", {{"q": query, "page_size": 50}}).json()
    return [data["total"], [[h["section_id"], h["score"]] for h in data["results"]]]

print(json.dumps({{
    "releases": Release.objects.count(),
    "sections": Section.objects.count(),
    "originals": {{r.original_name: digest(r) for r in Release.objects.exclude(original="")}},
    "search": {{q: hits(q) for q in {QUERIES!r}}},
}}, ensure_ascii=False))
"""


@dataclass(frozen=True)
class Instance:
    """A portal whose data (database, originals, index) lives in ``folder``."""

    folder: Path

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "PORTAL_DATA_DIR": str(self.folder)}
        for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SEARCH_INDEX_DIR"):
            env.pop(name, None)
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def probe(self) -> dict:
        output = self.manage("shell", "--no-imports", "-c", PROBE).stdout
        return json.loads(output.strip().splitlines()[-1])

    def files(self) -> dict:
        """What is on disk, read without a process: rows, originals, the live index's files."""
        with closing(sqlite3.connect(self.folder / "portal.sqlite3")) as db:
            (releases,) = db.execute("SELECT count(*) FROM documents_release").fetchone()
        index = (self.folder / "index").resolve()
        media = self.folder / "media"
        return {
            "releases": releases,
            "media": sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()),
            "index": [index.name, sorted(p.name for p in index.iterdir())],
        }


@dataclass(frozen=True)
class Backed:
    instance: Instance
    archive: Path
    before: dict


@pytest.fixture(scope="module")
def backed(tmp_path_factory: pytest.TempPathFactory) -> Backed:
    """An instance with two published, indexed seed releases, and its backup."""
    base = tmp_path_factory.mktemp("backup")
    instance = Instance(base / "data")
    instance.manage("migrate", "--noinput")
    instance.manage("import_releases", "--publish", *map(str, SEEDS))
    instance.manage("ensure_search_index")
    before = instance.probe()
    assert before["releases"] == 2 and len(before["originals"]) == 2
    assert all(before["search"][q][0] for q in QUERIES)
    archive = base / "portal.tar.gz"
    out = instance.manage("backup_portal", "--output", str(archive)).stdout
    assert f"backup written: {archive}" in out
    assert "2 releases" in out and "2 with an original" in out
    return Backed(instance, archive, before)


def rewrite(archive: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of ``archive`` with its files changed, and a manifest that agrees with them."""
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        files = {name: change(name, tar.extractfile(name).read()) for name in manifest["files"]}
    for name, data in files.items():
        manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    with tarfile.open(target, "w") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), *files.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def refusal(result: subprocess.CompletedProcess) -> str:
    """The one-line message of a refused command (never a traceback)."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("CommandError:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_the_archive_holds_database_originals_index_and_a_manifest(backed: Backed):
    with tarfile.open(backed.archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        for name, entry in manifest["files"].items():
            data = tar.extractfile(name).read()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert names[0] == "manifest.json"
    assert "database/portal.sqlite3" in names
    assert sum(n.startswith("media/originals/") for n in names) == 2
    assert any(n.startswith("index/_MAIN_") and n.endswith(".toc") for n in names)
    assert "secret_key" not in names  # only with --include-secret
    assert manifest["database"] == {"vendor": "sqlite", "format": "sqlite"}
    assert manifest["counts"]["releases"] == 2 and manifest["counts"]["originals"] == 2
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    latest = max(name for app, name in loader.disk_migrations if app == "documents")
    assert manifest["migrations"]["documents"] == latest  # the schema the archive was made at
    assert manifest["search"]["index"] == manifest["search"]["code"]
    assert sorted(manifest["files"]) == sorted(names[1:])


def test_a_round_trip_brings_back_releases_originals_and_search_results(backed: Backed):
    instance = backed.instance
    # Lose data three ways: a release deleted, an original deleted, the index wiped.
    instance.manage(
        "shell",
        "--no-imports",
        "-c",
        "from documents.models import Release; "
        "Release.objects.get(original_name__startswith='004').delete()",
    )
    next((instance.folder / "media" / "originals").rglob("*.txt")).unlink()
    live_index = (instance.folder / "index").resolve()
    shutil.rmtree(live_index)
    live_index.mkdir()

    out = instance.manage("restore_portal", str(backed.archive), "--force").stdout
    assert "2 releases" in out and "2 with an original" in out
    assert "search index: restored; drift 0" in out

    assert instance.probe() == backed.before  # counts, originals' bytes, search results
    assert "drift 0" in instance.manage("check_search_index").stdout
    leftovers = [p.name for p in instance.folder.iterdir() if ".restore-" in p.name]
    assert leftovers == []


def test_a_restore_into_a_new_empty_instance_needs_no_force(backed: Backed, tmp_path: Path):
    fresh = Instance(tmp_path / "fresh")
    out = fresh.manage("restore_portal", str(backed.archive)).stdout
    assert "search index: restored; drift 0" in out
    assert fresh.probe() == backed.before


def test_a_json_backup_moves_between_engines_and_round_trips(backed: Backed, tmp_path: Path):
    """``--database-format json`` is what another engine gets: dumpdata with natural keys."""
    archive = tmp_path / "portal-json.tar"
    out = backed.instance.manage(
        "backup_portal", "--database-format", "json", "--include-secret", "--output", str(archive)
    ).stdout
    assert "database (json): 2 releases" in out
    with tarfile.open(archive) as tar:
        assert {"database/data.json", "secret_key"} <= set(tar.getnames())
    fresh = Instance(tmp_path / "fresh")
    out = fresh.manage("restore_portal", str(archive)).stdout
    assert "database (json): 2 releases" in out and "drift 0" in out
    assert fresh.probe() == backed.before
    secret = (fresh.folder / "secret_key").read_text()
    assert secret == (backed.instance.folder / "secret_key").read_text()


def test_an_index_built_by_another_schema_version_is_rebuilt(backed: Backed, tmp_path: Path):
    def older_schema(name: str, data: bytes) -> bytes:
        if not name.endswith("portal-index.json"):
            return data
        meta = json.loads(data)
        return json.dumps({**meta, "schema_version": meta["schema_version"] - 1}).encode()

    archive = rewrite(backed.archive, tmp_path / "old-index.tar", older_schema)
    fresh = Instance(tmp_path / "fresh")
    out = fresh.manage("restore_portal", str(archive)).stdout
    assert "search index: rebuilt from the database; drift 0" in out
    assert fresh.probe() == backed.before


def test_a_non_empty_instance_is_not_overwritten_without_force(backed: Backed):
    message = refusal(backed.instance.manage("restore_portal", str(backed.archive), check=False))
    assert "not empty" in message and "--force" in message


@pytest.mark.parametrize("damage", ["flipped byte", "truncated"])
def test_a_damaged_archive_is_refused_and_nothing_changes(
    backed: Backed, tmp_path: Path, damage: str
):
    data = bytearray(backed.archive.read_bytes())
    if damage == "flipped byte":
        data[len(data) // 2] ^= 0xFF
    else:
        del data[len(data) * 2 // 3 :]
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(bytes(data))

    instance = backed.instance
    before = instance.files()
    result = instance.manage("restore_portal", str(broken), "--force", check=False)
    assert any(word in refusal(result) for word in ("damaged", "corrupt", "incomplete"))
    assert instance.files() == before
    assert not [p.name for p in instance.folder.iterdir() if ".restore-" in p.name]


def test_an_archive_reaching_outside_its_folder_is_refused(backed: Backed, tmp_path: Path):
    with tarfile.open(backed.archive) as tar:
        manifest = tar.extractfile("manifest.json").read()
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        for name, data in (("manifest.json", manifest), ("../evil", b"pwned")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    result = backed.instance.manage("restore_portal", str(evil), "--force", check=False)
    assert "unsafe path" in refusal(result)
    base = backed.instance.folder.parent
    assert not list(base.rglob("evil")) and not (base.parent / "evil").exists()


def test_a_swap_failing_half_way_puts_back_what_it_had_already_swapped(tmp_path: Path):
    """The last step (the database) fails: the originals already swapped in go back."""
    from portal.backup.parts import File as _File
    from portal.backup.parts import Folder as _Folder
    from portal.backup.parts import swap_all as _swap_all

    media = tmp_path / "media"
    media.mkdir()
    (media / "a.txt").write_text("old original")
    database = tmp_path / "portal.sqlite3"
    database.write_text("old database")
    new_media = _Folder.beside(media, "t")
    (new_media.root / "a.txt").write_text("restored original")
    new_database = _File.beside(database, "portal.sqlite3", "t")  # nothing staged: it fails

    with pytest.raises(FileNotFoundError):
        _swap_all([new_media, new_database])
    assert (media / "a.txt").read_text() == "old original"
    assert database.read_text() == "old database"
    new_media.clean()
    new_database.clean()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media", "portal.sqlite3"]
