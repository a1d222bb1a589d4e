"""Limits on login attempts (django-axes) and on public searches (portal/ratelimit.py).

Clients are told apart by ``REMOTE_ADDR``, which the test client lets each request set.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from portal.client_ip import client_ip, client_network
from portal.ratelimit import Rate, count_request
from portal.throttled import rate_text, wait_text

PASSWORD = "correct-horse-42"
ALICE, BOB, CAROL = "10.0.0.1", "10.0.0.2", "10.0.0.3"


@pytest.fixture(autouse=True)
def fresh_counters():
    """Rate-limit counters live in the cache, which outlives a test's database rollback."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


def log_in(client, username: str, password: str, ip: str):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def fail_logins(client, username: str, ip: str, times: int = 5):
    return [log_in(client, username, "wrong-password", ip) for _ in range(times)]


# --- Login attempts ------------------------------------------------------------------------------


def test_fifth_failure_locks_the_address_out_with_429_and_the_wait(client, editor):
    *before, fifth = fail_logins(client, "editor", ALICE)
    assert [r.status_code for r in before] == [200, 200, 200, 200]  # the form, with its error
    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "900"
    text = fifth.content.decode()
    assert "登录失败次数过多" in text and "请 15 分钟后再试" in text
    assert 'id="login-form"' not in text  # nothing to keep guessing with
    # Locked means locked: the right password does not get in either, and the wait restarts.
    again = log_in(client, "editor", PASSWORD, ALICE)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_on_other_accounts_elsewhere_do_not_block_an_editor(client, editor):
    fail_logins(client, "nobody", ALICE)
    assert log_in(client, "nobody", "wrong-password", ALICE).status_code == 429
    assert log_in(client, "editor", PASSWORD, ALICE).status_code == 429  # that address is out
    response = log_in(client, "editor", PASSWORD, BOB)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_failures_from_many_addresses_lock_the_account(client, editor):
    for ip in ("10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5"):
        fail_logins(client, "editor", ip, times=1)
    assert log_in(client, "editor", PASSWORD, CAROL).status_code == 429


def test_login_works_again_after_the_cool_off(client, editor):
    fail_logins(client, "editor", ALICE)
    sixteen_minutes_ago = timezone.now() - timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=sixteen_minutes_ago)
    assert log_in(client, "editor", PASSWORD, ALICE).status_code == 302


def test_staff_reset_unlocks_at_once(client, editor):
    fail_logins(client, "editor", ALICE)
    reset(ip=ALICE)
    reset(username="editor")
    assert log_in(client, "editor", PASSWORD, ALICE).status_code == 302


def test_a_success_forgets_earlier_typos(client, editor):
    fail_logins(client, "editor", ALICE, times=4)
    assert log_in(client, "editor", PASSWORD, ALICE).status_code == 302
    client.logout()
    assert fail_logins(client, "editor", ALICE, times=1)[0].status_code == 200


