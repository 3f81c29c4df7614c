import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mechatrec.settings")
django_application = get_wsgi_application()

from members.cache import not_modified_early  # noqa: E402 (needs the settings loaded above)


def application(environ, start_response):
    """Django, except for revalidations of public pages that are still current: those are
    answered 304 here, before the middleware (members.cache.not_modified_early)."""
    not_modified = not_modified_early(environ)
    if not_modified is None:
        return django_application(environ, start_response)
    start_response("304 Not Modified", list(not_modified.items()))
    return []
