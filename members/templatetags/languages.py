"""Links between the Romanian and English versions of a page.

The filter and sort parameters are the same in both languages, so the other version of a page is
the same path under the other language prefix with the same query string.
"""

from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in_language(context, language_code, absolute=False):
    """This page's URL in `language_code`, keeping the filters, search and page number."""
    request = context["request"]
    path = translate_url(request.path, language_code)
    query = request.GET.urlencode()
    url = f"{path}?{query}" if query else path
    return request.build_absolute_uri(url) if absolute else url


@register.simple_tag(takes_context=True)
def language_versions(context):
    """[(code, name, url, absolute url)] for every language, for the switcher and hreflang links."""
    return [
        (code, name, page_in_language(context, code), page_in_language(context, code, absolute=True))
        for code, name in settings.LANGUAGES
    ]
