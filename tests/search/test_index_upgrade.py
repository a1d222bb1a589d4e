"""An index written by an older release of the portal is rebuilt, never trusted or crashed on.

Whoosh pickles the schema's class paths into an index, and they move with the code (schema
version 6: ``search.whoosh_fields`` became ``search.engines.whoosh.fields``). The portal opens
an index with the code's schema, so an old one still answers until ``ensure_search_index``
(run by ``make run``) sees its fingerprint and rebuilds it beside. haystack's
``rebuild_index`` and ``clear_index``, which would empty the live index, are refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from haystack import connections

from documents.models import Release, Section
from search.core.service import match
from search.engines.whoosh.storage import live_dir
from search.indexing.rebuild import rebuild_all
from search.indexing.state import index_state
from tests.search.scan import forget_searchers, request

pytestmark = pytest.mark.django_db

#: A module whose classes Whoosh pickles into the schema, and a name that no longer exists.
FIELDS_MODULE = b"search.engines.whoosh.fields"
GONE_MODULE = b"search.engines.whoosh.fie1ds"


@pytest.fixture
def own_index(tmp_path, settings) -> Iterator[Path]:
    """The default connection on an index folder of this test's own."""
    entry = {**settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(tmp_path / "index")}
    saved = connections.connections_info["default"]
    try:
        with override_settings(HAYSTACK_CONNECTIONS={"default": entry}):
            connections.connections_info["default"] = entry
            connections.reload("default")
            yield tmp_path / "index"
    finally:
        connections.connections_info["default"] = saved
        connections.reload("default")
        forget_searchers()


def age(path: Path) -> None:
    """Make the index look written by an older release: an old fingerprint, classes gone."""
    tocs = list(live_dir(path).glob("*.toc"))
    assert tocs, "the index has a table of contents"
    for toc in tocs:
        data = toc.read_bytes()
        assert FIELDS_MODULE in data, "Whoosh pickles the field classes' paths"
        toc.write_bytes(data.replace(FIELDS_MODULE, GONE_MODULE))
    meta = live_dir(path) / "portal-index.json"
    meta.write_text(json.dumps({"schema_version": 5, "dictionary": "old"}), encoding="utf-8")
    connections.reload("default")
    forget_searchers()


def published() -> int:
    return Section.objects.filter(release__status=Release.Status.PUBLISHED).count()


def test_an_index_from_an_older_release_is_reported_then_rebuilt(seeds, own_index):
    assert rebuild_all() == published()
    age(own_index)

    state = index_state()
    assert not state.fingerprint_ok and not state.healthy
    assert match(request(q="营商环境")), "the old index still answers until it is replaced"
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("ensure_search_index", "--check", stderr=out)

    call_command("ensure_search_index", stdout=out)
    forget_searchers()

    assert "built by other code" in out.getvalue()
    assert index_state().healthy
    assert match(request(q="营商环境"))


@pytest.mark.parametrize("command", ["rebuild_index", "clear_index"])
def test_haystack_commands_that_empty_the_live_index_are_refused(seeds, command):
    before = index_state()
    with pytest.raises(CommandError, match="ensure_search_index --rebuild"):
        call_command(command, "--noinput")
    assert index_state() == before
