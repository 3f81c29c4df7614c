"""What a visitor can narrow the directory by: each dimension declared once, here.

From `DIMENSIONS` come the directory's filters (members.filters), the facet counts and the tables
PostgreSQL keeps for them (members.facets, members.counting), the removable chips, and the
spreadsheet columns (members.columns, members.importing). Adding a dimension is a declaration
here, the model field and its migration, its labels in the catalogues, and a test.

A dimension's options are `Option`s: `value` is what the URL carries (a code or a slug), `key` is
how the counting query names the option (a code, an id, "1" for a flag), both as text.
"""

from dataclasses import dataclass
from functools import cached_property, partial

from django.db.models import Value
from django.utils.text import capfirst, slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .display import place_name
from .models import Locality, Member
from .text import fold


@dataclass(frozen=True)
class Option:
    value: str  # in the URL
    key: str  # in the counting query's answer
    label: str
    group: str = ""  # the heading it is listed under: a competence group, a county


@dataclass(frozen=True)
class Dimension:
    param: str  # the URL parameter; several values of one parameter are OR-ed
    label: str  # the filter's legend
    export_column: str  # the spreadsheet column (members.columns)
    column: str = ""  # the member's column, repeated in the counting tables; "" for none
    section: str = ""  # the filter panel's fieldset it is shown in, if not one of its own
    nests: str = ""  # the dimension whose options are listed under each of this one's options
    many = False  # held through a many-to-many table
    repeatable = True

    @property
    def legend(self):
        return self.section or self.label

    def options(self, rows):
        """Every option, in the order the filter lists them; `rows` is `load_rows()`."""
        raise NotImplementedError

    def condition(self, keys, prefix, options):
        """SQL (and params): a row has one of the options `keys`; `prefix` qualifies the columns
        ("members_cells." or "" in a one-table query)."""
        placeholders = ", ".join(["%s"] * len(keys))
        return f"{prefix}{self.column} IN ({placeholders})", list(keys)

    def key_sql(self, prefix):
        """The option key of a row, as the counting query groups by it."""
        return f"{prefix}{self.column}"


@dataclass(frozen=True)
class Choice(Dimension):
    """One of a fixed list (a TextChoices class), stored as its code."""

    choices: type = None

    def options(self, rows):
        return [Option(code, code, capfirst(str(label))) for code, label in self.choices.choices]


@dataclass(frozen=True)
class Flag(Dimension):
    """A yes/no column; the filter only ever asks for "yes" (?partners=1)."""

    option_label: str = ""
    repeatable = False

    def options(self, rows):
        return [Option("1", "1", str(self.option_label))]

    def condition(self, keys, prefix, options):
        return f"{prefix}{self.column} = %s", [True]

    def key_sql(self, prefix):
        return f"CAST({prefix}{self.column} AS INTEGER)"


@dataclass(frozen=True)
class Place(Dimension):
    """The member's locality (a foreign key), listed under its county."""

    def options(self, rows):
        return [Option(row.slug, str(row.pk), place_name(row.name), row.county) for row in rows["place"]]

    def condition(self, keys, prefix, options):
        return super().condition([int(key) for key in keys], prefix, options)


@dataclass(frozen=True)
class County(Dimension):
    """The county of the member's locality: counted and filtered through the locality column."""

    def options(self, rows):
        counties = dict.fromkeys(row.county for row in rows["place"])
        return [Option(slugify(fold(county)), county, place_name(county)) for county in counties]

    def condition(self, keys, prefix, options):
        ids = [int(option.key) for option in options["locality"] if option.group in keys] or [0]
        return f"{prefix}locality_id IN ({', '.join(['%s'] * len(ids))})", ids

    def key_sql(self, prefix):
        return f"{prefix}locality_id"  # the query counts localities; `roll_up` sums them by county

    def roll_up(self, counts, options):
        county_of = {option.key: option.group for option in options["locality"]}
        totals = {}
        for key, number in counts.items():
            if key in county_of:
                totals[county_of[key]] = totals.get(county_of[key], 0) + number
        return totals


