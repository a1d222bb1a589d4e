"""Fixtures for real-browser tests: Debian's chromium driven by Playwright's sync API.

Template and view tests check the HTML the server sends; these check what a reader gets from
it in a browser — links that can be clicked, fragments that scroll, a cookie-backed script
switch, a layout that fits a phone. We drive the system chromium (``/usr/bin/chromium``)
rather than a Playwright-downloaded build, so the suite needs no network to set up.

A missing browser fails loudly: a browser suite that silently skips proves nothing. Set
``PORTAL_SKIP_BROWSER=1`` to skip it on purpose (e.g. on a machine without chromium).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


def _skip_requested() -> bool:
    return os.environ.get("PORTAL_SKIP_BROWSER", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless chromium for the whole session (launching it is the slow part)."""
    if _skip_requested():
        pytest.skip("PORTAL_SKIP_BROWSER is set: browser tests skipped on purpose")
    if not CHROMIUM.exists():
        pytest.fail(
            f"browser tests need chromium at {CHROMIUM} (apt-get install chromium), "
            "or set PORTAL_SKIP_BROWSER=1 to skip them deliberately",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop in this thread, and Django refuses ORM
    # calls from a thread with a running loop unless told it is safe. Here it is: the loop only
    # drives the browser, and no Django code runs on it. Set here, not at import, so that
    # merely collecting this folder (e.g. ``-m "not browser"``) leaves the check on.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def _new_page(browser, base_url: str, **context_options):
    context = browser.new_context(base_url=base_url, locale="zh-CN", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A desktop-sized page in a fresh context (no cookies carried between tests)."""
    context, new_page = _new_page(browser, live_server.url, viewport=DESKTOP)
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture
def phone_page(browser, live_server) -> Iterator[object]:
    """A phone-sized page (390×844, mobile viewport rules) in a fresh context."""
    context, new_page = _new_page(
        browser,
        live_server.url,
        viewport=PHONE,
        screen=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    try:
        yield new_page
    finally:
        context.close()
