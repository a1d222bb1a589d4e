"""Locust users for ``manage.py run_load_test``: the public searches and browses, staff publish.

Run by ``quality.loadtest.run`` with the instance's details in environment variables:
``LOAD_QUERIES`` (the benchmark's query file), ``LOAD_PUBLISH_DIR`` (bulk files to publish,
each new content), ``LOAD_USER`` / ``LOAD_PASSWORD`` (a staff account). Every response that
is not what a user should get counts as a failure: a 5xx, an unexpected status, a publish
whose report does not say its releases were imported.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

QUERIES = [
    json.loads(line)["q"]
    for line in Path(os.environ["LOAD_QUERIES"]).read_text(encoding="utf-8").splitlines()
    if line.strip()
]
PUBLISH_FILES = sorted(Path(os.environ["LOAD_PUBLISH_DIR"]).glob("*.jsonl"))
_next_file = itertools.count()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_REGION = re.compile(r'href="/regions/([^/"]+)/"')
_BULK = re.compile(r"/admin/documents/release/upload/([0-9a-f]{32})/bulk/$")


class Reader(HttpUser):
    """A member of the public: searches (page and API), opens releases and regions."""

    weight = 10
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        releases = self.client.get("/api/releases?page_size=100", name="/api/releases").json()
        self.release_ids = [r["id"] for r in releases["results"]] or [1]
        regions = self.client.get("/regions/", name="/regions/").text
        self.region_codes = sorted(set(_REGION.findall(regions))) or ["100000"]

    @task(4)
    def search_page(self) -> None:
        self.client.get("/search/", params={"q": random.choice(QUERIES)}, name="/search/")  # noqa: S311

    @task(3)
    def search_api(self) -> None:
        params = {"q": random.choice(QUERIES)}  # noqa: S311
        self.client.get("/api/search", params=params, name="/api/search")

    @task(2)
    def release_page(self) -> None:
        pk = random.choice(self.release_ids)  # noqa: S311
        self.client.get(f"/releases/{pk}/", name="/releases/[id]/")

    @task(1)
    def region_page(self) -> None:
        code = random.choice(self.region_codes)  # noqa: S311
        self.client.get(f"/regions/{code}/", name="/regions/[code]/")


class Publisher(HttpUser):
    """Staff uploading a small bulk file through the admin and publishing it."""

    fixed_count = int(os.environ.get("LOAD_PUBLISHERS", "2"))
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        page = self.client.get("/admin/login/", name="/admin/login/")
        self.client.post(
            "/admin/login/?next=/admin/",
            data={
                "username": os.environ["LOAD_USER"],
                "password": os.environ["LOAD_PASSWORD"],
                "csrfmiddlewaretoken": _csrf(page.text),
                "next": "/admin/",
            },
            name="/admin/login/",
        )

    @task
    def publish(self) -> None:
        number = next(_next_file)
        if number >= len(PUBLISH_FILES):
            return  # every prepared file is published; keep the user idle
        path = PUBLISH_FILES[number]
        form = self.client.get("/admin/documents/release/upload/", name="upload form")
        with self.client.post(
            "/admin/documents/release/upload/",
            data={"csrfmiddlewaretoken": _csrf(form.text)},
            files={"file": (path.name, path.read_bytes(), "application/jsonl")},
            allow_redirects=False,
            name="upload",
            catch_response=True,
        ) as staged:
            match = _BULK.search(staged.headers.get("Location", ""))
            if staged.status_code != 302 or not match:
                staged.failure(f"upload not staged: {staged.status_code}")
                return
            staged.success()
        preview = self.client.get(staged.headers["Location"], name="bulk preview")
        with self.client.post(
            staged.headers["Location"],
            data={
                "token": match.group(1),
                "action": "publish",
                "csrfmiddlewaretoken": _csrf(preview.text),
            },
            name="publish",
            catch_response=True,
        ) as done:
            if done.status_code == 200 and "已导入 2 篇" in done.text:
                done.success()
            else:
                done.failure(f"publish report not as expected (HTTP {done.status_code})")


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    return found.group(1) if found else ""