@dataclass(frozen=True)
class Many(Dimension):
    """Reference rows a member holds any number of (a many-to-many field, by slug)."""

    field: str = ""  # the Member field
    group: str = ""  # the reference model's field the options are listed under, if any
    order: tuple = ()  # the options' order
    many = True

    @property
    def model(self):
        return Member._meta.get_field(self.field).related_model

    @property
    def through(self):
        return Member._meta.get_field(self.field).remote_field.through

    @property
    def link_field(self):
        """The through model's field naming the reference row ("competence")."""
        return self.model._meta.model_name

    @property
    def link_column(self):
        return self.through._meta.get_field(self.link_field).column

    @property
    def array(self):
        """The counting tables' column holding a member's ids ("competence_ids")."""
        return self.link_column + "s"

    def rows(self):
        return self.model.objects.select_related(*filter(None, [self.group])).order_by(*self.order)

    def options(self, rows):
        group = (lambda row: str(getattr(row, self.group))) if self.group else (lambda row: "")
        return [Option(row.slug, str(row.pk), str(row), group(row)) for row in rows[self.param]]

    def condition(self, keys, prefix, options):
        placeholders = ", ".join(["%s"] * len(keys))
        links = f"SELECT member_id FROM {self.through._meta.db_table} WHERE {self.link_column} IN"
        return f"{prefix}id IN ({links} ({placeholders}))", [int(key) for key in keys]


DIMENSIONS = [
    Choice("category", _("Category"), "category", column="category", choices=Member.Category),
    Flag(
        "subcontracting",
        _("Subcontracting"),
        "offers_subcontracting",
        column="offers_subcontracting",
        section=_("Collaboration"),
        option_label=_("Offers subcontracting"),
    ),
    Flag(
        "partners",
        _("Partners"),
        "seeks_partners",
        column="seeks_partners",
        section=_("Collaboration"),
        option_label=_("Seeks project partners"),
    ),
    Many(
        "competence",
        _("Competence"),
        "competences",
        section=_("Competences"),
        field="competences",
        group="group",
        order=("group__position", "group__name_en", "name_en"),
    ),
    Many(
        "certification",
        _("Certification"),
        "certifications",
        section=_("Certifications"),
        field="certifications",
        order=("position", "name"),
    ),
    County("county", _("County"), "county", section=_("Place"), nests="locality"),
    Place("locality", _("Locality"), "locality", column="locality_id", section=_("Place")),
    Choice("size", _("Size"), "size", column="size", choices=Member.Size),
]
BY_PARAM = {dimension.param: dimension for dimension in DIMENSIONS}
SINGLE = [dimension for dimension in DIMENSIONS if dimension.column]  # a column per member
MANY = [dimension for dimension in DIMENSIONS if dimension.many]


def load_rows():
    """The reference rows the options come from: one query per table."""
    rows = {"place": list(Locality.objects.order_by("county", "name"))}
    rows.update({dimension.param: list(dimension.rows()) for dimension in MANY})
    return rows


def load_options(rows):
    """{param: [Option]} of every dimension, labelled in the active language."""
    return {dimension.param: dimension.options(rows) for dimension in DIMENSIONS}


def page_language():
    """'en' or 'ro': the language labels are shown in."""
    return "en" if (get_language() or "ro")[:2] == "en" else "ro"


def label_members(members, options):
    """Give each member `held`: [(dimension, [Option])] of the many-valued dimensions, by label.

    `held` is a callable a template calls: the first card that needs it reads the options of the
    whole page in one query (a card served from the fragment cache never does). The labels come
    from the options already loaded, so no reference row is read again.
    """
    members = list(members)
    page = _HeldOnPage([member.pk for member in members], options)
    for member in members:
        member.held = partial(page.of, member.pk)
    return members


class _HeldOnPage:
    def __init__(self, ids, options):
        self.ids, self.options = ids, options

    @cached_property
    def options_by_member(self):
        links = [
            d.through.objects.filter(member_id__in=self.ids)
            .annotate(param=Value(d.param))
            .values_list("param", "member_id", d.link_column)
            for d in MANY
        ]
        option_of = {d.param: {option.key: option for option in self.options[d.param]} for d in MANY}
        held = {}
        for param, member_id, key in links[0].union(*links[1:], all=True):
            held.setdefault((member_id, param), []).append(option_of[param][str(key)])
        return held

    def of(self, member_id):
        return [(d, sorted(self.options_by_member.get((member_id, d.param), []), key=_label)) for d in MANY]


def _label(option):
    return option.label
