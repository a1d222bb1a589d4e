"""The backend contract (``backend_contract.SearchBackendContract``), once per engine.

Whoosh always runs: it is the session's index. Elasticsearch runs when ``ELASTICSEARCH_URL``
names a cluster (``ELASTICSEARCH_URL=http://127.0.0.1:9200 make test``): the session's data is
indexed into a fresh alias of its own, which is deleted afterwards. Without the variable those
tests are skipped, and pytest's summary prints why. Nothing here imitates an engine.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from django.test import override_settings
from haystack import connections

from search.indexing.rebuild import rebuild_all
from tests.search.backend_contract import Engine, SearchBackendContract

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "").strip()
NO_CLUSTER = (
    "ELASTICSEARCH_URL is unset: no Elasticsearch cluster to run the backend contract against "
    "(set it, e.g. ELASTICSEARCH_URL=http://127.0.0.1:9200 make test, to run it)"
)


class TestWhooshBackend(SearchBackendContract):
    @pytest.fixture
    def engine(self) -> Engine:
        from search.engines.whoosh.backend import PortalWhooshBackend

        engine = Engine("whoosh")
        assert isinstance(engine.backend, PortalWhooshBackend)
        engine.settle()
        return engine


def elasticsearch_connection(url: str, alias_name: str) -> dict:
    """A ``HAYSTACK_CONNECTIONS`` entry for the portal's Elasticsearch backend."""
    return {
        "ENGINE": "search.engines.elasticsearch.backend.PortalElasticsearchEngine",
        "URL": [u.strip() for u in url.split(",") if u.strip()],
        "INDEX_NAME": alias_name,
        "SHARDS": 1,
        "REPLICAS": 0,
        "TIMEOUT": 60,
    }


@pytest.fixture(scope="class")
def elasticsearch_engine(django_db_setup, django_db_blocker) -> Iterator[Engine]:
    """The session's data in a fresh alias on the cluster; the default connection uses it."""
    entry = elasticsearch_connection(ELASTICSEARCH_URL, f"portal-test-{secrets.token_hex(4)}")
    saved = connections.connections_info["default"]
    try:
        with override_settings(HAYSTACK_CONNECTIONS={"default": entry}):
            connections.connections_info["default"] = entry
            connections.reload("default")
            backend = connections["default"].get_backend()
            try:
                with django_db_blocker.unblock():
                    rebuild_all()
                yield Engine("elasticsearch")
            finally:
                backend.conn.indices.delete(index=f"{entry['INDEX_NAME']}-*", ignore=[404])
    finally:  # after the settings are back: the engine reads its options from them
        connections.connections_info["default"] = saved
        connections.reload("default")


@pytest.mark.skipif(not ELASTICSEARCH_URL, reason=NO_CLUSTER)
class TestElasticsearchBackend(SearchBackendContract):
    @pytest.fixture
    def engine(self, elasticsearch_engine: Engine) -> Engine:
        return elasticsearch_engine

    def test_the_alias_moves_to_a_new_index_on_rebuild(self, engine: Engine):
        backend = engine.backend
        (before,) = backend.live_indices()
        rebuild_all()
        (after,) = backend.live_indices()
        assert after != before and backend.portal_indices() == [after]
