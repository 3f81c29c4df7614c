"""A member's public organisation data as a vCard 3.0 (RFC 2426), the version every address book
imports (Outlook, Apple Contacts, Android, Thunderbird).

Only what the profile shows about the organisation: never a contact person, whatever their
consent (a card is meant to be copied into other systems, where a withdrawn consent cannot follow).
"""

import datetime

from django.utils.translation import gettext

# RFC 2426 §4: backslash, comma, semicolon and new lines are escaped in text values.
_ESCAPES = str.maketrans({"\\": "\\\\", ",": "\\,", ";": "\\;", "\n": "\\n", "\r": ""})
LINE_OCTETS = 75  # RFC 2425 §5.8.1: longer lines are folded


def escape(value):
    return str(value or "").translate(_ESCAPES)


def fold(line):
    """The line cut into pieces of at most LINE_OCTETS bytes of UTF-8 (never inside a character),
    each after the first starting with a space."""
    pieces, piece = [], ""
    for character in line:
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1  # the leading space counts
        if len((piece + character).encode()) > limit:
            pieces.append(piece)
            piece = ""
        piece += character
    pieces.append(piece)
    return "\r\n ".join(pieces)


def member_vcard(member, profile_url, card_url):
    """The card's text. `member` has its locality loaded; `profile_url` and `card_url` are the
    absolute addresses of its profile and of this card."""
    locality = member.locality
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{escape(member.name)}",
        "N:;;;;",  # an organisation has no person's name; N is required in 3.0
        f"ORG:{escape(member.name)}",
        "X-ABSHOWAS:COMPANY",  # Apple Contacts then files it as a company, not a person
    ]
    if member.address or locality or member.postal_code:
        parts = [
            "",  # post office box
            "",  # extended address
            member.address,
            locality.name if locality else "",
            locality.county if locality else "",
            member.postal_code,
            gettext("Romania"),
        ]
        lines.append("ADR;TYPE=WORK:" + ";".join(escape(part) for part in parts))
    if member.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{escape(member.phone)}")
    if member.email:  # the organisation's public address (the profile shows it too)
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{escape(member.email)}")
    lines.append(f"URL:{escape(member.website or profile_url)}")
    note = [
        member.localized("short_description"),
        gettext("MECHATREC member profile: %(url)s") % {"url": profile_url},
    ]
    lines.append("NOTE:" + escape("\n".join(text for text in note if text)))
    lines.append(f"SOURCE:{escape(card_url)}")  # where the card can be fetched again
    lines.append(f"UID:{escape(profile_url)}")
    lines.append(f"REV:{member.updated_at.astimezone(datetime.UTC):%Y-%m-%dT%H:%M:%SZ}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)
