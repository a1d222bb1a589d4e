"""Originals on disk equal what the database points to: no orphans, no broken downloads."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from documents.models import Release
from documents.originals import GRACE_SECONDS, IN_FLIGHT, check_originals, reclaim_interrupted
from documents.services import import_release

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """A media folder of the test's own: other tests leave their originals in the shared one."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


TEXT = "测试市营商环境发布会\n测试市优化营商环境，企业开办压缩至1个工作日。\n".encode()


def _release(name: str = "orig.txt") -> Release:
    result = import_release(TEXT + name.encode(), filename=name, publish=True)
    assert result.release is not None, result.message
    return Release.objects.get(pk=result.release.pk)


def test_deleting_a_release_deletes_its_original_after_the_commit():
    release = _release()
    path = Path(release.original.path)
    assert path.is_file()
    release.delete()
    assert not path.exists()


def test_orphans_and_missing_originals_are_reported_and_repaired():
    kept = _release("kept.txt")
    lost = _release("lost.txt")
    Path(lost.original.path).unlink()  # a file lost on disk
    orphan = Path(settings.MEDIA_ROOT) / "originals" / "2020" / "01" / "orphan.txt"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"nothing points here")
    old = time.time() - GRACE_SECONDS - 60
    os.utime(orphan, (old, old))
    fresh = orphan.with_name("in-flight.txt")
    fresh.write_bytes(b"an import may be committing")

    report = check_originals()
    assert report.orphans == ["originals/2020/01/orphan.txt"]
    assert report.young_orphans == ["originals/2020/01/in-flight.txt"]
    assert report.missing == [(lost.pk, lost.original.name)]
    with pytest.raises(CommandError, match="1 orphan file"):
        call_command("check_originals", stdout=StringIO())

    out = StringIO()
    call_command("check_originals", "--repair", stdout=out)
    assert "1 orphan(s) deleted, 1 reference(s) cleared" in out.getvalue()
    assert not orphan.exists() and fresh.exists()  # the young one is left alone
    lost.refresh_from_db()
    assert not lost.original
    assert Path(kept.original.path).is_file()
    assert check_originals().clean


def test_the_workers_sweep_deletes_old_orphans_and_never_clears_a_reference():
    """The unattended sweep (every 15 minutes) deletes orphans past the grace period only; a
    missing original stays referenced for a person to look at."""
    from documents.originals import sweep_orphans

    kept = _release("kept.txt")
    lost = _release("lost.txt")
    Path(lost.original.path).unlink()
    orphan = Path(settings.MEDIA_ROOT) / "originals" / "stray.txt"
    orphan.write_bytes(b"nothing points here")
    old = time.time() - GRACE_SECONDS - 60
    os.utime(orphan, (old, old))
    young = Path(settings.MEDIA_ROOT) / "originals" / "young.txt"
    young.write_bytes(b"an import may be committing")

    assert sweep_orphans() == 1
    assert not orphan.exists() and young.exists()
    lost.refresh_from_db()
    assert lost.original  # reported by check_originals, not cleared
    assert Path(kept.original.path).is_file()
    assert check_originals().missing == [(lost.pk, lost.original.name)]


def _dead_process_folder() -> Path:
    """The in-flight folder a process that has exited would have left (``host-pid``)."""
    import socket
    import subprocess

    ended = subprocess.Popen(["true"])
    ended.wait()
    folder = Path(settings.MEDIA_ROOT) / IN_FLIGHT / f"{socket.gethostname()}-{ended.pid}"
    folder.mkdir(parents=True)
    return folder


def test_a_committed_write_leaves_no_note_and_a_failed_one_neither_note_nor_file(monkeypatch):
    release = _release()
    notes = Path(settings.MEDIA_ROOT) / IN_FLIGHT
    assert Path(release.original.path).is_file()
    assert not list(notes.rglob("*.note"))  # the commit removed it

    from documents import services

    def fail(release):
        raise RuntimeError("disk full while storing fingerprints")

    monkeypatch.setattr(services, "store_fingerprints", fail)
    with pytest.raises(RuntimeError):
        _release("second.txt")
    assert not list(notes.rglob("*.note"))
    report = check_originals(grace=0)
    assert report.files == 1 and report.clean  # only the first release's original


def test_a_write_killed_before_its_commit_is_reclaimed_at_once():
    kept = _release()
    media = Path(settings.MEDIA_ROOT)
    # What a process killed between writing an original and committing its release leaves: the
    # file and its note, in the dead process's folder. A note whose release did commit (the
    # process died just after) must not cost that release its file.
    lost = media / "originals" / "2026" / "12" / "lost.txt"
    lost.parent.mkdir(parents=True, exist_ok=True)
    lost.write_bytes(b"half an import")
    folder = _dead_process_folder()
    (folder / "a.note").write_text("originals/2026/12/lost.txt", encoding="utf-8")
    (folder / "b.note").write_text(kept.original.name, encoding="utf-8")
    # A live process's fresh note (an import still committing) is left alone.
    live = media / IN_FLIGHT / "elsewhere-1"
    live.mkdir()
    (live / "c.note").write_text("originals/2026/12/busy.txt", encoding="utf-8")
    busy = media / "originals" / "2026" / "12" / "busy.txt"
    busy.write_bytes(b"still being written")

    report = check_originals()  # the default grace: fresh orphans are left, except a dead one's
    assert report.orphans == ["originals/2026/12/lost.txt"]
    assert report.young_orphans == ["originals/2026/12/busy.txt"]
    assert reclaim_interrupted() == 1
    assert not lost.exists() and busy.exists() and Path(kept.original.path).is_file()
    assert not folder.exists()  # its notes handled, the dead process's folder is gone
    assert (live / "c.note").exists()
    assert check_originals().orphans == []
