"""One version number for everything public pages show.

Cached public data is stored under keys that include `version()`; `bump_version()` is called on
every change to members, competences, localities and contacts (see signals.py), so stale entries
are simply never read again and expire on their own. With CACHE_URL pointing at Redis the
version is shared by every app server.
"""

import time

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "directory:version"


def version():
    value = cache.get(VERSION_KEY)
    if value is None:
        value = time.time_ns()
        cache.add(VERSION_KEY, value, timeout=None)
        value = cache.get(VERSION_KEY, value)
    return value


def bump_version():
    # A fresh, never-before-used value: correct even if the key was evicted meanwhile.
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def enabled():
    """False when DIRECTORY_CACHE=off: callers must then compute the page data afresh."""
    return settings.DIRECTORY_CACHE


def versioned_key(*parts):
    return ":".join(["directory", str(version()), *map(str, parts)])
