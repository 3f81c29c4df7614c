"""What the directory page prints, worked out once per page in Python.

The templates keep the markup; this module hands them plain strings. A value a template would
otherwise compute for every card or facet option (a `reverse()`, a translated label, a localized
name, a thumbnail lookup) is computed here once per page, or once per card with the per-page
parts already known. Rendering a page of cards through `{% include %}`, `{% url %}` and
`{% blocktranslate %}` per card cost about as much as the rest of the request together.
"""

import logging
from collections import namedtuple
from dataclasses import dataclass
from html import escape

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext
from sorl.thumbnail import get_thumbnail

from .filters import choice_labels, page_language
from .models import LocalizedText, Member, competence_ids_by_member, localized_variant

logger = logging.getLogger(__name__)

CARD_LOGO = "96x96"
CARD_TAGS = 4  # competences shown on a card; the rest are counted ("+2 more")


def count_text(number):
    """A count as the page shows it: '1.234' in Romanian, '1,234' in English (`intcomma`)."""
    return count_formatter()(number)


def count_formatter():
    """`count_text` for many numbers, the language's thousands separator looked up once.

    Below 1,000 no language groups digits; above, both languages group by threes, as `intcomma`.
    """
    separator = get_format("THOUSAND_SEPARATOR")
    return lambda number: str(number) if 0 <= number < 1000 else f"{number:,}".replace(",", separator)


def url_with_slug(viewname):
    """slug → URL of `viewname` in the active language, for many slugs at the price of one reverse().

    Slugs are URL-safe as they are (`<slug:…>` accepts only ASCII letters, digits, - and _), so
    putting one in the reversed pattern's place gives exactly what `reverse()` would.
    """
    marker = "slug-marker"
    prefix, suffix = reverse(viewname, kwargs={"slug": marker}).split(marker)
    return lambda slug: f"{prefix}{slug}{suffix}"


# --- Logos --------------------------------------------------------------------------------------

Thumbnail = namedtuple("Thumbnail", "url width height")
_thumbnails = {}  # (logo file name, geometry) → Thumbnail, per process
_MAX_THUMBNAILS = 20_000


def logo_thumbnail(logo, geometry):
    """The PNG thumbnail of a logo (its FieldFile or file name) as (url, width, height), or None.

    sorl-thumbnail looks each thumbnail up in its key-value store on every call (a cache read,
    JSON, a storage object): 24 times for a page of cards. Remembering the answer in the process
    is safe because a logo's file name is generated for each upload and never reused
    (members.models.logo_upload_to), so a name always means the same image; a new logo is a new
    name. Failures are not remembered, so a missing file is retried.
    """
    name = getattr(logo, "name", logo)
    key = (name, geometry)
    if key not in _thumbnails:
        if isinstance(logo, str):  # a file name, as in Member.objects.card_rows()
            field = Member._meta.get_field("logo")
            logo = field.attr_class(None, field, name)
        try:
            image = get_thumbnail(logo, geometry, format="PNG")
            size = image.size  # None when the source could not be read
        except Exception:  # noqa: BLE001 (as the {% thumbnail %} tag: no image rather than a 500)
            logger.exception("Thumbnail of %s failed", name)
            return None
        if not size:
            return None
        if len(_thumbnails) >= _MAX_THUMBNAILS:
            _thumbnails.clear()
        _thumbnails[key] = Thumbnail(image.url, *size)
    return _thumbnails[key]


# --- Member cards -------------------------------------------------------------------------------


@dataclass(slots=True)
class Card:
    """One member as the directory's card shows it (templates/members/_member_cards.html)."""

    url: str
    name: str
    initial: str  # the placeholder letter when there is no logo
    meta: str  # "Catalyzer · Voluntari"
    logo: Thumbnail | None
    logo_alt: str
    text: LocalizedText | None  # the short description, None when there is none
    fallback_note: str  # "Available in Romanian only." when the text is in the other language
    tags: list  # the first CARD_TAGS competence names
    more_tags: str  # "+2 more", or "" when every competence is shown
    offers_subcontracting: bool
    seeks_partners: bool


FALLBACK_NOTES = {
    "ro": lambda: gettext("Available in Romanian only."),
    "en": lambda: gettext("Available in English only."),
}


