"""DJANGO_ENV=production: Django's deployment check passes, unsafe settings stop the process
with one line, and gunicorn serves pages and whitenoise's hashed static files.

Everything runs in subprocesses with ``portal.settings`` (not the test settings) and a data
folder of its own, so a developer's ``var/`` is never touched.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "policy.example.org"
STRONG_KEY = secrets.token_urlsafe(50)


_SESSION_ONLY = {
    "DEBUG",
    "DATABASE_URL",
    "SEARCH_INDEX_DIR",
    "CSRF_TRUSTED_ORIGINS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(data_dir: Path, **overrides: str | None) -> dict[str, str]:
    """The process environment of a production instance; ``None`` removes a variable."""
    # Nothing the test session set for itself: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE
    # (which check --deploy rightly reports) and any test-only database or index location.
    env = {k: v for k, v in os.environ.items() if k not in _SESSION_ONLY}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS=HOST,
        PORTAL_DATA_DIR=str(data_dir),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("production-data")


def test_check_deploy_reports_no_issues(data_dir):
    result = manage(production_env(data_dir), "check", "--deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "too-short-to-sign-anything"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "django-insecure-" + STRONG_KEY}, "SECRET_KEY is too weak"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS is not set"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
    ],
)
def test_unsafe_settings_stop_with_one_line(data_dir, overrides, message):
    result = manage(production_env(data_dir, **overrides), "check", "--deploy")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("DJANGO_ENV=production: ") and message in lines[0]


def test_unknown_environment_is_refused(data_dir):
    result = manage(production_env(data_dir, DJANGO_ENV="prod"), "check")
    assert result.returncode != 0
    assert result.stderr.strip() == "DJANGO_ENV='prod' is not one of: development, production"


def test_gunicorn_refuses_unsafe_settings_at_once(data_dir):
    """The master stops with the message; workers are not started over and over."""
    env = production_env(data_dir, SECRET_KEY=None, PORTAL_BIND=f"127.0.0.1:{free_port()}")
    result = subprocess.run(
        [GUNICORN], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "DJANGO_ENV=production: SECRET_KEY is not set" in result.stderr
    assert "Booting worker" not in result.stderr


# --- gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def wait_until_serving(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            get(port, "/static/none", **{"X-Forwarded-Proto": "https"})
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


@contextlib.contextmanager
def serving(data: Path, workers: int, **overrides: str) -> Iterator[int]:
    """gunicorn behind a (pretend) TLS proxy, after migrate + collectstatic; yields its port."""
    port = free_port()
    env = production_env(
        data,
        PORTAL_BEHIND_TLS_PROXY="1",
        PORTAL_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        **overrides,
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = manage(env, *command)
        assert result.returncode == 0, result.stderr
    log = data / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen([GUNICORN], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        wait_until_serving(port, server, log)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def gunicorn(data_dir):
    """gunicorn with two workers and a search budget of four an hour."""
    with serving(data_dir, 2, PORTAL_SEARCH_RATE="4/h") as port:
        yield port


HTTPS = {"X-Forwarded-Proto": "https"}


def test_gunicorn_serves_pages_over_https_only(gunicorn):
    home = get(gunicorn, "/", **HTTPS)
    assert home.status == 200
    hsts = home.getheader("Strict-Transport-Security")
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    plain = get(gunicorn, "/")
    assert plain.status == 301
    assert plain.getheader("Location") == f"https://{HOST}/"
    assert get(gunicorn, "/", Host="evil.example.com", **HTTPS).status == 400


def test_whitenoise_serves_hashed_css_with_a_long_cache_header(gunicorn):
    home = get(gunicorn, "/", **HTTPS).body.decode()
    (stylesheet,) = re.findall(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', home)
    css = get(gunicorn, stylesheet, **HTTPS, **{"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.getheader("Content-Type").startswith("text/css")
    assert css.getheader("Content-Encoding") == "gzip"
    cache_control = css.getheader("Cache-Control")
    assert "max-age=315360000" in cache_control and "immutable" in cache_control


def test_search_rate_limit_holds_across_workers(gunicorn):
    """Requests go to both workers; a per-process count would let more than four through."""
    codes = [get(gunicorn, "/api/releases", **HTTPS).status for _ in range(8)]
    assert codes == [200] * 4 + [429] * 4


def test_a_long_chinese_query_gets_the_portals_json_error(tmp_path_factory):
    """10,000 Chinese characters are 90,000 bytes of URL: gunicorn's own 4,094-byte cap on the
    request line answered with a bare HTML 414; the portal must answer, with its JSON 400."""
    with serving(tmp_path_factory.mktemp("long-url"), 1) as port:
        query = urllib.parse.quote("营商环境" * 2500)
        api = get(port, f"/api/search?q={query}", **HTTPS)
        assert api.status == 400
        assert api.getheader("Content-Type").startswith("application/json")
        assert "500" in json.loads(api.body)["error"]
        page = get(port, f"/search/?q={query}", **HTTPS)
        assert page.status == 400 and "500" in page.body.decode()
