"""A 1,000-record bulk file published through the admin: every release searchable, no drift.

Issue 22's measure of the whole path a staff editor takes — upload, the check job, the preview,
publish — with the jobs run in the submitting process (the suite's immediate queue), so the time
from the click to the last chunk's index commit is the job's own time. The figure is printed
in the run's "reliability figures"; nothing here asserts a speed.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from documents.models import Job, Release
from search.core.request import build_request
from search.core.service import match
from search.indexing.drift import index_drift
from tests.documents.test_jobs import corpus_parts, jsonl
from tests.search.scan import forget_searchers

UPLOAD = "/admin/documents/release/upload/"
JOB_URL = re.compile(r"/admin/documents/job/(\d+)/change/")


RECORDS_1000 = 1000


@pytest.mark.django_db(transaction=True)
def test_a_thousand_record_file_published_through_the_admin_is_all_searchable(
    admin_client, figures
):
    """Issue 22's measure: a 1,000-record bulk file, check → publish from the admin, every
    release searchable when the job says done, the index without drift."""
    call_command("load_regions", stdout=open(os.devnull, "w"))  # noqa: SIM115
    records = corpus_parts(RECORDS_1000, paragraphs=3)
    before = Release.objects.filter(status="published").count()
    data = jsonl(records)
    response = admin_client.post(UPLOAD, {"file": SimpleUploadedFile("thousand.jsonl", data)})
    assert response.status_code == 302 and response["Location"].endswith("/bulk/")
    token = response["Location"].split("/")[-3]
    preview = admin_client.get(response["Location"]).content.decode()
    summary = re.search(r"可导入 ([\d,]+) 篇，重复 (\d+) 篇，无法导入 (\d+) 行", preview)
    assert summary, preview
    # A few parts repeat another once normalised (a resolution's boilerplate): the check says so.
    new, repeated = int(summary[1].replace(",", "")), int(summary[2])
    assert new + repeated == RECORDS_1000 and summary[3] == "0" and new >= 0.98 * RECORDS_1000
    clicked = time.perf_counter()
    decided = admin_client.post(response["Location"], {"token": token, "action": "publish"})
    assert JOB_URL.fullmatch(decided["Location"])
    job = Job.objects.get(kind=Job.Kind.BULK_IMPORT)
    assert (job.status, job.done, job.failed) == ("done", RECORDS_1000, 0)
    forget_searchers()
    for record in records[:: RECORDS_1000 // 20]:  # a phrase of every 50th record
        phrase = record["content"].split("\n\n")[0][:12]
        request, _ = build_request({"q": [f'"{phrase}"']})
        sections = {m.release for m in match(request)}
        own = Release.objects.filter(title=record["title"]).values_list("pk", flat=True)
        assert set(own) <= sections and (own or sections), record["title"]  # own, or its twin
    searchable = time.perf_counter() - clicked
    assert Release.objects.filter(status="published").count() == before + new
    assert index_drift().total == 0
    characters = sum(len(r["content"]) for r in records)
    figures.append(
        f"admin bulk publish: {RECORDS_1000} records, {characters:,} characters, click to "
        f"searchable {searchable:.1f} s ({characters / searchable:,.0f} ch/s), drift 0"
    )