def member_cards(members, competences):
    """The cards of a page of members: rows of `Member.objects.card_rows()`; one more query.

    `competences` is {id: Competence} of every competence (the filters' reference data): it
    supplies the names of each member's competences, so no Competence row is read or built
    again for each member, as prefetch_related would.
    """
    members = list(members)
    listed_ids = competence_ids_by_member(member["pk"] for member in members)
    profile_url = url_with_slug("members:profile")
    language = page_language()
    categories = {code: capfirst(label) for code, label in choice_labels(Member.Category, language).items()}
    notes = {code: note() for code, note in FALLBACK_NOTES.items()}
    logo_alt = gettext("Logo of %(name)s")  # translated once: a gettext costs ~20,000 instructions
    cards = []
    for member in members:
        name = member["name"]
        meta = categories[member["category"]]
        if member["locality_name"] is not None:
            meta = f"{meta} · {member['locality_name']}"
        logo = logo_thumbnail(member["logo"], CARD_LOGO) if member["logo"] else None
        text = localized_variant(member["short_description_ro"], member["short_description_en"], language)
        listed = sorted((competences[pk] for pk in listed_ids.get(member["pk"], ())), key=_by_english_name)
        tags = [competence.name_in(language) for competence in listed]
        hidden = len(tags) - CARD_TAGS
        cards.append(
            Card(
                url=profile_url(member["slug"]),
                name=name,
                initial=name[:1],
                meta=meta,
                logo=logo,
                logo_alt=logo_alt % {"name": name} if logo else "",
                text=text or None,
                fallback_note=notes[text.language] if text.is_fallback else "",
                tags=tags[:CARD_TAGS],
                more_tags=ngettext("+%(counter)s more", "+%(counter)s more", hidden) % {"counter": hidden}
                if hidden > 0
                else "",
                offers_subcontracting=member["offers_subcontracting"],
                seeks_partners=member["seeks_partners"],
            )
        )
    return cards


def _by_english_name(competence):
    return competence.name_en


# --- Card markup --------------------------------------------------------------------------------
# The cards' markup (formerly a loop in templates/members/_member_cards.html, which still holds
# the list around them). Some 290 template variables a page cost more than the queries behind
# them; formatting here with html.escape (what Django's autoescape does for plain strings) is a
# small fraction of that. Every text from the database or a translation goes through `escape`;
# the rest are fixed strings and numbers.


def _card_html(card, labels, language):
    if card.logo:
        logo = (
            f'<img src="{escape(card.logo.url)}" width="{card.logo.width}" height="{card.logo.height}"'
            f' alt="{escape(card.logo_alt)}" loading="lazy">'
        )
    else:
        logo = f'<span class="logo-placeholder" aria-hidden="true">{escape(card.initial)}</span>'
    parts = [
        '<li>\n<article class="member-card">\n  <div class="card-logo">\n    ',
        logo,
        '\n  </div>\n  <div class="card-body">\n',
        f'    <h3 class="card-title"><a href="{escape(card.url)}">{escape(card.name)}</a></h3>\n',
        f'    <p class="card-meta">{escape(card.meta)}</p>\n',
    ]
    if card.text:
        if card.fallback_note:
            parts.append(
                f'    <div class="member-text" lang="{escape(card.text.language)}">\n'
                f'      <p class="fallback-note" lang="{escape(language)}">{escape(card.fallback_note)}</p>\n'
            )
        else:
            parts.append('    <div class="member-text">\n')
        parts.append(f'      <p class="card-text">{escape(card.text.text)}</p>\n    </div>\n')
    if card.tags:
        tags = "".join(f"<li>{escape(tag)}</li>" for tag in card.tags)
        more = f'<li class="more">{escape(card.more_tags)}</li>' if card.more_tags else ""
        parts.append(
            f'    <ul class="tags" aria-label="{labels["competences"]}">\n'
            f"      {tags}\n      {more}\n    </ul>\n"
        )
    if card.offers_subcontracting or card.seeks_partners:
        parts.append('    <p class="badges">\n')
        if card.offers_subcontracting:
            parts.append(f'      <span class="badge">{labels["offers_subcontracting"]}</span>\n')
        if card.seeks_partners:
            parts.append(f'      <span class="badge">{labels["seeks_partners"]}</span>\n')
        parts.append("    </p>\n")
    parts.append("  </div>\n</article></li>")
    return "".join(parts)


def cards_html(cards):
    """The <li> of each card, as safe HTML (see _card_html)."""
    labels = {
        "competences": escape(gettext("Competences")),
        "offers_subcontracting": escape(gettext("Offers subcontracting")),
        "seeks_partners": escape(gettext("Seeks project partners")),
    }
    language = get_language()
    return mark_safe("".join(_card_html(card, labels, language) for card in cards))  # noqa: S308 (escaped above)
