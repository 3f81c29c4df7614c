"""Template helpers for the public pages."""

from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from members import presentation
from members.presentation import count_formatter, count_text

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


@register.simple_tag
def logo_thumbnail(logo, geometry):
    """The logo's PNG thumbnail (url, width, height) or None; see presentation.logo_thumbnail."""
    return presentation.logo_thumbnail(logo, geometry) if logo else None


def _facet_option(name, option, count_text=count_text):
    empty = option.disabled
    label = str(option.label)  # capitalised here: capfirst's lazy-aware wrapper cost more
    label = label[:1].upper() + label[1:]
    # Built with html.escape rather than format_html: ninety options a page, and format_html's
    # lazy-aware escaping of every argument cost more than the rest of the filter panel. Only
    # the value and the label are text; the rest are fixed strings and a number.
    return (
        f'<label class="facet-option{" is-empty" if empty else ""}">'
        f'<input type="checkbox" name="{name}" value="{escape(str(option.value))}"'
        f"{' checked' if option.selected else ''}{' disabled' if empty else ''}>"
        f'<span class="facet-label">{escape(label)}</span> '
        f'<span class="facet-count">{count_text(option.count)}</span></label>'
    )


@register.simple_tag
def facet_option(name, option):
    """One checkbox with its count; an option that would give an empty list is disabled unless chosen.

    About ninety per directory page: formatted here rather than by an {% include %} each, which
    cost more than the rest of the page together. `name` is a parameter name (a constant in
    the template), never visitor input.
    """
    return mark_safe(_facet_option(name, option))  # noqa: S308 (text escaped in _facet_option)


@register.simple_tag
def facet_options(name, options):
    """`facet_option` for each of `options`, in one tag (no template loop per option)."""
    count_text = count_formatter()
    return mark_safe("".join(_facet_option(name, option, count_text) for option in options))  # noqa: S308 (as above)


@register.simple_tag
def member_cards(cards):
    """The directory's cards (members.presentation.Card) as list items; see presentation.cards_html."""
    return presentation.cards_html(cards)


@register.simple_tag
def competence_fieldsets(groups):
    """Each competence group as a fieldset of its options: one tag for the eight groups.

    As a template loop (a fieldset, a legend and a `facet_options` per group) this and
    `place_fieldsets` cost 4 % of a directory page's instructions (callgrind, 23.6 → 22.7 million).
    """
    count_text = count_formatter()
    return mark_safe(  # noqa: S308 (labels escaped here and in _facet_option)
        "".join(
            f'<fieldset class="facet-group">\n<legend>{escape(str(group.label))}</legend>\n'
            + "".join(_facet_option("competence", option, count_text) for option in group.options)
            + "\n</fieldset>\n"
            for group in groups
        )
    )


@register.simple_tag
def place_fieldsets(counties):
    """Each county's checkbox, then its localities in a <details> (open when one is chosen)."""
    count_text = count_formatter()
    localities_in = gettext("Localities in %(county)s")
    parts = []
    for county in counties:
        summary = localities_in % {"county": county.label}
        parts.append(
            _facet_option("county", county, count_text)
            + f'\n<details class="localities"{" open" if county.has_selected_option else ""}>\n'
            + f"<summary>{escape(summary)}</summary>\n"
            + "".join(_facet_option("locality", option, count_text) for option in county.options)
            + "\n</details>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 (as above)
