"""Background jobs: a page to watch, cancel that stops after a chunk, resumption, failures.

The suite runs the task queue in immediate mode (``tests/settings.py``): a job runs inside the
call that submits it. Where a test needs a job that waits in the queue, it installs a queue that
only records what it was given. The worker process itself is tested in
``tests/reliability/test_kill_job.py``.
"""

from __future__ import annotations

import json
import os
import re
import socket

import pytest

from documents import jobs, staging
from documents.bulk_jobs import CHUNK
from documents.models import Job, Release
from tests.conftest import CORPUS_FILE

UPLOAD = "/admin/documents/release/upload/"
JOB_URL = re.compile(r"/admin/documents/job/(\d+)/change/")


def corpus_parts(count: int, paragraphs: int) -> list[dict]:
    """``count`` distinct bulk records cut from the national reports, ``paragraphs`` each."""
    records: list[dict] = []
    seen: set[str] = set()
    with CORPUS_FILE.open(encoding="utf-8") as handle:
        reports = [json.loads(line) for line in handle if line.strip()]
    for report in reports:
        lines = [p.strip() for p in report["content"].split("\n") if p.strip()]
        for part, start in enumerate(range(0, len(lines), paragraphs), start=1):
            body = "\n\n".join(lines[start : start + paragraphs])
            if len(body) < 200 or body in seen:
                continue
            seen.add(body)
            title = f"{report['title']}（第{part}部分）"
            records.append({"title": title, "content": body, "year": report["year"]})
            if len(records) == count:
                return records
    raise AssertionError(f"the corpus has only {len(records)} such parts")


