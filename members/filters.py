"""What a visitor may filter and sort the directory by: the one definition.

The HTML directory, the CSV/JSON exports and the facets all use `MemberFilter`, so a shared link
means the same everywhere. Every choice is a slug from a fixed list; no value from the query
string ever reaches `order_by` or a field name.

Several values of one parameter are OR-ed; different parameters are AND-ed.
"""

import copy
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import django_filters
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q
from django.forms.utils import ErrorDict, ErrorList
from django.http import QueryDict
from django.utils import translation
from django.utils.text import capfirst, slugify
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import cache
from .models import Competence, Locality, Member, published_search_condition, with_any_competence
from .text import fold

# sort value → (label, order_by). Ties are broken by name so pages are stable.
SORTS = {
    "name": (_("Name (A–Z)"), ("name_key",)),
    "newest": (_("Newest members first"), (F("member_since").desc(nulls_last=True), "name_key")),
    "oldest-founded": (_("Oldest founded first"), (F("founded").asc(nulls_last=True), "name_key")),
    "youngest-founded": (_("Youngest founded first"), (F("founded").desc(nulls_last=True), "name_key")),
}
DEFAULT_SORT = "name"

YES = "1"


@lru_cache(maxsize=256)
def county_slug(county):
    """'București' → 'bucuresti': the value of the `county` parameter (a pure function of it)."""
    return slugify(fold(county))


def page_language():
    """'en' or 'ro': the language names are shown in. Ask once per page and pass it on: each
    `get_language()` reads a context-local variable, which a page of a few hundred names felt."""
    return "en" if (get_language() or "ro")[:2] == "en" else "ro"


@lru_cache(maxsize=16)  # two choice classes × two languages, with room to spare
def choice_labels(choices, language):
    """{value: label} of `choices` (a TextChoices class) in `language`, translated once per process.

    Each translation of a label costs some 20,000 instructions (gettext reads the active language
    from a context-local variable), and the category and size labels were translated a dozen
    times a page. A label is a fixed text from the message catalogues, which do not change while
    the process runs; nothing an admin edits is kept here.
    """
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


class _BilingualName:
    """`name` (and str()) in the active language from `name_ro`/`name_en`, as models.Bilingual."""

    __slots__ = ()

    def name_in(self, language):
        """The name in `language` ('ro' or 'en', see `page_language`), else in the other one."""
        if language == "en":
            return self.name_en or self.name_ro
        return self.name_ro or self.name_en

    @property
    def name(self):
        return self.name_in(page_language())

    def __str__(self):
        return self.name


@dataclass(slots=True)
class GroupRef(_BilingualName):
    """A competence group as the filters read it (a read-only copy of the CompetenceGroup row)."""

    pk: int
    name_ro: str
    name_en: str


@dataclass(slots=True, eq=False)
class CompetenceRef(_BilingualName):
    """A competence with its group: a plain copy of the row, cheaper to build than a model."""

    pk: int
    slug: str
    name_ro: str
    name_en: str
    group: GroupRef


@dataclass(slots=True, eq=False)
class LocalityRef:
    """A locality as the filters and facets read it."""

    pk: int
    slug: str
    name: str
    county: str

    def __str__(self):
        return self.name


@dataclass
class Places:
    """The gazetteer as the filters and facets need it: localities grouped by county."""

    localities: list
    counties: dict = field(default_factory=dict)  # county slug → county name

    def __post_init__(self):
        for locality in self.localities:
            self.counties.setdefault(county_slug(locality.county), locality.county)


@dataclass
class Reference:
    """Competences (with their group) and localities: the options of the slug-valued filters."""

    competences: list
    places: Places

    @cached_property
    def competence_by_slug(self):
        return {c.slug: c for c in self.competences}

    @cached_property
    def competence_by_id(self):
        return {c.pk: c for c in self.competences}

    @cached_property
    def locality_by_slug(self):
        return {loc.slug: loc for loc in self.places.localities}


