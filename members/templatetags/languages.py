"""Links between the Romanian and English versions of a page (the switcher, hreflang links)."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language

from members.languages import path_in_language

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in_language(context, language_code, absolute=False):
    """This page's URL in `language_code`, keeping the filters, search and page number."""
    request = context["request"]
    url = path_in_language(request.get_full_path(), language_code)
    return request.build_absolute_uri(url) if absolute else url


@register.simple_tag(takes_context=True)
def language_versions(context):
    """[(code, name, switch url, absolute page url)] for every language.

    The switch URL goes through `switch_language`, which remembers the choice; the absolute page
    URL is the other version itself, for the hreflang and canonical links.
    """
    request = context.get("request")
    if request is None:  # the 500 page is rendered without a request: no links
        return []
    try:
        return [
            (
                code,
                name,
                f"{reverse('switch_language', args=[code])}?{urlencode({'next': request.get_full_path()})}",
                page_in_language(context, code, absolute=True),
            )
            for code, name in settings.LANGUAGES
        ]
    except DisallowedHost:  # the 400 page for a forged Host header must still render
        return []


@register.filter
def month_and_year(value):
    """'March 2019' in English, 'martie 2019' in Romanian.

    Romanian writes month names in lower case, but Django's Romanian catalogue capitalises them.
    """
    if not value:
        return ""
    text = date_format(value, "YEAR_MONTH_FORMAT")
    return text.lower() if get_language() == "ro" else text