def jsonl(records: list[dict]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()


def test_a_reparse_of_a_selection_runs_as_a_job_with_a_page(staff_client, seeds):
    ids = [seeds["000"].pk, seeds["001"].pk]
    response = staff_client.post(
        "/admin/documents/release/", {"action": "reparse", "_selected_action": ids}
    )
    assert response.status_code == 302
    assert JOB_URL.fullmatch(response["Location"]), response["Location"]
    job = Job.objects.get()
    assert (job.kind, job.status, job.done, job.total, job.failed) == ("reparse", "done", 2, 2, 0)
    page = staff_client.get(response["Location"]).content.decode()
    assert "已完成" in page and "已处理 2 / 2（100%）" in page
    assert f'href="/admin/documents/release/{ids[0]}/change/"' in page
    assert 'http-equiv="refresh"' not in page  # a finished job's page stays still


def test_a_reanalysis_of_a_selection_runs_as_a_job_and_finds_the_same_figures(staff_client, seeds):
    from documents.models import Figure

    ids = [seeds["000"].pk, seeds["001"].pk]
    figures = {pk: Figure.objects.filter(section__release=pk).count() for pk in ids}
    assert all(figures.values())
    response = staff_client.post(
        "/admin/documents/release/", {"action": "analyse", "_selected_action": ids}
    )
    job = Job.objects.get(pk=int(JOB_URL.fullmatch(response["Location"]).group(1)))
    assert (job.kind, job.status, job.done, job.total, job.failed) == ("analyse", "done", 2, 2, 0)
    assert [row["release"] for row in job.rows] == ids
    for row in job.rows:
        assert row["outcome"] == "analysed"
        assert row["message"].endswith(f"{figures[row['release']]} 项数据")
    assert {pk: Figure.objects.filter(section__release=pk).count() for pk in ids} == figures
    page = staff_client.get(response["Location"]).content.decode()
    assert "已重新分析" in page and "已处理 2 / 2（100%）" in page


def test_a_waiting_job_shows_progress_refreshes_and_can_be_cancelled(
    staff_client, seeds, held_queue
):
    job = jobs.submit(Job.Kind.REPARSE, label="2 篇", release_ids=[seeds["000"].pk], total=1)
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in page and 'http-equiv="refresh" content="2"' in page
    assert 'id="cancel-button"' in page
    response = staff_client.post(f"/admin/documents/job/{job.pk}/cancel/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled" and job.finished is not None
    jobs.run(job.pk)  # the message still reaches the worker: it must not run the job
    job.refresh_from_db()
    assert job.status == "cancelled" and job.done == 0


def test_a_running_job_cancelled_keeps_what_it_committed(staff_client, db, held_queue, monkeypatch):
    records = corpus_parts(2 * CHUNK + 5, paragraphs=4)
    token = staging.stage(jsonl(records), "cancel.jsonl", note={"bulk": True})
    job = jobs.submit(Job.Kind.BULK_IMPORT, label="cancel.jsonl", token=token, publish=False)
    before = Release.objects.count()
    from documents import bulk_jobs

    original = bulk_jobs.import_record
    calls = {"n": 0}

    def import_then_cancel(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == CHUNK + 1:  # first record of the second chunk: ask to stop now
            jobs.cancel(Job.objects.get(pk=job.pk))
        return original(*args, **kwargs)

    monkeypatch.setattr(bulk_jobs, "import_record", import_then_cancel)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert job.done == 2 * CHUNK  # the chunk under way when asked still commits whole
    assert Release.objects.count() == before + 2 * CHUNK
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "任务已取消" in page


def test_a_resumed_import_starts_after_its_last_committed_chunk(db, held_queue):
    records = corpus_parts(CHUNK + 3, paragraphs=4)
    records.append(dict(records[0], title="第一条的重复"))  # a repeat within the file
    token = staging.stage(jsonl(records), "resume.jsonl", note={"bulk": True})
    job = jobs.submit(Job.Kind.BULK_IMPORT, label="resume.jsonl", token=token, publish=False)
    from documents.bulk_jobs import import_bulk_file
    from documents.jobs import Cancelled, JobRun

    # A first run commits one chunk, then its worker "dies" (the second chunk never commits).
    class Dies(JobRun):
        def commit(self, work, *, items, state=None):
            if self.job.done >= CHUNK:
                raise Cancelled
            return super().commit(work, items=items, state=state)

    Job.objects.filter(pk=job.pk).update(status="running")
    with pytest.raises(Cancelled):
        import_bulk_file(Dies(Job.objects.get(pk=job.pk)))
    assert Job.objects.get(pk=job.pk).done == CHUNK
    Job.objects.filter(pk=job.pk).update(worker=f"{socket.gethostname()}:{_dead_pid()}")
    assert job.pk in jobs.stalled()  # its worker is gone: taken up at once
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.done == len(records) and job.attempts == 1
    outcomes = [row["outcome"] for row in job.rows]
    assert outcomes.count("imported") == CHUNK + 3
    assert outcomes[-1] == "duplicate"  # the repeat of line 1 is caught across the restart
    assert "与本文件第 1 行内容相同" in job.rows[-1]["message"]
    titles = list(Release.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))


def _dead_pid() -> int:
    pid = 999_999
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_a_job_whose_file_is_gone_fails_with_a_reason(staff_client, db):
    job = jobs.submit(Job.Kind.BULK_IMPORT, label="gone.jsonl", token="0" * 32, publish=True)
    assert job.status == "failed"
    assert "上传的文件已不存在" in job.error
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "上传的文件已不存在" in page and "失败" in page


def test_a_flag_on_the_sections_is_labelled_not_a_crash():
    """A record whose parse flags its sections (no verbose name: a reverse relation) gets a
    report row; it used to fail the whole check of its file."""
    from documents.admin_upload import field_label

    assert field_label("sections") == "分段"
    assert field_label("doc_number") == "文号"
    assert field_label("no_such_field") == "no_such_field"


def test_the_job_page_speaks_english_to_an_english_editor(staff_client, seeds):
    staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = staff_client.post(
        "/admin/documents/release/", {"action": "reparse", "_selected_action": [seeds["000"].pk]}
    )
    page = staff_client.get(response["Location"]).content.decode()
    assert "Done" in page and "Processed 1 / 1 (100%)" in page
    assert not re.search(r"已完成|已处理|逐项结果", page)


def test_a_queued_job_reports_in_its_submitters_language_whatever_the_worker_speaks(
    staff_client, seeds, held_queue
):
    """The worker is another process, in the site's default language: the report rows it
    writes follow the language of the editor who submitted the job, not the worker's."""
    from django.utils import translation

    staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    ids = [seeds["000"].pk]
    response = staff_client.post(
        "/admin/documents/release/", {"action": "analyse", "_selected_action": ids}
    )
    job = Job.objects.get(pk=int(JOB_URL.fullmatch(response["Location"]).group(1)))
    assert (job.status, job.language) == ("queued", "en")
    with translation.override("zh-hans"):  # the worker's own language
        jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    (row,) = job.rows
    assert re.fullmatch(r"\d+ sections tagged with topics, \d+ figures", row["message"])
    with translation.override("zh-hans"):  # a Chinese editor's job
        chinese = jobs.submit(Job.Kind.ANALYSE, label="1 篇", release_ids=ids, total=1)
    assert chinese.language == "zh-hans"
