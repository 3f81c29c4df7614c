"""One version number for everything public pages show.

Cached public data is stored under keys that include `version()`; `bump_version()` is called on
every change to members, competences, localities and contacts (see signals.py), so stale entries
are simply never read again and expire on their own. With CACHE_URL pointing at Redis the
version is shared by every app server. The version itself lives CACHE_VERSION_SECONDS: a change
that sends no signal (a queryset update(), SQL) cannot leave pages stale for longer.
"""

import hashlib
import time
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.http.cookie import parse_cookie
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import get_language_from_path

from mechatrec import replicas

VERSION_KEY = "directory:version"


def version():
    value = cache.get(VERSION_KEY)
    if value is None:
        value = time.time_ns()
        cache.add(VERSION_KEY, value, timeout=settings.CACHE_VERSION_SECONDS)
        value = cache.get(VERSION_KEY, value)
    return value


def bump_version():
    """A fresh, never-before-used version now, and again when the transaction commits: a visitor
    whose page was built between the two (from the data before the commit) had it stored under
    the first, which the second leaves behind. Outside a transaction both happen at once.
    With read replicas, the commit's position is recorded first, so no page is built from a
    replica that has not replayed it yet (mechatrec/replicas.py)."""
    _new_version()
    transaction.on_commit(_committed)


def _committed():
    replicas.remember_primary_position()
    _new_version()


def _new_version():
    cache.set(VERSION_KEY, time.time_ns(), timeout=settings.CACHE_VERSION_SECONDS)
    forget_recent_version()


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
# No link the site writes has a longer value or more values of one parameter: such an address
# is answered but never stored.
MAX_VALUE_LENGTH = 200
MAX_VALUES = 60
# Headers of a stored answer that are part of what it is (a download's file name), kept with it.
KEPT_HEADERS = ("Content-Disposition",)


def _shared(response, etag):
    """Marked for shared caches (nginx's proxy_cache, a CDN): public for HTTP_CACHE_SECONDS, then
    served stale while one request revalidates; browsers revalidate every time (max-age=0),
    which the ETag answers with a 304. The same page for everyone: the address says it all."""
    response["ETag"] = etag
    # nginx reads its lifetime from here, not from s-maxage (max-age=0 would mean "never store"),
    # and does not pass it on; CDNs read s-maxage.
    response["X-Accel-Expires"] = str(settings.HTTP_CACHE_SECONDS)
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.HTTP_CACHE_SECONDS,
        stale_while_revalidate=settings.HTTP_STALE_SECONDS,
    )
    return response


def canonical_query(query, parameters):
    """The query string of the recognised `parameters` ({name: may repeat}) in `query`: sorted,
    deduplicated, empty values and unknown parameters dropped; a single-valued one keeps the
    value Django reads (the last). And whether it is within MAX_VALUES and MAX_VALUE_LENGTH."""
    pairs, within = [], True
    for name, repeats in sorted(parameters.items()):
        values = [value for value in query.getlist(name) if value]
        values = sorted(set(values)) if repeats else values[-1:]
        within = within and len(values) <= MAX_VALUES and all(len(v) <= MAX_VALUE_LENGTH for v in values)
        pairs += [(name, value) for value in values]
    return urlencode(pairs), within


