"""Template helpers for the public pages."""

import logging

from django import template
from django.core.files.storage import default_storage
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.translation import gettext

from members import display

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag
def logo_thumbnail(member, geometry):
    """The member's logo thumbnail as {url, width, height}, or None: read from what was stored
    when the logo was saved (members.logos.make_thumbnails); no image is opened here."""
    made = (member.logo_thumbnails or {}).get(geometry) if member.logo else None
    if not made:
        return None
    name, width, height = made
    return {"url": default_storage.url(name), "width": width, "height": height}


@register.filter
def thousands(number):
    """12345 as "12.345" on Romanian pages and "12,345" on English ones, as Django's intcomma
    writes it, for the hundred counts of a directory page."""
    return f"{number:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


@register.simple_tag
def protected_email(address):
    """An e-mail address as 'office [at] example.ro', never as the raw address in the HTML.

    Harvesters read page sources; people read the text form, and static/js/contact.js turns the
    data attributes back into a mailto link for visitors with JavaScript.
    """
    user, at, domain = (address or "").partition("@")
    if not at:
        return ""
    return format_html(
        '<span class="email" data-email-user="{}" data-email-domain="{}">{} [{}] {}</span>',
        user,
        domain,
        user,
        gettext("at"),
        domain,
    )


# The display helpers (members.display) as filters: stored values stay as entered.
register.filter("place", display.place_name)
register.filter("role_in_english", display.role_in_english)
register.filter("initials", display.initials)
register.filter("tel", display.tel_address)
register.filter("localities_heading", display.localities_heading)


@register.filter
def page_links(page):
    """The page numbers a pagination shows: the first, the last and those next to `page`, with
    Paginator.ELLIPSIS for the gaps (1 … 4 5 6 … 12)."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
