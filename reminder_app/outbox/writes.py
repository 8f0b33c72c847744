"""Taking turns to write on SQLite.

SQLite has one writer at a time, and a connection waiting for the lock only retries now and
then (its busy handler sleeps up to 100 ms between tries). A thread that writes back to back
(queueing reminders while the senders send) can then starve a waiting sender past the busy
timeout ("database is locked"). The dispatcher's threads therefore take turns through a lock
of their own on SQLite. PostgreSQL locks rows, not the database: there, this does nothing.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..extensions import db

_sqlite_writer = threading.RLock()


@contextmanager
def turn_to_write() -> Iterator[None]:
    if db.engine.dialect.name != "sqlite":
        yield
        return
    with _sqlite_writer:
        yield
