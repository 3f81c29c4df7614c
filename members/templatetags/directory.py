"""Template helpers for the public pages."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


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
