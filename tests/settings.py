"""Settings for the test suite: the portal's own, with a private data folder per run.

pytest-django imports the settings before any conftest runs, so the folder must be chosen
here, before ``portal.settings`` reads ``PORTAL_DATA_DIR``: the database files, uploaded
originals and the search index of a test run never touch a developer's ``var/`` or another
run's files.
"""

import atexit
import os
import shutil
import tempfile

_DATA_DIR = tempfile.mkdtemp(prefix="portal-test-")
os.environ["PORTAL_DATA_DIR"] = _DATA_DIR
os.environ.pop("SEARCH_INDEX_DIR", None)
atexit.register(shutil.rmtree, _DATA_DIR, ignore_errors=True)

from portal.settings import *  # noqa: E402,F403

PORTAL_SEARCH_RATE = "100000/m"  # the suite searches a lot from one address; its own tests lower it

# Jobs run in the process that submits them, so a test sees a bulk import finish within the
# request; the worker itself (manage.py run_huey) is tested in tests/reliability.
HUEY = {**HUEY, "immediate": True}  # noqa: F405
