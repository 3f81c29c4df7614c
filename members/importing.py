"""The spreadsheet import, once: read the file, match rows to members, preview, commit, revert.

The admin page and `manage.py import_members` both call `preview_file` and `import_file`; the
file format is the one `members.columns` writes, so an export imports back with no changes.

Why not django-import-export's import: the cluster manager needs a preview naming, per row,
each changed field with its old and new value and, per error, the row number *and* column;
matching on fiscal code *or* folded name; and a batch that can be reverted from the history.
import-export's dry run gives an HTML diff per row, errors without a column for non-model
parsing, and a single identity key, so bending it would cost more code than this module. Its
formats and admin flow are still used for the export (see `members.admin`).
"""

import csv
import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from . import counting
from .columns import COLUMNS, FORMULA_PREFIXES, SOURCES, yes_no
from .dimensions import MANY
from .models import (
    ImportBatch,
    Locality,
    Member,
    normalize_fiscal_code,
    reference_fields,
    validate_fiscal_code,
)
from .spreadsheet import column_label
from .text import comma_below, fold, name_key

# A spreadsheet of a few hundred members is well under this; bigger is a mistake or an attack.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# The template has 25; a row wider than this is no member list.
MAX_COLUMNS = 100
MAX_XLSX_UNPACKED_BYTES = 60 * 1024 * 1024
ANALYZE_AFTER = 500  # changed members, beyond which the tables' statistics are refreshed