def public_page(view=None, *, parameters=None):
    """Serve an anonymous GET from the cache, keyed on the version and the canonical URL, with
    HTTP caching headers a proxy or CDN can use (`_shared`) and an ETag of the same two, so a
    revalidation is answered 304 without touching the database.

    The view sees only the recognised `parameters` ({name: may repeat}; none by default) in
    canonical order, so junk added to an address neither makes a new cache entry nor reaches the
    page's links. Only visitors without a session cookie are served from the cache (staff may
    see more), and only complete 200 answers that set no cookie and allow storing are stored, so
    nothing personal is ever shared. The path carries the language (/ro/, /en/) and the query
    string the filters. The scheme and host are in the key too: pages hold absolute links
    (canonical, hreflang, JSON-LD), so a site answering to several names must not hand one
    name's links to another.
    """
    if view is None:
        return lambda view: public_page(view, parameters=parameters)

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        query, storable = canonical_query(request.GET, parameters or {})
        if query != request.META.get("QUERY_STRING", ""):
            request.GET, request.META["QUERY_STRING"] = QueryDict(query), query
        if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)  # private by default (mechatrec.middleware)
        # build_absolute_uri() is scheme://host/full-path; get_host() in it refuses a Host
        # header outside ALLOWED_HOSTS, so forged names never reach the cache.
        digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        current = version()
        etag = _etag(current, digest)
        if storable and etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            return _shared(HttpResponseNotModified(), etag)  # no query, nothing rendered
        key = ":".join(["directory", str(current), "page", digest])
        stored = cache.get(key) if enabled() else None
        if stored is not None:
            content, content_type, *headers = stored  # entries stored before KEPT_HEADERS have two
            response = HttpResponse(
                content, content_type=content_type, headers=dict(headers[0] if headers else {})
            )
            return _shared(response, etag)
        with replicas.public_reads():
            response = view(request, *args, **kwargs)
        if (
            storable
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-store" not in response.get("Cache-Control", "")
        ):
            if enabled():
                kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                cache.set(key, (response.content, response["Content-Type"], kept), PAGE_TIMEOUT)
            _shared(response, etag)
        return response

    # What `not_modified_early` needs to know, read from the URL resolver's match.
    cached_view.public_parameters = parameters or {}
    return cached_view


def _etag(current, digest):
    return f'"{current}-{digest[:20]}"'


def not_modified_early(environ):
    """The 304 that `public_page` would answer to this WSGI request, or None.

    Decided before Django builds its request and runs the middleware (mechatrec/wsgi.py), which
    is most of a 304's cost (bench/README.md, "The early 304"): the same checks as `public_page`
    (GET or HEAD, no session cookie, a public page's recognised parameters, a host Django
    accepts) and the same ETag, without the database. The version may be up to
    RECENT_VERSION_SECONDS old (`_recent_version`). Anything else, or any doubt, is None: Django
    answers as usual.
    """
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not environ.get("HTTP_IF_NONE_MATCH"):
        return None
    if settings.SESSION_COOKIE_NAME in parse_cookie(environ.get("HTTP_COOKIE", "")):
        return None
    request = WSGIRequest(environ)
    parameters = _public_parameters(request.path_info)
    if parameters is None:
        return None
    query, storable = canonical_query(request.GET, parameters)
    if not storable:
        return None
    request.META["QUERY_STRING"] = query
    try:
        address = request.build_absolute_uri()
    except DisallowedHost:
        return None
    etag = _etag(_recent_version(), hashlib.sha256(address.encode()).hexdigest())
    if etag not in parse_etags(environ["HTTP_IF_NONE_MATCH"]):
        return None
    return _shared(HttpResponseNotModified(), etag)


@lru_cache(maxsize=4096)
def _public_parameters(path):
    """The recognised parameters of the public page at `path`, or None: the URL resolver's
    answer, which does not change while the process runs."""
    language = get_language_from_path(path)
    if language is None:
        return None
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, "public_parameters", None)


# A revalidation may be judged on a version this old: the shared cache's version is one network
# round trip, as much as the rest of an early 304 (bench/README.md). A change saved through
# another process therefore reaches revalidating proxies and browsers up to this much later;
# one saved through this process at once (_new_version forgets it), and staff (with a session)
# never take this path.
RECENT_VERSION_SECONDS = 1.0
_recent = {"read_at": float("-inf"), "version": None}


def forget_recent_version():
    _recent["read_at"] = float("-inf")


def _recent_version():
    now = time.monotonic()
    if now - _recent["read_at"] > RECENT_VERSION_SECONDS:
        _recent["version"], _recent["read_at"] = version(), now
    return _recent["version"]
