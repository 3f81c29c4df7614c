"""Graceful failure when the database is unreachable."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

# Seconds a client (or a CDN) should wait before trying again; a restart of PostgreSQL or a
# fail-over usually takes well under a minute.
RETRY_AFTER_SECONDS = 30


def service_unavailable():
    """The 503 page, rendered without touching the database (no request context processors)."""
    try:
        body = loader.get_template("503.html").render({})
        content_type = "text/html; charset=utf-8"
    except Exception:
        # The page must go out even if the template itself fails; nothing here is worth a 500.
        logger.exception("The 503 page could not be rendered")
        body = gettext("The directory is temporarily unavailable. Please try again in a few minutes.")
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 + Retry-After instead of a 500 when a view cannot reach the database.

    PostgreSQL's connect_timeout (DB_CONNECT_TIMEOUT, 3 s) bounds how long a worker waits before
    the OperationalError arrives here. A query cancelled by the statement timeout is an
    OperationalError too: an overloaded database also earns "try again shortly", not a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            # The error class only: its text may contain host names and user names.
            logger.error("Database unavailable (%s) while serving a page", type(exception).__name__)
            return service_unavailable()
        return None


class NulCharactersMiddleware:
    """An admin address with a NUL character in its query string is a 400: PostgreSQL refuses NUL
    in any text ("A string literal cannot contain NUL"), so a list filter given `%00` would end
    in a 500. (The public directory's form explains such a search instead.)"""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix) and any(
            "\x00" in key + "".join(values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)


class PrivateByDefaultMiddleware:
    """An answer that says nothing about caching is `private, no-store`: only the public pages
    (members.cache.public_page) and static files say otherwise, so no page with a session, a
    form or personal data can ever be kept by a shared cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


# Answers outside /ro/ and /en/ that read the same in every language: the API gives both
# languages' texts side by side, the sitemaps list both languages' addresses.
SAME_IN_EVERY_LANGUAGE = ("/api/", "/sitemap", "/robots.txt")


class SameInEveryLanguageMiddleware:
    """Takes LocaleMiddleware's `Vary: Accept-Language` off the answers that do not depend on
    the language: Django adds it to every answer outside the language prefixes, and a CDN then
    keeps one copy of the API or the sitemap per browser language. Listed just before
    LocaleMiddleware, so it sees the answer after LocaleMiddleware has marked it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(SAME_IN_EVERY_LANGUAGE) and response.has_header("Vary"):
            kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
