"""gunicorn settings for the portal: ``gunicorn portal.wsgi`` (``make serve-production``).

gunicorn reads this file from the directory it starts in. Environment variables:
``PORTAL_BIND`` (default 127.0.0.1:8000, for a reverse proxy on the same machine),
``WEB_CONCURRENCY`` (workers; default 2 x cores + 1, at most 8) and ``GUNICORN_TIMEOUT``.

Long work (bulk imports and publishes, re-parsing, sweeps) runs on the job worker, not in
gunicorn's: start ``manage.py run_huey`` beside it under the same supervisor (``make
serve-production`` starts both; README "Deploying").
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

# Load the settings once here, in the master: with unsafe production settings they stop the
# process with one line (portal/production.py). Left to the workers, each would exit on them
# and gunicorn would start it again, for ever.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
_settings = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])

wsgi_app = "portal.wsgi:application"
bind = [os.environ.get("PORTAL_BIND", "127.0.0.1:8000")]
# Each worker keeps its own warm copy of the search index's columns, so more workers cost
# memory as well as CPU: the cap keeps a large machine from starting dozens of them.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
# A large import through the admin upload parses and indexes within one request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# No cap on the request line: gunicorn's own (4,094 bytes) answered a long Chinese query (each
# character is nine bytes percent-encoded) with a bare HTML 414, before the portal could give
# the API's JSON 400 or the search page's message. The portal refuses queries over 500
# characters itself; a reverse proxy in front needs room too (README, "Deploying").
limit_request_line = 0
keepalive = 5
# Preloaded: the master imports Django and the views and loads the analysers (OpenCC and
# jieba's dictionary, ``when_ready`` below) once, then forks; every worker shares those pages
# instead of building its own copy (four workers on the 1x benchmark index: 761 -> 361 MB of
# proportional set size). The search index is opened in each worker after the fork
# (``post_worker_init``), so no worker shares a file handle or a lock with another. The price:
# ``kill -HUP`` re-forks the workers from the loaded code, so a deploy restarts the master.
preload_app = True
accesslog = "-"  # stdout
errorlog = "-"  # stderr
proc_name = "policy-portal"
# gunicorn's control socket (``gunicornc``) defaults to one path per user; one per data folder
# lets two instances run side by side, as everything else in the data folder does.
control_socket = str(_settings.DATA_DIR / "gunicorn.ctl")


def when_ready(server) -> None:
    """With the application preloaded, load the analysers once in the master, then freeze."""
    if not server.cfg.preload_app:
        return
    import gc

    from search.core.warmup import warm_analysers

    took = warm_analysers()
    gc.freeze()
    server.log.info("master: analysers loaded in %.2f s, shared with every worker", took)


def post_worker_init(worker) -> None:
    """Warm the search engine in each worker before it accepts its first request.

    gunicorn calls this after the worker has loaded the application and before it serves, so
    the first reader's search does not pay for loading the index's columns and dictionaries,
    nor for what the first search builds (``search.core.warmup.warm_search``).
    """
    import gc

    from search.core.warmup import warm_up

    took = warm_up()
    # The index's columns just loaded live as long as the worker: out of the collector's
    # reach, a full collection no longer walks them. In a process holding the 1x benchmark
    # index (300,000 tracked objects) a full collection took 90-100 ms, added to whichever
    # search happened to trigger it.
    gc.freeze()
    worker.log.info("worker %s: search warm in %.2f s", worker.pid, took)
