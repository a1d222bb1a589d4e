"""The database side of a backup: snapshot it, count it, and load a JSON dump back.

Two formats, because one does not fit every engine: ``sqlite`` copies the SQLite file page for
page (fast, exact, SQLite only); ``json`` is ``dumpdata`` with natural keys (any engine, and
the way to move from SQLite to PostgreSQL). Both are counted, so a restore can prove the
database it put back holds what the manifest says.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from documents.models import Release, Section

from .errors import BackupError

DATABASE_FORMATS = ("sqlite", "json")


@dataclass(frozen=True, slots=True)
class Counts:
    """What a database holds, compared before and after a round trip."""

    releases: int
    sections: int
    originals: int  # releases with an uploaded original file


def snapshot_database(folder: Path, fmt: str) -> Counts:
    """A consistent copy of the database in ``folder``; return what it holds."""
    folder.mkdir()
    if fmt == "json":
        return _dump_json(folder / "data.json")
    if connection.vendor != "sqlite":
        raise BackupError(
            f"a SQLite snapshot needs a SQLite database; this portal uses {connection.vendor} "
            "(use --database-format json)"
        )
    source = Path(connection.settings_dict["NAME"])
    if not source.is_file():
        raise BackupError(f"no database at {source}: run manage.py migrate first")
    target = folder / "portal.sqlite3"
    # One backup step copies every page under one read transaction: consistent while the site
    # writes. The copy leaves WAL mode, so it is one self-contained file.
    with (
        closing(sqlite3.connect(source, timeout=20)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    return sqlite_counts(target)


def _dump_json(path: Path) -> Counts:
    """Every app's rows as natural-key JSON, and their counts, from one database snapshot."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # one snapshot for every table dumped
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata", natural_foreign=True, natural_primary=True, output=str(path), verbosity=0
        )
        return orm_counts()


def load_json(path: Path, expected: Counts) -> None:
    """Empty the database and load the dump, in one transaction (nothing changes on failure).

    The search signals are off meanwhile: the index is restored or rebuilt as a whole later.
    """
    processor = apps.get_app_config("haystack").signal_processor
    processor.teardown()
    try:
        with transaction.atomic():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            call_command("loaddata", str(path), verbosity=0)
            if orm_counts() != expected:
                raise BackupError(f"the archive's database does not hold {expected}")
    except BackupError:
        raise
    except Exception as exc:  # deserialisation and integrity errors of every engine
        raise BackupError(f"could not load the archive's database: {exc}") from exc
    finally:
        processor.setup()


def migrate_if_behind() -> bool:
    """Apply migrations newer than the restored database (an archive of an older portal)."""
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    call_command("migrate", interactive=False, verbosity=0)
    return True


def orm_counts() -> Counts:
    """Counts of Django's own database, the one the site serves."""
    releases = Release.objects.all()
    return Counts(releases.count(), Section.objects.count(), releases.exclude(original="").count())


def sqlite_counts(path: Path) -> Counts:
    """Counts read straight from a SQLite file (a snapshot, not Django's database)."""
    release, section = Release._meta.db_table, Section._meta.db_table
    queries = (  # table names from the models, not from input
        f'SELECT count(*) FROM "{release}"',  # noqa: S608
        f'SELECT count(*) FROM "{section}"',  # noqa: S608
        f"SELECT count(*) FROM \"{release}\" WHERE original != ''",  # noqa: S608
    )
    try:
        with closing(sqlite3.connect(path)) as db:
            return Counts(*(db.execute(query).fetchone()[0] for query in queries))
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the archive's database cannot be read ({exc})") from exc


def check_counts(found: Counts, manifest: dict[str, Any]) -> None:
    """Refuse a restored database that does not hold what the manifest recorded."""
    expected = Counts(**manifest["counts"])
    if found != expected:
        raise BackupError(f"the archive's database holds {found}, its manifest says {expected}")
