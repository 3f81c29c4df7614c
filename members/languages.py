"""Which URL is "this page in the other language", and remembering a visitor's choice.

The filter and sort parameters are the same in both languages, so the other version of a page is
the same path under the other language prefix with the same query string.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def path_in_language(path, language_code):
    """`path` (a path of this site, query string allowed) in `language_code`.

    Our URL patterns are the same words in every language (only the /ro/ or /en/ prefix
    differs), so swapping the prefix gives what `translate_url` would, without resolving and
    reversing the path on every page. It also serves a path no pattern knows (a 404), so the
    switcher on an error page leads to the same address in the other language. Paths without a
    language prefix (the admin) go through `translate_url`.
    """
    for code in LANGUAGE_CODES:
        if path == f"/{code}" or path.startswith((f"/{code}/", f"/{code}?")):
            return f"/{language_code}{path[len(code) + 1 :]}"
    return translate_url(path, language_code)


@require_safe
def switch_language(request, language_code):
    """The language switcher's link: remember the choice in a cookie, then show `next` in it.

    A plain link (not Django's POST-only `set_language`), so the switcher needs no form and no
    CSRF cookie on public pages. `next` must be a path of this site; anything else leads home.
    """
    if language_code not in LANGUAGE_CODES:
        raise Http404("Unknown language")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ) or not target.startswith("/"):
        with translation.override(language_code):
            target = reverse("members:home")
    response = HttpResponseRedirect(path_in_language(target, language_code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language_code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
