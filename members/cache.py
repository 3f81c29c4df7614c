"""One version number for everything public pages show.

Cached public data is stored under keys that include `version()`; `bump_version()` is called on
every change to members, competences, localities and contacts (see signals.py), so stale entries
are simply never read again and expire on their own. With CACHE_URL pointing at Redis the
version is shared by every app server.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

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
    """False when DIRECTORY_CACHE=off: pages are then rendered for every request, as for an address
    nobody asked for before (their fragments and reference data still come from the cache)."""
    return settings.DIRECTORY_CACHE


def versioned_key(*parts):
    return ":".join(["directory", str(version()), *map(str, parts)])


def get_or_set(key, compute, timeout):
    """`compute()` cached under `versioned_key(key)`: never stale, as the version changes with the data."""
    return cache.get_or_set(versioned_key(key), compute, timeout=timeout)


# Entries are never stale (the version changes with the data); the timeout only frees memory.
PAGE_TIMEOUT = 3600


def public_page(view):
    """Serve an anonymous GET from the cache, keyed on the version and the absolute URL.

    Only visitors without a session cookie are served from it (staff may see more), and only
    complete 200 answers that set no cookie are stored, so nothing personal is ever shared. The
    path carries the language (/ro/, /en/) and the query string carries the filters. The scheme
    and host are in the key too: pages hold absolute links (canonical, hreflang, JSON-LD), so a
    site answering to several names must not hand one name's links to another.
    """

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not enabled() or request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        # build_absolute_uri() is scheme://host/full-path; get_host() in it refuses a Host
        # header outside ALLOWED_HOSTS, so forged names never reach the cache.
        url = request.build_absolute_uri()
        key = versioned_key("page", hashlib.sha256(url.encode()).hexdigest())
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
        return response

    return cached_view
