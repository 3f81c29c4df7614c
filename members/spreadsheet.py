"""The directory as an Excel workbook, for people rather than for the importer.

The CSV and JSON exports write codes and slugs (they round-trip through the importer); this one
writes what a reader of the page sees: headers, categories, sizes, competence and certification
names and yes/no in the page's language, plus each profile's address. It reads the same rows as
the other exports (members.columns.export_rows), so it holds exactly the same members and fields.
"""

import io

from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .columns import PUBLIC_COLUMNS, SOURCES, export_rows
from .composition import category_plural
from .dimensions import BY_PARAM, DIMENSIONS, MANY
from .models import Member
from .text import fold

# The public columns but "published" (every row would say yes), then the profile's address.
COLUMNS = [column for column in PUBLIC_COLUMNS if column != "published"]
# Codes a spreadsheet would turn into numbers (dropping a postal code's leading 0, writing a
# phone number as 4.0215550101E10): written as text cells in the text number format.
TEXT_COLUMNS = {"fiscal_code", "phone", "postal_code"}
# Columns whose value is an option's code or slug, shown by the option's label instead.
LABELLED = {"category": "category", "size": "size"} | {d.export_column: d.param for d in MANY}
MANY_COLUMNS = {d.export_column for d in MANY}  # "slug; slug" (members.columns.format_row)
FLAGS = {"offers_subcontracting", "seeks_partners"}
WIDTHS = {"name": 40, "website": 30, "address": 30, "profile": 50} | dict.fromkeys(
    ["competences", "short_description_ro", "short_description_en", "description_ro", "description_en"], 50
)
MAX_FILE_NAME_WORDS = 80  # characters of the filter part of a file name


def column_label(column):
    """A spreadsheet column's name in the active language: the admin's field name ("Telefon" for
    phone), or the panel's legend for a many-valued column."""
    if column in MANY_COLUMNS:
        return str(BY_PARAM[LABELLED[column]].legend)
    if column == "county":
        return gettext("County")
    return str(capfirst(Member._meta.get_field(SOURCES[column].split("__")[0]).verbose_name))


def headers():
    """Each column's header in the active language, then the profile's address."""
    return [column_label(column) for column in COLUMNS] + [gettext("Profile")]


def file_name(filterset, today, extension="xlsx"):
    """'mechatrec-membri-intreprinderi-2026-12-01.xlsx': what was filtered, in the page's
    language, as plain ASCII (every browser and mail client keeps such a name intact). The CSV
    and JSON downloads are named the same way."""
    words = [gettext("members")]
    for dimension in DIMENSIONS:
        labels = {option.value: option.label for option in filterset.options[dimension.param]}
        if dimension.param == "category":  # "membri-intreprinderi": members who are enterprises
            labels = {code: category_plural(code) for code in labels}
        words += [labels[value] for value in filterset.chosen_values.get(dimension.param, [])]
    if filterset.query:
        words.append(filterset.query)
    described = slugify(fold(" ".join(words)))[:MAX_FILE_NAME_WORDS].strip("-")
    return f"mechatrec-{described}-{today.isoformat()}.{extension}"


def workbook(queryset, options, profile_url):
    """The members of `queryset` as .xlsx bytes. `options` are the filter's options in the page's
    language; `profile_url(slug)` gives a profile's absolute address. A write-only workbook keeps
    one row in memory at a time; the rows come in chunks (export_rows)."""
    label = {
        param: {option.value: option.label for option in options[param]} for param in set(LABELLED.values())
    }
    yes_no = {"yes": gettext("yes"), "no": gettext("no")}
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=gettext("Members"))
    sheet.freeze_panes = "A2"  # the headers stay in view while scrolling
    for index, column in enumerate([*COLUMNS, "profile"]):
        sheet.column_dimensions[get_column_letter(index + 1)].width = WIDTHS.get(column, 16)
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, font=bold) for header in headers()])
    for row in export_rows(queryset, columns=[*COLUMNS, "slug"]):
        cells = []
        for column in COLUMNS:
            value = row[column]
            if column in LABELLED:
                slugs = value.split("; ") if column in MANY_COLUMNS else [value]
                # In the order of the labels, as the profile lists them.
                value = "; ".join(sorted(label[LABELLED[column]].get(slug, slug) for slug in slugs if slug))
            elif column in FLAGS:
                value = yes_no[value]
            cells.append(_cell(sheet, value, text=column in TEXT_COLUMNS))
        cells.append(_cell(sheet, profile_url(row["slug"])))
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value, text=False, font=None):
    """A plain value where openpyxl writes it as it is (most cells: a styled cell costs about as
    much again to write); a cell object for text that must stay text and for the headers."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value) or None  # control characters make openpyxl refuse it
    if value is None or not (text or font or (isinstance(value, str) and value.startswith("="))):
        return value
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        # A string cell, always: openpyxl would store "=…" as a formula (CSV injection's twin).
        cell.data_type = "s"
    if text:
        cell.number_format = "@"
    if font:
        cell.font = font
    return cell
