"""A search cluster that cannot be reached gives a clear 503, never a server error.

The portal is configured for Elasticsearch at a loopback port where nothing listens: the real
client, a real refused connection. The page, the API and ``manage.py check`` each say what
failed; the releases themselves stay browsable.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import override_settings
from haystack import connections

from tests.search.test_backend_contract import elasticsearch_connection

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable_cluster() -> Iterator[None]:
    entry = elasticsearch_connection(f"http://127.0.0.1:{closed_port()}", "portal-down")
    entry["TIMEOUT"] = 2
    saved = connections.connections_info["default"]
    try:
        with override_settings(HAYSTACK_CONNECTIONS={"default": entry}):
            connections.connections_info["default"] = entry
            connections.reload("default")
            yield
    finally:  # after the settings are back: the engine reads its options from them
        connections.connections_info["default"] = saved
        connections.reload("default")


def test_search_page_says_the_search_service_is_down(client, unreachable_cluster):
    response = client.get("/search/", {"q": "营商环境"})
    assert response.status_code == 503
    assert response["Retry-After"]
    text = response.content.decode()
    assert "搜索暂时不可用" in text and "ConnectionError" in text
    assert "Traceback" not in text


def test_api_answers_503_with_the_reason(client, unreachable_cluster):
    response = client.get("/api/search", {"q": "营商环境"})
    assert response.status_code == 503
    assert "检索服务暂时不可用" in response.json()["error"]


def test_release_pages_still_work(client, seeds, unreachable_cluster):
    assert client.get(seeds["000"].get_absolute_url()).status_code == 200


def test_system_check_reports_the_cluster_instead_of_failing(unreachable_cluster, capsys):
    call_command("check")
    assert "search.W003" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["ensure_search_index", "check_search_index"])
def test_index_commands_fail_with_a_message(unreachable_cluster, command):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="search cluster could not"):
        call_command(command)