class FixedQuery:
    """A query with no parameters, compiled to SQL once per process; `rows()` runs it.

    The filters' reference data is read on every request when the cache is off, and the ORM's
    compiling of these two small queries cost several times running them.
    """

    def __init__(self, build):
        self.build = build  # () → queryset; called once, on first use (the models must be ready)
        self.sql = None

    def rows(self):
        if self.sql is None:
            self.sql = self.build().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(*self.sql)
            return cursor.fetchall()


COMPETENCE_ROWS = FixedQuery(
    lambda: Competence.objects.grouped().values_list(
        "pk", "slug", "name_ro", "name_en", "group_id", "group__name_ro", "group__name_en"
    )
)
LOCALITY_ROWS = FixedQuery(
    lambda: Locality.objects.order_by("county", "name").values_list("pk", "slug", "name", "county")
)


def _competences():
    """Every competence with its group, in the taxonomy's order, as plain objects (one JOIN)."""
    groups = {}
    competences = []
    for pk, slug, name_ro, name_en, group_id, group_ro, group_en in COMPETENCE_ROWS.rows():
        group = groups.get(group_id)
        if group is None:
            group = groups[group_id] = GroupRef(group_id, group_ro, group_en)
        competences.append(CompetenceRef(pk, slug, name_ro, name_en, group))
    return competences


