"""Anonymous public reads on PostgreSQL streaming replicas (DATABASE_REPLICA_URLS).

Only the pages built for the public page cache (`members.cache.public_page`) read from a
replica; staff, forms, imports, commands and every write use the primary. A replica may lag:
each save records the primary's WAL position when it commits (`remember_primary_position`), and
a page is built from a replica only if that replica has replayed up to it. Otherwise it is built
from the primary, so a change the manager saves shows at once and no page built from old data
is cached under the new version.
"""

import contextvars
import random
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

POSITION_KEY = "directory:primary-wal-position"
UNDECIDED = object()
# Per request: None (not a public read: the primary), UNDECIDED, or the alias chosen.
_public_read = contextvars.ContextVar("public_read", default=None)


def configured():
    return bool(settings.REPLICA_DATABASES)


@contextmanager
def public_reads():
    """Reads inside go to a caught-up replica, chosen on the first query."""
    token = _public_read.set(UNDECIDED if configured() else None)
    try:
        yield
    finally:
        _public_read.reset(token)


def remember_primary_position():
    """Called when a change commits: replicas behind this point are not read from."""
    if not configured():
        return
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (position,) = cursor.fetchone()
    cache.set(POSITION_KEY, position, timeout=None)


def _caught_up(alias):
    position = cache.get(POSITION_KEY)
    try:
        with connections[alias].cursor() as cursor:
            # NULL when the server is not replaying (a promoted replica): it is current.
            cursor.execute(
                "SELECT %s::pg_lsn IS NULL OR coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)",
                [position, position],
            )
            return cursor.fetchone()[0]
    except DatabaseError:
        connections[alias].close()
        return False  # an unreachable replica: the primary answers


def _choose():
    aliases = list(settings.REPLICA_DATABASES)
    random.shuffle(aliases)
    return next((alias for alias in aliases if _caught_up(alias)), "default")


class PublicReadsToReplicas:
    """Database router: see the module's docstring."""

    def db_for_read(self, model, **hints):
        alias = _public_read.get()
        if alias is UNDECIDED:
            alias = _choose()
            _public_read.set(alias)
        return alias

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
