"""The spreadsheet columns: one list shared by the public exports, the admin export and the importer.

A file exported from the directory can be imported back unchanged, so the names and the way each
value is written out live here once.
"""

# The documented import/export format, in this order (README, "Spreadsheet format").
COLUMNS = [
    "name",
    "category",
    "fiscal_code",
    "website",
    "email",
    "phone",
    "address",
    "postal_code",
    "locality",
    "county",
    "founded",
    "size",
    "competences",
    "short_description_ro",
    "short_description_en",
    "description_ro",
    "description_en",
    "offers_subcontracting",
    "seeks_partners",
    "member_since",
    "published",
]

# Cells starting with these are read as formulas by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Prefix a cell that a spreadsheet would execute with an apostrophe, so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def yes_no(value):
    return "yes" if value else "no"


def member_row(member):
    """One member as a dict of COLUMNS → text. Uses `member.locality` and `member.competences`:
    pass members from `for_directory()` (locality joined, competences prefetched)."""
    locality = member.locality
    return {
        "name": member.name,
        "category": member.category,
        "fiscal_code": member.fiscal_code,
        "website": member.website,
        "email": member.email,
        "phone": member.phone,
        "address": member.address,
        "postal_code": member.postal_code,
        "locality": locality.name if locality else "",
        "county": locality.county if locality else "",
        "founded": member.founded or "",
        "size": member.size,
        "competences": "; ".join(c.slug for c in member.competences.all()),
        "short_description_ro": member.short_description_ro,
        "short_description_en": member.short_description_en,
        "description_ro": member.description_ro,
        "description_en": member.description_en,
        "offers_subcontracting": yes_no(member.offers_subcontracting),
        "seeks_partners": yes_no(member.seeks_partners),
        "member_since": member.member_since.isoformat() if member.member_since else "",
        "published": yes_no(member.is_published),
    }