def load_reference():
    """The filters' options: two queries, cached until anything in the directory changes."""

    def load():
        return Reference(
            competences=_competences(),
            places=Places([LocalityRef(*row) for row in LOCALITY_ROWS.rows()]),
        )

    return cache.get_or_set("filter-reference", load, timeout=3600)


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_by_condition", label=_("Search"))
    category = django_filters.MultipleChoiceFilter(
        choices=Member.Category.choices, label=_("Category"), method="filter_by_condition"
    )
    competence = django_filters.MultipleChoiceFilter(label=_("Competence"), method="filter_by_condition")
    locality = django_filters.MultipleChoiceFilter(label=_("Locality"), method="filter_by_condition")
    county = django_filters.MultipleChoiceFilter(label=_("County"), method="filter_by_condition")
    size = django_filters.MultipleChoiceFilter(
        choices=Member.Size.choices, label=_("Size"), method="filter_by_condition"
    )
    subcontracting = django_filters.ChoiceFilter(
        choices=[(YES, _("Offers subcontracting"))], label=_("Subcontracting"), method="filter_by_condition"
    )
    partners = django_filters.ChoiceFilter(
        choices=[(YES, _("Seeks project partners"))], label=_("Partners"), method="filter_by_condition"
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        label=_("Sort by"),
        method="filter_sort",
        empty_label=None,
    )

    # The filters whose values are a choice; unknown values are dropped (see `ignored`).
    CHOICE_FILTERS = (
        "category",
        "competence",
        "locality",
        "county",
        "size",
        "subcontracting",
        "partners",
        "sort",
    )

    class Meta:
        model = Member
        fields = []

    def __init__(self, data=None, queryset=None, *, reference=None, **kwargs):
        self.reference = reference or load_reference()
        super().__init__(data, queryset if queryset is not None else Member.objects.for_directory(), **kwargs)
        # Callables: the form deep-copies its fields' choices on every request, and these lists
        # (every competence, locality and county) made that copy a good part of the page's cost.
        reference = self.reference
        self.filters["competence"].extra["choices"] = lambda: [
            (c.slug, c.name) for c in reference.competences
        ]
        self.filters["locality"].extra["choices"] = lambda: [
            (x.slug, x.name) for x in reference.places.localities
        ]
        self.filters["county"].extra["choices"] = lambda: list(reference.places.counties.items())
        self.ignored = []  # (filter label, value) pairs the visitor sent that match no option
        if self.is_bound:
            self.data = self._without_unknown_choices(self.data)

    @property
    def form(self):
        """What django-filter reads of its form, without building one when the data is bound.

        `_without_unknown_choices` leaves only known choices, each once, so validating them again
        in a form (built, with every field and its choices deep-copied, on every request) cannot
        fail; only the search text is still cleaned by its own form field. `cleaned_data` and
        `errors` are those the form would give.
        """
        if not hasattr(self, "_form"):
            if not self.is_bound:
                return super().form
            self._form = self._cleaned_form()
        return self._form

    def _cleaned_form(self):
        multiple = self._multiple
        cleaned_data = {}
        errors = ErrorDict()
        for name, filter_ in self.filters.items():
            if name in multiple:
                cleaned_data[name] = self.data.getlist(name)
            elif name in self.CHOICE_FILTERS:
                cleaned_data[name] = self.data.get(name) or ""
            else:
                try:
                    cleaned_data[name] = filter_.field.clean(self.data.get(name))
                except ValidationError as error:
                    errors[name] = ErrorList(error.error_list)
        return CleanedForm(cleaned_data, errors)

    def _without_unknown_choices(self, data):
        """Keep the known values of each choice filter, each once; note the others in `ignored`.

        A link with one stale competence slug still lists the members of the others, and the page
        says what it ignored, rather than failing or silently listing everything.
        """
        if not isinstance(data, QueryDict):
            data = _as_querydict(data)
        cleaned = data.copy()
        reference = self.reference
        # The slug-valued filters' options, without building their (translated) labels.
        slugs = {
            "competence": reference.competence_by_slug,
            "locality": reference.locality_by_slug,
            "county": reference.places.counties,
        }
        multiple = self._multiple
        for name in self.CHOICE_FILTERS:
            known = slugs.get(name)
            if known is None:
                choices = self.filters[name].extra["choices"]
                known = {str(key) for key, _label in (choices() if callable(choices) else choices)}
            kept = []
            for value in data.getlist(name):
                if value in known:
                    if value not in kept:
                        kept.append(value)
                elif value != "" and len(self.ignored) < 20:
                    self.ignored.append((self.filters[name].label, value))
            # A single-valued filter repeated takes its first known value.
            if kept:
                cleaned.setlist(name, kept if name in multiple else kept[:1])
            else:  # no empty lists left behind: the data is copied again for every chip and link
                cleaned.pop(name, None)
        return cleaned

    # --- what each filter does ------------------------------------------------------------------
    # Each filter is one condition on the member row (a Q), so the facets can count several
    # dimensions in one query with each dimension's own filter left out (see members.facets).

    def filter_by_condition(self, queryset, name, value):
        return queryset.filter(self.condition(name, value))

    def condition(self, name, value):
        """The WHERE condition of filter `name` for its cleaned `value`, on member columns only."""
        reference = self.reference
        if name == "q":
            return published_search_condition(value)  # the models own how search works
        if name == "competence":
            return with_any_competence(reference.competence_by_slug[slug].pk for slug in value)
        if name == "locality":
            return Q(locality_id__in=[reference.locality_by_slug[slug].pk for slug in value])
        if name == "county":
            # The county's localities, not a JOIN: the facets' covering index then answers it.
            counties = {reference.places.counties[slug] for slug in value}
            return Q(locality_id__in=[x.pk for x in reference.places.localities if x.county in counties])
        if name == "subcontracting":
            return Q(offers_subcontracting=True)
        if name == "partners":
            return Q(seeks_partners=True)
        return Q(**{f"{name}__in": value})  # category, size

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1])

    def conditions(self):
        """{filter name: Q} for every active filter (sorting aside), after validation.

        A new dict each time (callers take entries out); the conditions are built once.
        """
        return dict(self._conditions)

    @cached_property
    def _conditions(self):
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 (runs validation once)
        return {
            name: self.condition(name, value)
            for name, value in self.form.cleaned_data.items()
            if name != "sort" and value not in django_filters.constants.EMPTY_VALUES
        }

    def filter_queryset(self, queryset):
        """The active filters' conditions (as the facets count them), then the sort, in one go."""
        sort = self.form.cleaned_data.get("sort")
        queryset = queryset.filter(*self._conditions.values())
        return self.filter_sort(queryset, "sort", sort) if sort else queryset

    # --- helpers for views, facets and templates ------------------------------------------------

    def value(self, name):
        """The cleaned value of one filter (a list for the repeatable ones), after validation."""
        self.errors  # noqa: B018 (runs validation once)
        return self.form.cleaned_data.get(name) or ([] if name in self._multiple else "")

    @cached_property
    def _multiple(self):
        """The names of the repeatable filters (asked a few dozen times a page)."""
        return {n for n, f in self.filters.items() if isinstance(f, django_filters.MultipleChoiceFilter)}

    @property
    def query(self):
        """The search text as typed (for the search box)."""
        return self.value("q")

    @property
    def sort_value(self):
        return self.value("sort") or DEFAULT_SORT

    @cached_property
    def problems(self):
        """Messages for the visitor about input that was ignored (shown above the results)."""
        messages = [
            gettext("Unknown %(filter)s “%(value)s” was ignored.")
            % {"filter": str(label).lower(), "value": value}
            for label, value in self.ignored
        ]
        for name, errors in self.errors.items():
            label = self.filters[name].label if name in self.filters else name
            messages += [f"{label}: {error}" for error in errors]
        return messages


