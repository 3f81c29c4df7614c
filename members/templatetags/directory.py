"""Template helpers for the public pages."""

import logging
from collections import namedtuple

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from sorl.thumbnail import get_thumbnail

register = template.Library()
logger = logging.getLogger(__name__)


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


Thumbnail = namedtuple("Thumbnail", "url width height")
_thumbnails = {}  # (logo file name, geometry) → Thumbnail, per process
_MAX_THUMBNAILS = 20_000


@register.simple_tag
def logo_thumbnail(logo, geometry):
    """The PNG thumbnail of a logo as (url, width, height), or None when it cannot be made.

    sorl-thumbnail looks each thumbnail up in its key-value store on every call (a cache read,
    JSON, a storage object): 24 times for a page of cards. Remembering the answer in the process
    is safe because a logo's file name is generated for each upload and never reused
    (members.models.logo_upload_to), so a name always means the same image; a new logo is a new
    name. Failures are not remembered, so a missing file is retried.
    """
    key = (logo.name, geometry)
    if key not in _thumbnails:
        try:
            image = get_thumbnail(logo, geometry, format="PNG")
            size = image.size  # None when the source could not be read
        except Exception:  # noqa: BLE001 (as the {% thumbnail %} tag: no image rather than a 500)
            logger.exception("Thumbnail of %s failed", logo.name)
            return None
        if not size:
            return None
        if len(_thumbnails) >= _MAX_THUMBNAILS:
            _thumbnails.clear()
        _thumbnails[key] = Thumbnail(image.url, *size)
    return _thumbnails[key]


@register.simple_tag
def facet_option(name, option):
    """One checkbox with its count; an option that would give an empty list is disabled unless chosen.

    About ninety per directory page: formatted here rather than by an {% include %} each, which
    cost more than the rest of the page together.
    """
    return format_html(
        '<label class="facet-option{}"><input type="checkbox" name="{}" value="{}"{}{}>'
        '<span class="facet-label">{}</span> <span class="facet-count">{}</span></label>',
        " is-empty" if option.disabled else "",
        name,
        option.value,
        " checked" if option.selected else "",
        " disabled" if option.disabled else "",
        capfirst(option.label),
        intcomma(option.count),  # "1.234" in Romanian, "1,234" in English
    )
