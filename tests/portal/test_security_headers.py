"""The Content-Security-Policy and the other security headers, through Django's test client.

The policy allows scripts and styles from our own origin only, so the browser runs no markup
that might slip into a page; that holds only while no template of ours needs an inline script,
style or event handler, which the last test checks. ``tests/browser/test_injection.py`` shows
the policy at work in a real browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

PATHS = (
    "/",
    "/about/",
    "/regions/",
    "/regions/620000/",
    "/search/?q=营商环境",
    "/search/?q=营商环境&kind=nonsense",  # 400
    "/search/opensearch.xml",
    "/feeds/releases/",
    "/api/releases",
    "/api/search?q=营商环境",
    "/admin/login/",
    "/releases/999999/",  # 404
)


def policy_of(response) -> dict[str, list[str]]:
    """The header as directive → sources (django-csp writes the directives in any order)."""
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_policy_and_security_headers(client, path):
    response = client.get(path)
    assert response.status_code in {200, 400, 404}, response.status_code
    assert policy_of(response) == POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_static_files_carry_it_too(client):
    """WhiteNoise answers before the clickjacking middleware, but inside the CSP one."""
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert policy_of(response) == POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_release_pages_and_staff_pages_carry_it_too(client, admin_client, seeds):
    release = seeds["000"]
    for browser, path in (
        (client, release.get_absolute_url()),
        (client, f"/releases/{release.pk}/original/"),
        (admin_client, "/admin/"),
        (admin_client, "/admin/documents/release/"),
        (admin_client, f"/admin/documents/release/{release.pk}/change/"),
        (admin_client, "/admin/documents/release/upload/"),
    ):
        response = browser.get(path)
        assert response.status_code == 200, path
        assert policy_of(response) == POLICY, path


def test_the_policy_allows_no_inline_code_or_foreign_origin():
    header = " ".join(" ".join(v) for v in POLICY.values())
    for loophole in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'nonce-", "*", "http"):
        assert loophole not in header, loophole
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"] == POLICY
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE


TEMPLATE_DIRS = [
    settings.BASE_DIR / "templates",
    *sorted(settings.BASE_DIR.glob("*/templates")),
]
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> block": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def template_files() -> list[Path]:
    return sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*") if p.suffix in {".html", ".xml"})


def test_no_template_needs_what_the_policy_refuses():
    """Inline scripts, styles and handlers would be blocked: they belong in static files."""
    files = template_files()
    assert any(p.name == "base.html" for p in files)
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in files
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "url",
    [
        "/regions/%00/",
        "/search/?q=%E8%90%A5%00",
        "/compare/?topic=%00&regions=x",
        "/search/?a%00=1",
    ],
)
def test_nul_in_the_url_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_nul_in_an_api_url_is_a_json_400(client):
    response = client.get("/api/search?q=%00")
    assert response.status_code == 400
    assert "空字符" in response.json()["error"]