# Column → Member field, for the columns that map to one model field as they are: the export's
# sources, with the locality read through its name (and county only used to find it).
SIMPLE_FIELDS = {column: source.split("__")[0] for column, source in SOURCES.items() if column != "county"}
# The many-valued columns (competences…): slugs or names, separated by ";".
REFERENCE_COLUMNS = {dimension.export_column: dimension for dimension in MANY}
BOOLEAN_WORDS = {
    "yes": True, "da": True, "1": True, "true": True,
    "no": False, "nu": False, "0": False, "false": False, "": False,
}  # fmt: skip
# Romanian labels accepted whether or not the translation catalogue is compiled.
CATEGORY_ALIASES = {
    "entitate de cercetare-dezvoltare": "rd",
    "entitate cd": "rd",
    "cercetare-dezvoltare": "rd",
    "autoritate publica": "public-authority",
    "catalizator": "catalyzer",
    "intreprindere": "enterprise",
    "firma": "enterprise",
}
SIZE_ALIASES = {
    "mica": "small",
    "medie": "medium",
    "mijlocie": "medium",
    "mare": "large",
    "microintreprindere": "micro",
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, no header, too big…)."""


class ImportRefused(Exception):
    """Nothing was imported: the file has errors, or the data changed since the preview."""

    def __init__(self, preview, message=None):
        super().__init__(message or _("The file has errors; nothing was imported."))
        self.preview = preview


@dataclass
class Change:
    column: str
    old: str
    new: str

    @property
    def label(self):
        return column_label(self.column)


@dataclass
class CellError:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("Row %(row)d, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Kept:
    """A field the file would set back to a value it had before someone changed it: the file
    was made (exported, or filled in) before that change. Kept unless the manager overwrites."""

    column: str
    today: str  # as shown
    file: str  # as shown
    user: str  # who made the change the file would undo
    when: datetime.datetime
    value: object  # the file's parsed value (reference rows for a many-valued column)

    def __str__(self):
        moment = timezone.localtime(self.when)
        at = moment.strftime("%H:%M" if moment.date() == timezone.localdate() else "%d.%m.%Y %H:%M")
        return _("%(column)s: would undo %(user)s's change of %(time)s (%(file)s → %(today)s)") % {
            "column": f"{column_label(self.column)} ({self.column})",
            "user": self.user,
            "time": at,
            "file": self.file or "—",
            "today": self.today or "—",
        }


@dataclass
class RowResult:
    number: int  # as the spreadsheet program shows it: the header is row 1
    name: str
    status: str = "unchanged"  # new / updated / unchanged / error
    member: Member | None = None
    values: dict = field(default_factory=dict)  # Member field → parsed value
    related: dict = field(default_factory=dict)  # many-valued column → reference rows (if in the file)
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # The file's spelling of a matched member's name when it differs from the stored one only in
    # case, diacritics, spacing or punctuation: the stored name is kept ("same member, spelling kept").
    kept_spelling: str = ""
    kept: list = field(default_factory=list)  # [Kept]: colleagues' changes the file would undo

    @property
    def is_quiet(self):
        """Unchanged, with nothing to tell the manager."""
        return self.status == "unchanged" and not self.kept and not self.kept_spelling


@dataclass
class Preview:
    file_name: str
    rows: list
    ignored_columns: list
    encoding: str = "utf-8"  # what was read: a key of ENCODING_LABELS

    @property
    def encoding_label(self):
        return ENCODING_LABELS[self.encoding]

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self):
        return {status: self.count(status) for status in ("new", "updated", "unchanged", "error")}

    @property
    def errors(self):
        return [error for row in self.rows for error in row.errors]

    @property
    def has_errors(self):
        return any(row.errors for row in self.rows)

    @property
    def kept(self):
        return [kept for row in self.rows for kept in row.kept]

    @property
    def rows_to_read(self):
        """The rows that do something or say something: new, updated, in error, with a field
        kept or a spelling kept. A file of 150 members with one change shows that one first."""
        return [row for row in self.rows if not row.is_quiet]

    @property
    def quiet_rows(self):
        return [row for row in self.rows if row.is_quiet]

    def fingerprint(self):
        """Identifies what this preview would do; the confirmation must match what was shown."""
        shown = [
            (
                r.number,
                r.status,
                [(c.column, c.old, c.new) for c in r.changes],
                [(k.column, k.today, k.file) for k in r.kept],
            )
            for r in self.rows
        ]
        return hashlib.sha256(repr(shown).encode()).hexdigest()

    def summary(self):
        counts = self.counts
        return _("%(new)d new, %(updated)d updated, %(unchanged)d unchanged, %(error)d with errors") % counts


# --- Reading the file -------------------------------------------------------------------------


def read_rows(content):
    """The header, the data rows as (row number, {column: text}), and what was read ("xlsx" or
    the CSV's encoding, a key of ENCODING_LABELS).

    Blank rows are skipped but keep their number, so errors point at the row the manager sees.
    Rows are read one at a time and every row counts toward MAX_ROWS, blank ones too, so a file
    of 200,000 empty rows or a header of a million commas is refused at once, not read whole.
    """
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB."))
    is_xlsx = content.startswith(b"PK\x03\x04")  # XLSX files are ZIP archives
    encoding = "xlsx" if is_xlsx else detect_encoding(content)
    rows = _xlsx_rows(content) if is_xlsx else _csv_rows(content, encoding)
    header, records = None, []
    for number, cells in rows:
        if number > MAX_ROWS + 1:
            raise ImportFileError(
                _("The file has more than %(max)d rows (empty rows count too; delete them).")
                % {"max": MAX_ROWS}
            )
        while cells and cell_text(cells[-1]) == "":  # trailing empty cells (a million commas)
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(
                _("Row %(row)d has more than %(max)d columns.") % {"row": number, "max": MAX_COLUMNS}
            )
        if header is None:  # the first row that is not blank names the columns
            header = _header(cells) if any(cell_text(cell) for cell in cells) else None
            continue
        record = {column: cell_text(cells[i]) if i < len(cells) else "" for i, column in enumerate(header)}
        if any(record.values()):
            records.append((number, record))
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return header, records, encoding


def _xlsx_rows(content):
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    try:
        # An XLSX is a ZIP: 5 MB of it may unpack to gigabytes of XML. Refused before parsing.
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED_BYTES:
                raise ValueError("unpacks to more than MAX_XLSX_UNPACKED_BYTES")
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            # Read lazily: the XML is parsed as the rows are asked for (the errors too).
            rows = workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
            yield from enumerate((list(cells) for cells in rows), 1)
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, ParseError, IndexError) as error:
        # defusedxml's refusals of a DTD or an entity are ValueErrors; a broken tag a ParseError.
        raise ImportFileError(_("This is not a readable XLSX file.")) from error


# What the preview says was read; the CSV encodings Excel and LibreOffice save Romanian text in.
ENCODING_LABELS = {
    "xlsx": gettext_lazy("XLSX"),
    "utf-8-sig": gettext_lazy("UTF-8 with a byte-order mark"),
    "utf-8": gettext_lazy("UTF-8"),
    "cp1250": gettext_lazy("Windows-1250"),
    "iso-8859-2": gettext_lazy("ISO-8859-2"),
}


def detect_encoding(content):
    """The encoding of a CSV file: UTF-8 (with or without BOM), Windows-1250 or ISO-8859-2.

    UTF-8 is tried first: other encodings' accented letters are almost never valid UTF-8. The
    two 8-bit encodings put ă â î ş ţ at the same bytes; they differ in 0x80–0x9F (Windows-1250's
    „ ” Š Ţ…, control characters in ISO-8859-2) and in a few letters of 0xA0–0xBF (ISO-8859-2's
    Š Ś Ž… are symbols such as © « ® in Windows-1250). The one reading more of those bytes as
    letters wins; a tie is Windows-1250, what Excel's "CSV" saves on a Romanian Windows.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    differing = bytes(sorted({b for b in content if 0x80 <= b <= 0xBF}))
    if any(b <= 0x9F for b in differing):
        return "cp1250"
    letters = {
        encoding: sum(ch.isalpha() for ch in differing.decode(encoding, errors="replace"))
        for encoding in ("cp1250", "iso-8859-2")
    }
    return "iso-8859-2" if letters["iso-8859-2"] > letters["cp1250"] else "cp1250"


def _csv_rows(content, encoding):
    text = content.decode(encoding, errors="replace")
    if "\x00" in text:
        raise ImportFileError(_("This is not a CSV or XLSX file."))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel in a Romanian locale separates with ";"; elsewhere with ",". The header decides.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Numbered by record, as a spreadsheet numbers rows (a quoted cell may span lines).
        yield from enumerate(reader, 1)
    except csv.Error as error:
        raise ImportFileError(_("This CSV file cannot be read: %(error)s") % {"error": error}) from error


def _header(cells):
    """The column names of the first row; the file's first non-blank row must name the columns,
    by their codes (name, fiscal_code…) or by their labels in either language (Nume, Cod fiscal
    (CUI), Telefon public…: the headers of the Excel download and of the preview)."""
    labels = _column_labels()
    header = [labels.get(fold(cell_text(cell)), cell_text(cell).lower().replace(" ", "_")) for cell in cells]
    if "name" not in header:
        raise ImportFileError(_("The first row must name the columns, including “name”; see the template."))
    return header


def _column_labels():
    """{folded label: column} of every column's label in every language."""
    labels = {}
    for language, _name in settings.LANGUAGES:
        with override(language):
            labels |= {fold(column_label(column)): column for column in COLUMNS}
    return labels


def cell_text(value):
    """A cell as trimmed text, whatever the spreadsheet stored (number, date, formula guard)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    # Compared with stored text, which is always comma-below (members.models.CommaBelowText).
    text = comma_below(str(value).replace("\u00a0", " ").strip())
    # Undo `columns.neutralise_formula`: "'+40 21…" was written for "+40 21…".
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


# --- Interpreting values ----------------------------------------------------------------------


class Lookups:
    """Reference data and existing members, loaded once per preview (a handful of queries)."""

    def __init__(self):
        self.members = list(Member.objects.select_related("locality").prefetch_related(*reference_fields()))
        self.by_fiscal_code = {m.fiscal_code: m for m in self.members if m.fiscal_code}
        self.by_name_key = {m.name_key: m for m in self.members}
        self.references = {
            column: {fold(key): row for row in dimension.model.objects.all() for key in row.lookup_keys()}
            for column, dimension in REFERENCE_COLUMNS.items()
        }
        self.localities = {}
        for locality in Locality.objects.all():
            for key in _locality_keys(locality.name):
                self.localities.setdefault(key, []).append(locality)
        self.categories = _choice_keys(Member.Category, CATEGORY_ALIASES)
        self.sizes = _choice_keys(Member.Size, SIZE_ALIASES)


def _locality_keys(name):
    key = fold(name)
    keys = {key}
    # "Sectorul 2", "Sector 2" and "Sect. 2" are the same place.
    if key.startswith("sectorul "):
        number = key.removeprefix("sectorul ")
        keys |= {f"sector {number}", f"sect. {number}", f"bucuresti sectorul {number}"}
    return keys


def _choice_keys(choices, aliases):
    keys = {fold(alias): code for alias, code in aliases.items()}
    for code, label in choices.choices:
        keys[fold(code)] = code
        # Both languages whatever the manager's: a file may use either set of labels.
        for language in ("en", "ro"):
            with override(language):
                text = fold(str(label))
            keys[text] = code
            # "small (10–49 employees)" is also accepted as "small".
            keys.setdefault(text.split(" (")[0], code)
    return keys


def parse_value(column, text, lookups, county=""):
    """The Python value of one cell, or ValidationError with a message for the manager."""
    if column == "category":
        if not text:
            raise ValidationError(_("a category is required"))
        return _pick(lookups.categories, text, gettext_lazy("unknown category “%(value)s”"), blank="")
    if column == "size":
        return _pick(lookups.sizes, text, gettext_lazy("unknown size “%(value)s”"), blank="")
    if column == "locality":
        return _parse_locality(text, lookups, county)
    if column in REFERENCE_COLUMNS:
        return _parse_references(column, text, lookups)
    if column in ("offers_subcontracting", "seeks_partners", "published"):
        if fold(text) not in BOOLEAN_WORDS:
            raise ValidationError(
                _("“%(value)s” is not one of yes/no/da/nu/1/0/true/false") % {"value": text}
            )
        return BOOLEAN_WORDS[fold(text)]
    if column == "member_since":
        return _parse_date(text)
    if column == "fiscal_code" and text:
        validate_fiscal_code(text)
        text = normalize_fiscal_code(text)
    if column == "postal_code" and text.isdigit():
        text = text.zfill(6)  # a spreadsheet may have stored 030167 as the number 30167
    if column == "website" and text and "://" not in text:
        text = "https://" + text
    if column == "name":
        text = " ".join(text.split())
    model_field = Member._meta.get_field(SIMPLE_FIELDS[column])
    return model_field.clean(text if text != "" else model_field.get_default(), None)


def _pick(keys, text, message, blank):
    if not text:
        return blank
    try:
        return keys[fold(text)]
    except KeyError:
        raise ValidationError(message % {"value": text}) from None


def _parse_locality(text, lookups, county):
    if not text:
        return None
    candidates = lookups.localities.get(fold(text), [])
    if len(candidates) > 1 and county:
        candidates = [c for c in candidates if fold(c.county) == fold(county)]
    if not candidates:
        raise ValidationError(_("unknown locality “%(value)s”") % {"value": text})
    if len(candidates) > 1:
        raise ValidationError(
            _("“%(value)s” exists in several counties; fill in the county") % {"value": text}
        )
    return candidates[0]


def _parse_references(column, text, lookups):
    rows, unknown = [], []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        row = lookups.references[column].get(fold(part))
        if row is None:
            unknown.append(part)
        elif row not in rows:
            rows.append(row)
    if unknown:
        raise ValidationError(
            _("unknown %(what)s: %(values)s")
            % {
                "what": str(REFERENCE_COLUMNS[column].label).lower(),
                "values": ", ".join(f"“{u}”" for u in unknown),
            }
        )
    return rows


def _parse_date(text):
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date (use 2024-03-31 or 31.03.2024)") % {"value": text})


# Columns whose codes ("enterprise", "small") the preview shows by their label.
CHOICE_COLUMNS = {"category": Member.Category, "size": Member.Size}


def display(value, column=""):
    """How a value is shown in the preview's old → new, in the active language: a category or
    size by its label, a flag as yes/no, competences… by their names."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if column in CHOICE_COLUMNS and value:
        return str(CHOICE_COLUMNS[column](value).label)
    if isinstance(value, list | set | frozenset):
        return "; ".join(sorted(str(row) for row in value))
    if isinstance(value, Locality):
        return value.name
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def current_value(member, column):
    if column in REFERENCE_COLUMNS:
        return set(getattr(member, REFERENCE_COLUMNS[column].field).all())
    return getattr(member, SIMPLE_FIELDS[column])


# --- Preview ----------------------------------------------------------------------------------


def preview_file(content, file_name=""):
    """What importing this file would do, row by row, without changing anything."""
    header, records, encoding = read_rows(content)
    lookups = Lookups()
    known = set(COLUMNS)
    columns = [c for c in COLUMNS if c in header and c != "county"]
    ignored = [c for c in header if c and c not in known]
    claimed = {}  # member pk or new name key / fiscal code → the row that claimed it
    rows = [_preview_row(number, record, columns, lookups, claimed) for number, record in records]
    _respect_colleagues([row for row in rows if row.status == "updated"])
    return Preview(file_name=file_name, rows=rows, ignored_columns=ignored, encoding=encoding)


def _preview_row(number, record, columns, lookups, claimed):
    row = RowResult(number=number, name=record.get("name", ""))
    for column in columns:
        try:
            value = parse_value(column, record[column], lookups, county=record.get("county", ""))
        except ValidationError as error:
            # Each message once: a website fails Django's URL check and ours with the same words.
            row.errors.append(CellError(number, column, " ".join(dict.fromkeys(error.messages))))
            continue
        if column in REFERENCE_COLUMNS:
            row.related[column] = value
        elif column == "fiscal_code" and not value:
            pass  # a blank fiscal code never erases a known one: it identifies the member
        else:
            row.values[SIMPLE_FIELDS[column]] = value
    if not row.errors:
        _match(row, lookups, claimed)
    if not row.errors:
        _compare(row, columns)
    if row.errors:
        row.status = "error"
    return row


def _match(row, lookups, claimed):
    """Find the member this row describes: same fiscal code, else same folded name."""
    code = row.values.get("fiscal_code", "")
    key = name_key(row.values.get("name", ""))
    by_code = lookups.by_fiscal_code.get(code) if code else None
    by_name = lookups.by_name_key.get(key)
    if by_code and by_name and by_code != by_name:
        message = _("another member (fiscal code %(code)s) already has this name") % {
            "code": by_name.fiscal_code or "—"
        }
        row.errors.append(CellError(row.number, "name", message))
        return
    if by_name and not by_code and code and by_name.fiscal_code:
        message = _("“%(name)s” is already a member with fiscal code %(code)s") % {
            "name": by_name.name,
            "code": by_name.fiscal_code,
        }
        row.errors.append(CellError(row.number, "fiscal_code", message))
        return
    row.member = by_code or by_name
    identities = (
        [("member", row.member.pk)] if row.member else [("name", key)] + ([("code", code)] if code else [])
    )
    for identity in identities:
        if identity in claimed:
            message = _("row %(row)d already describes this member") % {"row": claimed[identity]}
            row.errors.append(CellError(row.number, "name", message))
            return
    for identity in identities:
        claimed[identity] = row.number


def _compare(row, columns):
    if row.member is None:
        if not row.values.get("category"):
            row.errors.append(CellError(row.number, "category", _("a new member needs a category")))
            return
        row.status = "new"
        row.changes = [Change(c, "", display(_new_value(row, c), c)) for c in columns if _new_value(row, c)]
        return
    _keep_stored_spelling(row)
    for column in columns:
        if column in REFERENCE_COLUMNS:
            if column not in row.related:
                continue
            old, new = current_value(row.member, column), set(row.related[column])
        else:
            if SIMPLE_FIELDS[column] not in row.values:
                continue
            old, new = current_value(row.member, column), row.values[SIMPLE_FIELDS[column]]
        if old != new:
            row.changes.append(Change(column, display(old, column), display(new, column)))
    row.status = "updated" if row.changes else "unchanged"


def _keep_stored_spelling(row):
    """A matched member keeps its name when the file's differs only in case, diacritics, spacing
    or punctuation ("ŞTIINŢA MATERIALELOR SA" for "Știința Materialelor SA"): a spreadsheet's
    upper case or a keyboard without ș must not rewrite a name; a real rename still does."""
    new = row.values.get("name")
    if new and new != row.member.name and name_key(new) == row.member.name_key:
        del row.values["name"]
        row.kept_spelling = new


def _respect_colleagues(rows):
    """Move to `row.kept` each change that would set a field back to a value the member had
    before someone changed it: the file holds the value from before that change (it was exported
    or filled in earlier), so applying it would silently undo a colleague's work.

    Reads the history of the members these rows update, oldest first: one query, and one more
    per many-valued column (competences…) the file changes.
    """
    columns = {c.column for row in rows for c in row.changes}
    if not columns:
        return
    attnames = {c: Member._meta.get_field(SIMPLE_FIELDS[c]).attname for c in columns if c in SIMPLE_FIELDS}
    history = (
        Member.history.filter(id__in=[row.member.pk for row in rows])
        .order_by("history_date", "history_id")
        .values("id", "history_id", "history_date", "history_user__username", *attnames.values())
    )
    versions, by_history_id = {}, {}
    for version in history:
        versions.setdefault(version["id"], []).append(version)
        by_history_id[version["history_id"]] = version
    for column in columns & set(REFERENCE_COLUMNS):
        # The history keeps each version's rows of a many-to-many field in a table of its own.
        dimension = REFERENCE_COLUMNS[column]
        for version in by_history_id.values():
            version[column] = set()
        links = _history_links(dimension).filter(history_id__in=list(by_history_id))
        for history_id, row_id in links.values_list("history_id", dimension.link_column):
            by_history_id[history_id][column].add(row_id)
    for row in rows:
        for change in list(row.changes):
            if change.column in REFERENCE_COLUMNS:
                value = row.related[change.column]
                wanted, key = {item.pk for item in value}, change.column
            else:
                value = row.values[SIMPLE_FIELDS[change.column]]
                wanted = value.pk if isinstance(value, Locality) else value
                key = attnames[change.column]
            undone = _change_undone(versions.get(row.member.pk, []), key, wanted)
            if undone is None:
                continue
            row.changes.remove(change)
            if change.column in REFERENCE_COLUMNS:
                del row.related[change.column]
            else:
                del row.values[SIMPLE_FIELDS[change.column]]
            user = undone["history_user__username"] or _("someone")
            row.kept.append(Kept(change.column, change.old, change.new, user, undone["history_date"], value))
        if not row.changes:
            row.status = "unchanged"


def _history_links(dimension):
    """The history's table of `dimension`'s many-to-many rows (HistoricalMember_competences…)."""
    relation = next(
        r for r in Member.history.model._meta.related_objects if r.name.endswith(f"_{dimension.field}")
    )
    return relation.related_model.objects


def _change_undone(versions, attname, value):
    """The history version that changed `attname` away from `value` after it last held it, or
    None when the field never held `value` (a new value: the file's to set)."""
    held = [i for i, version in enumerate(versions) if _same(version[attname], value)]
    if not held or held[-1] == len(versions) - 1:
        return None
    return versions[held[-1] + 1]


def _same(stored, value):
    if isinstance(stored, str) and isinstance(value, str):
        return comma_below(stored) == value
    return stored == value


def _new_value(row, column):
    if column in REFERENCE_COLUMNS:
        return row.related.get(column)
    return row.values.get(SIMPLE_FIELDS[column])


# --- Commit and revert ------------------------------------------------------------------------


def import_file(content, file_name, user, expected_fingerprint=None, overwrite_their_changes=False):
    """Import the file in one transaction and return (preview, batch).

    The preview is computed again inside the transaction, so what is written matches the data
    as it is now. With `expected_fingerprint` (the preview the manager confirmed), a file whose
    effect changed meanwhile (someone edited a member) is refused rather than applied unseen.
    Refused: nothing is written and ImportRefused carries the new preview. A file that changes
    nothing writes nothing: the batch is None. Fields the preview keeps because a colleague changed
    them since the file's value (`RowResult.kept`) are written only with `overwrite_their_changes`.

    `user` is required: the batch and every history row say who imported (README, "Batches").
    """
    if user is None:
        raise ValueError("An import is recorded under the user who made it; pass one.")
    with transaction.atomic():
        preview = preview_file(content, file_name)
        if preview.has_errors:
            raise ImportRefused(preview)
        if expected_fingerprint and preview.fingerprint() != expected_fingerprint:
            raise ImportRefused(
                preview, _("The members changed since the preview; check this new preview and confirm again.")
            )
        if overwrite_their_changes:
            for row in preview.rows:
                for kept in row.kept:
                    if kept.column in REFERENCE_COLUMNS:
                        row.related[kept.column] = kept.value
                    else:
                        row.values[SIMPLE_FIELDS[kept.column]] = kept.value
                    row.changes.append(Change(kept.column, kept.today, kept.file))
                    row.status = "updated"
                row.kept = []
        changed = [row for row in preview.rows if row.status in ("new", "updated")]
        if not changed:
            return preview, None
        batch = ImportBatch.objects.create(
            user=user,
            file_name=file_name[:255],
            created_count=preview.count("new"),
            updated_count=preview.count("updated"),
            unchanged_count=preview.count("unchanged"),
        )
        for row in changed:
            _write_row(row, user, batch.change_reason)
    if len(changed) > ANALYZE_AFTER:
        analyze()
    return preview, batch


def analyze():
    """Fresh planner statistics for the tables an import fills (PostgreSQL; no autovacuum here)."""
    if connection.vendor == "postgresql":
        tables = [Member._meta.db_table, counting.FACTS, counting.CELLS]
        tables += [dimension.through._meta.db_table for dimension in MANY]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")


def _write_row(row, user, reason):
    member = row.member or Member()
    for name, value in row.values.items():
        setattr(member, name, value)
    # simple-history reads these for the history row: who, and which batch.
    member._history_user = user
    member._change_reason = reason
    member.save()
    changed = {change.column for change in row.changes}
    for column, rows in row.related.items():
        if column in changed:
            getattr(member, REFERENCE_COLUMNS[column].field).set(rows)


class RevertRefused(Exception):
    pass


@dataclass
class RevertPlan:
    """What reverting a batch would do, for the admin's confirmation page. Changes nothing."""

    batch: ImportBatch
    removed: list = field(default_factory=list)  # names of the members it created: deleted
    restored: list = field(default_factory=list)  # names of the members it updated: put back
    refused: str = ""  # why the batch cannot be reverted; blank when it can


def revert_plan(batch):
    """The members `revert_batch(batch)` would delete and restore, or why it would refuse.

    The same checks as the revert itself, on the data as it is now; the revert checks again
    when confirmed, so a change made in between is still caught.
    """
    if batch.reverted_at:
        return RevertPlan(batch, refused=_("This import was already reverted."))
    records, first_record = _batch_records(batch)
    plan = RevertPlan(
        batch,
        removed=sorted(r.name for r in first_record.values() if r.history_type == "+"),
        restored=sorted(r.name for r in first_record.values() if r.history_type != "+"),
    )
    try:
        _refuse_if_changed_since(batch, records, first_record)
    except RevertRefused as refused:
        plan.refused = str(refused)
    return plan


def _batch_records(batch):
    """The history rows the batch wrote, oldest first, and each member's first one."""
    records = list(
        Member.history.filter(history_change_reason=batch.change_reason).order_by(
            "history_date", "history_id"
        )
    )
    first_record = {}
    for record in records:
        first_record.setdefault(record.id, record)
    return records, first_record


def revert_batch(batch, user):
    """Undo an import: delete the members it created, restore the versions it replaced.

    Refused when a member was changed after the import (by hand or by a later import), so a
    revert never throws away someone else's work. One transaction; recorded in the history.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.reverted_at:
            raise RevertRefused(_("This import was already reverted."))
        records, first_record = _batch_records(batch)
        _refuse_if_changed_since(batch, records, first_record)
        for member_id, record in first_record.items():
            if record.history_type == "+":
                member = Member.objects.get(pk=member_id)
                member._history_user, member._change_reason = user, batch.revert_reason
                member.delete()
            else:
                _restore(record.prev_record, user, batch.revert_reason)
        batch.reverted_at, batch.reverted_by = timezone.now(), user
        batch.save(update_fields=["reverted_at", "reverted_by"])
    return len(first_record)


def _refuse_if_changed_since(batch, records, first_record):
    if not records:
        return
    later = (
        Member.history.filter(id__in=first_record, history_date__gt=records[-1].history_date)
        .exclude(history_change_reason=batch.change_reason)
        .values_list("name", flat=True)
    )
    created = [pk for pk, record in first_record.items() if record.history_type == "+"]
    with_contacts = Member.objects.filter(pk__in=created, contacts__isnull=False).values_list(
        "name", flat=True
    )
    changed = sorted(set(later) | set(with_contacts))
    if changed:
        raise RevertRefused(
            _("These members changed after the import; revert them one by one from their history: %(names)s")
            % {"names": ", ".join(changed)}
        )


def _restore(version, user, reason):
    member = version.instance
    member._history_user, member._change_reason = user, reason
    member.save()
    for dimension in MANY:  # the history keeps each many-to-many field's rows with the version
        rows = getattr(version, dimension.field).all()
        getattr(member, dimension.field).set([getattr(row, dimension.link_column) for row in rows])
