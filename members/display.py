"""How stored text reads on a page: Bucharest's sectors and known contact roles in English on
English pages, a member's initials where it has no logo, a phone number as a tel: address.

The database keeps what was entered (Romanian place names, roles as typed); only the page
changes, so imports, exports and searches see the same values as before.
"""

import re

from django.utils.text import slugify
from django.utils.translation import get_language, gettext

from .text import fold

BUCHAREST = "București"
_SECTOR = re.compile(r"^Sectorul (\d)$")

# The roles the cluster's forms and demo data use (members.demo_data.ROLES, FIRST_ROLE), by their
# folded Romanian text. A role typed otherwise is shown as typed, with no English label.
ROLES_IN_ENGLISH = {
    fold(role): english
    for role, english in [
        ("Director general", "General manager"),
        ("Director executiv", "Executive director"),
        ("Director", "Director"),
        ("Administrator", "Managing director"),
        ("Președinte", "President"),
        ("Vicepreședinte", "Vice-president"),
        ("Director tehnic", "Technical director"),
        ("Director științific", "Scientific director"),
        ("Manager de proiect", "Project manager"),
        ("Responsabil vânzări", "Sales manager"),
        ("Inginer-șef", "Chief engineer"),
        ("Responsabil calitate", "Quality manager"),
        ("Cercetător științific", "Research scientist"),
        ("Responsabil transfer tehnologic", "Technology transfer officer"),
        ("Șef de laborator", "Head of laboratory"),
        ("Consilier pentru inovare", "Innovation adviser"),
        ("Șef serviciu programe", "Head of programmes"),
        ("Expert fonduri europene", "EU funding expert"),
        ("Coordonator de programe", "Programme coordinator"),
        ("Manager de comunitate", "Community manager"),
        ("Responsabil parteneriate", "Partnerships manager"),
    ]
}

# Legal forms and joining words are no part of a name's initials ("Alfa Tech SRL" is "AT").
_NOT_INITIALS = {
    "srl",
    "sa",
    "sca",
    "snc",
    "pfa",
    "ii",
    "if",
    "ong",
    "ra",
    "de",
    "si",
    "din",
    "pentru",
    "a",
    "al",
    "la",
    "sc",
}


def english_page():
    return (get_language() or "ro")[:2] == "en"


def place_name(name):
    """'Sectorul 3' as 'Sector 3' and 'București' as 'Bucharest' on English pages; any other
    locality or county by its own name, which English writes the same way (Voluntari, Ilfov)."""
    if not name or not english_page():
        return name
    if name == BUCHAREST:
        return "Bucharest"
    return _SECTOR.sub(r"Sector \1", name)


def role_in_english(role):
    """The English label of a known role on English pages, otherwise ''."""
    if not role or not english_page():
        return ""
    english = ROLES_IN_ENGLISH.get(fold(role), "")
    return "" if fold(english) == fold(role) else english  # "Director" needs no second "Director"


def initials(name):
    """Up to two letters standing in for a missing logo: 'Institutul Național de Optoelectronică'
    → 'IN', 'Alfa Tech S.R.L.' → 'AT', 'Mecanica' → 'M'."""
    found = [
        word
        for word in re.findall(r"[^\W_]+", name or "")
        if len(word) > 1 and fold(word) not in _NOT_INITIALS  # "S.C." is no initial
    ]
    if not found:
        return (name or "?")[:1].upper()
    return "".join(word[0] for word in found[:2]).upper()


def tel_address(phone):
    """'+40 21 555 01 23' → '+40215550123' for a tel: link (digits and a leading plus only).
    Of '021 555 0101 int. 12' or '0721 000 000 / 0722 000 000' the first number is dialled."""
    first = re.split(r"[^\d\s+().-]", phone or "", maxsplit=1)[0]
    digits = re.sub(r"[^\d+]", "", first) or re.sub(r"[^\d+]", "", phone or "")  # "Tel. 021…"
    return digits[:1] + digits[1:].replace("+", "")


def localities_heading(county):
    """The heading over a county's localities in the filter panel: Bucharest has sectors
    ("Sectoarele Bucureștiului"), any other county localities. `county` is its facet option."""
    if county.value == slugify(fold(BUCHAREST)):
        return gettext("Bucharest's sectors")
    return gettext("Localities in %(county)s") % {"county": county.label}
