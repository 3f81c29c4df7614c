"""Template helpers for the public pages."""

import logging

from django import template
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.translation import gettext
from sorl.thumbnail import get_thumbnail

register = template.Library()
logger = logging.getLogger(__name__)

# (logo file name, geometry) → (url, width, height). A logo's file name is generated for each
# upload and never reused (members.models.logo_upload_to), so a name always means the same
# image; remembering its thumbnail spares sorl-thumbnail's key-value lookup on every card.
_thumbnails = {}
_MAX_THUMBNAILS = 20_000


@register.simple_tag
def logo_thumbnail(logo, geometry):
    """The logo's PNG thumbnail as (url, width, height), or None (no logo, unreadable file)."""
    if not logo:
        return None
    key = (logo.name, geometry)
    if key not in _thumbnails:
        try:
            image = get_thumbnail(logo, geometry, format="PNG")
            if not image.size:  # the source could not be read; retried on the next page
                return None
        except Exception:  # noqa: BLE001 (as sorl's {% thumbnail %}: no image rather than a 500)
            logger.exception("Thumbnail of %s failed", logo.name)
            return None
        if len(_thumbnails) >= _MAX_THUMBNAILS:
            _thumbnails.clear()
        _thumbnails[key] = (image.url, *image.size)
    url, width, height = _thumbnails[key]
    return {"url": url, "width": width, "height": height}


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
