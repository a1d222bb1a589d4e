"""The one exception a backup or a restore raises, so callers catch a single type.

Every failure the person running the command can act on (a damaged archive, a busy index, a
non-empty instance) becomes a ``BackupError`` with a message written for them; the management
commands turn it into a ``CommandError`` as it is.
"""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is meant for the person running it."""