class _CopiedPerFilterset(dict):
    """`MemberFilter.base_filters`, which django-filter deep-copies for every filterset.

    The copy lets a filterset change its own filters (as `MemberFilter.__init__` does with the
    slug filters' choices); a copy of each filter and of its `extra` gives exactly that, without
    walking every label and choice (2% of a directory page's instructions, by callgrind).
    """

    def __deepcopy__(self, memo):
        return {name: _own_copy(filter_) for name, filter_ in self.items()}


def _own_copy(filter_):
    own = copy.copy(filter_)
    own.extra = dict(filter_.extra)
    own.__dict__.pop("_field", None)  # a form field built from the old `extra`
    own.method = filter_.method  # its FilterMethod must call the copy (and so its filterset)
    return own


MemberFilter.base_filters = _CopiedPerFilterset(MemberFilter.base_filters)


@dataclass
class CleanedForm:
    """The parts of a bound form that django-filter and `MemberFilter` read."""

    cleaned_data: dict
    errors: ErrorDict

    def is_valid(self):
        return not self.errors


def _as_querydict(data):
    """Tests and callers may pass a plain dict (values: a string or a list of strings)."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)])
    return query


@dataclass
class Chip:
    """One active filter value, with the query string that removes just it."""

    label: str
    remove_query: str


def chips(filterset):
    """The active filters as removable chips, in the order of the sidebar."""
    if not filterset.is_bound or not filterset.conditions():  # no filter chosen (sorting aside)
        return []
    reference = filterset.reference
    language = page_language()
    # value → label, for the chosen values only (most pages have none or one).
    labels = {
        "category": choice_labels(Member.Category, language).get,
        "competence": lambda slug: reference.competence_by_slug[slug].name_in(language),
        "county": reference.places.counties.get,
        "locality": lambda slug: reference.locality_by_slug[slug].name,
        "size": choice_labels(Member.Size, language).get,
        "subcontracting": lambda _value: _("Offers subcontracting"),
        "partners": lambda _value: _("Seeks project partners"),
    }
    result = []
    if filterset.value("q"):
        text = gettext("Search: “%(q)s”") % {"q": filterset.value("q")}
        result.append(Chip(text, _query_without(filterset.data, "q", None)))
    for name, label in labels.items():
        values = filterset.value(name)
        for value in values if isinstance(values, list) else [values] if values else []:
            result.append(Chip(capfirst(str(label(value))), _query_without(filterset.data, name, value)))
    return result


def _query_without(data, name, value):
    """`data` as a query string without one value of `name` (all of them if value is None)."""
    query = data.copy()
    query.pop("page", None)
    query.setlist(name, [] if value is None else [v for v in query.getlist(name) if v != value])
    return query.urlencode()


def export_query(filterset):
    """The current filters as a query string for the export links (every page, so no `page`)."""
    if not filterset.is_bound:
        return ""
    query = filterset.data.copy()
    query.pop("page", None)
    return query.urlencode()
