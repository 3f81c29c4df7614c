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
def language_versions(context):
    """[(code, name, switch url, absolute page url)] for every language.

    The switch URL goes through `switch_language`, which remembers the choice; the current
    language has none (the switcher shows it as plain text). The absolute page URL is the other
    version itself, for the hreflang and canonical links. base.html asks once per page; the
    switcher and the hreflang links share the answer.
    """
    request = context.get("request")
    if request is None:  # the 500 page is rendered without a request: no links
        return []
    try:
        origin = request.build_absolute_uri("/")[:-1]  # scheme and host, checked once
    except DisallowedHost:  # the 400 page for a forged Host header must still render
        return []
    path = request.get_full_path()
    next_query = urlencode({"next": path})
    current = get_language()
    return [
        (
            code,
            name,
            f"{reverse('switch_language', args=[code])}?{next_query}" if code != current else None,
            origin + path_in_language(path, code),
        )
        for code, name in settings.LANGUAGES
    ]


@register.filter
def month_and_year(value):
    """'March 2019' in English, 'martie 2019' in Romanian.

    Romanian writes month names in lower case, but Django's Romanian catalogue capitalises them.
    """
    if not value:
        return ""
    text = date_format(value, "YEAR_MONTH_FORMAT")
    return text.lower() if get_language() == "ro" else text