def test_forged_forwarded_for_does_not_escape_the_lockout(client, editor):
    for n in range(5):
        client.post(
            reverse("admin:login"),
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR=ALICE,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR=ALICE,
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429


# --- Public search -------------------------------------------------------------------------------

# Per hour: a window turning over in the middle of a test would be a fresh budget.
SEARCH_RATE = override_settings(PORTAL_SEARCH_RATE="3/h")


@SEARCH_RATE
def test_search_page_over_the_rate_is_429_with_the_wait(client, db):
    url = reverse("search:page")
    assert [client.get(url, REMOTE_ADDR=ALICE).status_code for _ in range(3)] == [200] * 3
    refused = client.get(url, {"q": "营商环境"}, REMOTE_ADDR=ALICE)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 3600
    assert refused.templates[0].name == "429.html"
    text = refused.content.decode()
    assert "搜索请求过于频繁（每个客户端每小时最多 3 次）" in text
    assert "后再试" in text
    assert client.get(url, REMOTE_ADDR=BOB).status_code == 200  # another client is unaffected


@SEARCH_RATE
def test_api_over_the_rate_is_429_json_in_the_errors_shape(client, db):
    url = reverse("api:search")
    for _ in range(3):
        assert client.get(url, {"q": "营商环境"}, REMOTE_ADDR=ALICE).status_code == 200
    refused = client.get(url, {"q": "营商环境"}, REMOTE_ADDR=ALICE)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    (key,) = refused.json()
    assert key == "error"
    assert refused.json()["error"].startswith("搜索请求过于频繁（每个客户端每小时最多 3 次）。请 ")
    assert client.get(url, {"q": "营商环境"}, REMOTE_ADDR=BOB).status_code == 200


@SEARCH_RATE
def test_page_and_api_share_one_budget_per_client(client, db):
    client.get(reverse("search:page"), REMOTE_ADDR=ALICE)
    client.get(reverse("api:search"), {"q": "营商环境"}, REMOTE_ADDR=ALICE)
    assert client.get(reverse("api:releases"), REMOTE_ADDR=ALICE).status_code == 200
    refused = client.get(reverse("api:releases"), REMOTE_ADDR=ALICE)
    assert refused.status_code == 429 and "error" in refused.json()
    assert client.get(reverse("search:page"), REMOTE_ADDR=ALICE).status_code == 429
    feed = client.get(reverse("search:feed"), {"q": "营商环境"}, REMOTE_ADDR=ALICE)
    assert feed.status_code == 429  # a feed is a search too


@SEARCH_RATE
def test_forged_forwarded_for_does_not_reset_the_count(client, db):
    url = reverse("search:page")
    codes = [
        client.get(url, REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


@override_settings(PORTAL_SEARCH_RATE="3/h", PORTAL_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for(client, db):
    url = reverse("search:page")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(3):
        client.get(url, HTTP_X_FORWARDED_FOR=ALICE, **proxy)
    assert client.get(url, HTTP_X_FORWARDED_FOR=ALICE, **proxy).status_code == 429
    # The proxy appends the real client after whatever the client sent.
    assert client.get(url, HTTP_X_FORWARDED_FOR=f"{ALICE}, {BOB}", **proxy).status_code == 200


# --- The pieces ----------------------------------------------------------------------------------


def test_rate_parses_counts_and_periods():
    assert Rate.parse("120/m") == Rate(limit=120, period=60)
    assert Rate.parse("1000/h") == Rate(limit=1000, period=3600)
    assert Rate.parse("10/30s") == Rate(limit=10, period=30)
    for bad in ("", "0/m", "120", "120/minute", "x/m"):
        with pytest.raises(Exception, match="not of the form"):
            Rate.parse(bad)


def test_count_refuses_until_the_window_turns_over():
    rate = Rate(limit=2, period=60)
    start = 6000 * 60 + 15.5  # 15.5 s into a window
    assert count_request("t", "c", rate, now=start) is None
    assert count_request("t", "c", rate, now=start + 1) is None
    refusal = count_request("t", "c", rate, now=start + 2)
    assert refusal is not None and refusal.retry_after == 43  # 60 - 17.5, rounded up
    assert count_request("t", "c", rate, now=start + 45) is None  # the next window


def test_client_ip_ignores_forwarded_for_unless_proxies_are_trusted():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.9"
    with override_settings(PORTAL_TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "1.2.3.4"
        garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="x")
        assert client_ip(garbage) == "10.0.0.9"
    with override_settings(PORTAL_TRUSTED_PROXY_COUNT=2):
        chain = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4, 10.0.0.8"
        )
        assert client_ip(chain) == "1.2.3.4"


def test_ipv6_clients_are_counted_by_their_64():
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert client_network(one) == client_network(other) == "2001:db8:1:2::"


def test_waits_and_rates_read_as_a_person_would_say_them():
    assert [wait_text(s) for s in (0, 40, 61, 900, 3600, 3900)] == [
        "1 秒",
        "40 秒",
        "2 分钟",
        "15 分钟",
        "1 小时",
        "1 小时 5 分钟",
    ]
    assert rate_text(Rate(limit=120, period=60)) == "每分钟最多 120 次"
    assert rate_text(Rate(limit=10, period=30)) == "每 30 秒最多 10 次"
