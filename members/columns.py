"""The spreadsheet columns: one list shared by the public exports, the admin export and the importer.

A file exported from the directory can be imported back unchanged, so the names and the way each
value is written out live here once.
"""

from .dimensions import MANY

# The documented import/export format, in this order (README, "Spreadsheet format"); each
# many-valued dimension (competences…) is a column of slugs after the size.
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
    *(dimension.export_column for dimension in MANY),
    "short_description_ro",
    "short_description_en",
    "description_ro",
    "description_en",
    "offers_subcontracting",
    "seeks_partners",
    "member_since",
    "published",
]

# The public CSV/JSON exports: every column but the organisation's e-mail address. Profile pages
# keep addresses out of their source so scrapers cannot harvest them; a one-click file of every
# address would undo that. The staff export and the importer keep `email`, so the admin's round
# trip is unchanged, and a public file imported back leaves e-mail addresses as they are (an
# absent column changes nothing). Contact persons are in neither list.
PUBLIC_COLUMNS = [column for column in COLUMNS if column != "email"]

# Cells starting with these are read as formulas by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Prefix a cell that a spreadsheet would execute with an apostrophe, so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def yes_no(value):
    return "yes" if value else "no"


# Where each column's value comes from, as a `values()` lookup on Member.
SOURCES = {
    "name": "name",
    "category": "category",
    "fiscal_code": "fiscal_code",
    "website": "website",
    "email": "email",
    "phone": "phone",
    "address": "address",
    "postal_code": "postal_code",
    "locality": "locality__name",
    "county": "locality__county",
    "founded": "founded",
    "size": "size",
    "short_description_ro": "short_description_ro",
    "short_description_en": "short_description_en",
    "description_ro": "description_ro",
    "description_en": "description_en",
    "offers_subcontracting": "offers_subcontracting",
    "seeks_partners": "seeks_partners",
    "member_since": "member_since",
    "published": "is_published",
    "slug": "slug",  # in no file's columns: the Excel export builds each profile's address from it
}
_FLAGS = {"offers_subcontracting", "seeks_partners", "published"}


def format_row(values, slugs, columns=COLUMNS):
    """The one way a member is written out: `values` maps SOURCES lookups to raw field values,
    `slugs` each many-valued column to the member's slugs in it."""
    row = {}
    for column in columns:
        if column in slugs:
            row[column] = "; ".join(slugs[column])
            continue
        value = values[SOURCES[column]]
        if column in _FLAGS:
            value = yes_no(value)
        elif column == "member_since":
            value = value.isoformat() if value else ""
        elif value is None:
            value = ""
        row[column] = value
    return row


def member_row(member):
    """One member as a dict of COLUMNS → text. Uses `member.locality` and its reference rows:
    pass members from `for_directory()` (locality joined, reference rows prefetched)."""
    locality = member.locality
    values = {source: getattr(member, source, None) for source in SOURCES.values() if "__" not in source}
    values["locality__name"] = locality.name if locality else ""
    values["locality__county"] = locality.county if locality else ""
    slugs = {d.export_column: [row.slug for row in getattr(member, d.field).all()] for d in MANY}
    return format_row(values, slugs)


def export_rows(queryset, chunk_size=2000, columns=COLUMNS):
    """`member_row()` (only `columns`) for every member of `queryset`, in its order, without
    building model instances: one query per chunk for the members (server-side cursor on
    PostgreSQL) and one per many-valued column for their slugs. This is what lets a 100,000-row
    export stream quickly in little memory. A column left out is not even read."""
    sources = [SOURCES[column] for column in columns if column in SOURCES]
    rows = queryset.prefetch_related(None).values("pk", *sources)
    chunk = []
    for values in rows.iterator(chunk_size=chunk_size):
        chunk.append(values)
        if len(chunk) == chunk_size:
            yield from _format_chunk(chunk, columns)
            chunk = []
    if chunk:
        yield from _format_chunk(chunk, columns)


def _format_chunk(chunk, columns):
    slugs = {
        values["pk"]: {d.export_column: [] for d in MANY if d.export_column in columns} for values in chunk
    }
    for d in MANY:
        if d.export_column in columns:
            links = d.through.objects.filter(member_id__in=slugs).values_list(
                "member_id", f"{d.link_field}__slug"
            )
            # In the order member.competences.all() gives (the reference model's own ordering).
            for member_id, slug in links.order_by(
                *(f"{d.link_field}__{key}" for key in d.model._meta.ordering)
            ):
                slugs[member_id][d.export_column].append(slug)
    for values in chunk:
        yield format_row(values, slugs[values["pk"]], columns)
