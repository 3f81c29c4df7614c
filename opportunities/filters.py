"""What a visitor may filter the opportunities by: each dimension declared once, here.

The same style as the directory (members.dimensions): a small frozen declaration per dimension,
from which the FilterSet's filters, the facet counts and the chips are derived, with options as
members.dimensions.Option. Opportunities are hundreds, not 100,000, so the counts are a plain
`GROUP BY` per dimension over the filtered queryset (every *other* filter applied), without the
directory's counting tables.
"""

import datetime
from dataclasses import dataclass

import django_filters
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members.dimensions import Option
from members.models import Competence, Member

from .models import Opportunity

OFFICE = "office"  # the poster "category" of what the cluster office posts


@dataclass(frozen=True)
class OpportunityDimension:
    param: str
    label: str
    group_by: str  # the column (path) the counts are grouped by; None keys are left out

    def options(self, queryset):
        raise NotImplementedError

    def condition(self, values):
        return Q(**{f"{self.group_by}__in": values})

    def count(self, queryset):
        """{key: opportunities}: one grouped query."""
        rows = queryset.values(self.group_by).annotate(n=Count("pk", distinct=True)).order_by()
        return {str(row[self.group_by]): row["n"] for row in rows if row[self.group_by] is not None}


@dataclass(frozen=True)
class KindDimension(OpportunityDimension):
    def options(self, queryset):
        return [Option(code, code, capfirst(str(label))) for code, label in Opportunity.Kind.choices]


@dataclass(frozen=True)
class CompetenceDimension(OpportunityDimension):
    def options(self, queryset):
        return [
            Option(c.slug, c.slug, c.name, c.group.name)
            for c in Competence.objects.grouped().select_related("group")
        ]


@dataclass(frozen=True)
class ProgrammeDimension(OpportunityDimension):
    """Programmes named by the open partner searches: the options are what is there."""

    def options(self, queryset):
        names = Opportunity.objects.open().exclude(programme="").values_list("programme", flat=True)
        return [Option(name, name, name) for name in sorted(set(names))]


@dataclass(frozen=True)
class PosterDimension(OpportunityDimension):
    def options(self, queryset):
        return [Option(OFFICE, OFFICE, str(_("The cluster office")))] + [
            Option(code, code, capfirst(str(label))) for code, label in Member.Category.choices
        ]

    def condition(self, values):
        condition = Q(poster__category__in=[v for v in values if v != OFFICE])
        if OFFICE in values:
            condition |= Q(poster__isnull=True)
        return condition

    def count(self, queryset):
        rows = queryset.values("poster__category").annotate(n=Count("pk", distinct=True)).order_by()
        return {row["poster__category"] or OFFICE: row["n"] for row in rows}


@dataclass(frozen=True)
class DeadlineDimension(OpportunityDimension):
    """How soon it closes: within 30 days, within 90 days, or no fixed deadline."""

    BUCKETS = (("30-days", _("Closes within 30 days"), 30), ("90-days", _("Closes within 90 days"), 90))

    def options(self, queryset):
        return [Option(v, v, str(label)) for v, label, _days in self.BUCKETS] + [
            Option("none", "none", str(_("No fixed deadline")))
        ]

    def condition(self, values):
        today = timezone.localdate()
        condition = Q(pk__in=[])
        for value, _label, days in self.BUCKETS:
            if value in values:
                condition |= Q(deadline__isnull=False, deadline__lte=today + datetime.timedelta(days=days))
        if "none" in values:
            condition |= Q(deadline__isnull=True)
        return condition

    def count(self, queryset):
        today = timezone.localdate()
        aggregates = {
            value: Count("pk", distinct=True, filter=Q(deadline__lte=today + datetime.timedelta(days=days)))
            for value, _label, days in self.BUCKETS
        }
        aggregates["none"] = Count("pk", distinct=True, filter=Q(deadline__isnull=True))
        return queryset.aggregate(**aggregates)


DIMENSIONS = [
    KindDimension("kind", _("Kind"), "kind"),
    CompetenceDimension("competence", _("Competence"), "competences__slug"),
    ProgrammeDimension("programme", _("Programme"), "programme"),
    DeadlineDimension("deadline", _("Deadline"), "deadline"),
    PosterDimension("poster", _("Posted by"), "poster__category"),
]

# The query parameters the board reads ({name: may repeat}), for members.cache.public_page.
PARAMETERS = {d.param: True for d in DIMENSIONS} | {"q": False, "trl_min": False, "trl_max": False}


class OpportunityFilter(django_filters.FilterSet):
    """The one definition of the board's filters: the list, its facets and its Atom feed."""

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    trl_min = django_filters.NumberFilter(field_name="trl", lookup_expr="gte", label=_("TRL from"))
    trl_max = django_filters.NumberFilter(field_name="trl", lookup_expr="lte", label=_("TRL to"))

    class Meta:
        model = Opportunity
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset if queryset is not None else Opportunity.objects.for_list(), **kwargs)
        self.options = {d.param: d.options(None) for d in DIMENSIONS}
        self.chosen, self.problems = {}, []
        for dimension in DIMENSIONS:
            known = {o.value for o in self.options[dimension.param]}
            values = self.data.getlist(dimension.param) if hasattr(self.data, "getlist") else []
            self.chosen[dimension.param] = [v for v in dict.fromkeys(values) if v in known]
            unknown = [v for v in values if v not in known][:5]
            if unknown:
                self.problems.append(
                    _("Ignored unknown %(filter)s: %(values)s.")
                    % {"filter": str(dimension.label).lower(), "values": ", ".join(unknown)}
                )

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filtered(self, skip=None):
        """The queryset with every filter applied except the dimension `skip`."""
        queryset = self.qs
        for dimension in DIMENSIONS:
            values = self.chosen[dimension.param]
            if values and dimension.param != skip:
                queryset = queryset.filter(dimension.condition(values))
        if any(self.chosen[d.param] for d in DIMENSIONS if d.param == "competence" and d.param != skip):
            queryset = queryset.distinct()
        return queryset

    @property
    def results(self):
        return self.filtered().order_by("expires_on", "pk")

    def facets(self):
        """Per dimension, its options with counts under every other filter: one query each."""
        facets = []
        for dimension in DIMENSIONS:
            counts = dimension.count(self.filtered(skip=dimension.param))
            chosen = set(self.chosen[dimension.param])
            options = [
                {"option": o, "count": counts.get(o.key, 0), "selected": o.value in chosen}
                for o in self.options[dimension.param]
            ]
            # A long taxonomy: list what has opportunities, or is chosen.
            options = [o for o in options if o["count"] or o["selected"]]
            facets.append({"dimension": dimension, "options": options})
        return facets
