"""The cluster at a glance: the directory's filtered members counted several ways, for /statistics/.

Every chart follows the directory's filters (members.filters.MemberFilter). The charts of a
dimension (category, competence, place, size) are its facet counts (members.facets): counted
with every *other* filter applied, exactly the numbers beside the directory's checkboxes. The
competence groups are counted the same way (a member counts once per group, whatever number of
its competences the group holds). The founding decades and the growth by year count the members
the directory lists, every filter applied.

Only numbers and bar geometry are computed here; the SVG and the tables are written in
templates/members/_chart.html.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from .facets import group_counts

# The SVG's coordinate system (viewBox units; the browser scales it to the column's width).
WIDTH = 400
ROW_HEIGHT = 44  # a label line above each bar, so long names keep the whole width on a phone
BAR_HEIGHT = 16
BAR_SPACE = WIDTH - 90  # room right of the longest bar for its count ("1,234 (12,345)" is wider)


@dataclass
class Bar:
    """One row of a chart, with where its label, bar and count sit in the SVG."""

    label: str
    count: int
    group: str = ""  # the heading the row belongs to (a competence's group, a locality's county)
    running: int | None = None  # growth by year: members at the end of the year
    label_y: int = 0
    bar_y: int = 0
    width: float = 0
    count_x: float = 0
    count_y: int = 0


@dataclass
class Chart:
    slug: str  # in the address of its CSV and its anchor
    title: str
    columns: list  # the table's and the CSV's headings
    bars: list = field(default_factory=list)
    note: str = ""
    bar_height = BAR_HEIGHT

    def __post_init__(self):
        largest = max((bar.count for bar in self.bars), default=0) or 1
        for index, bar in enumerate(self.bars):
            top = index * ROW_HEIGHT
            bar.label_y, bar.bar_y, bar.count_y = top + 16, top + 22, top + 35
            # A count of 1 among thousands still shows a sliver: zero and one must look different.
            bar.width = round(bar.count / largest * BAR_SPACE, 1) if bar.count else 0
            if bar.count and bar.width < 2:
                bar.width = 2
            bar.count_x = bar.width + 6

    @property
    def height(self):
        return max(len(self.bars), 1) * ROW_HEIGHT

    @property
    def grouped(self):
        return any(bar.group for bar in self.bars)

    @property
    def label_column(self):
        """The table column that names a row (its header cell); the numbers follow it."""
        return 1 if self.grouped else 0

    def rows(self):
        """The table's and the CSV's rows, in the order of `columns`."""
        for bar in self.bars:
            row = [bar.group] if self.grouped else []
            row += [bar.label, bar.count]
            yield row + ([bar.running] if bar.running is not None else [])


def _facet_chart(slug, title, heading, facet, group_heading=None, skip_empty=False, note=""):
    bars = [
        Bar(option.label, option.count, _group_of(facet, option) if group_heading else "")
        for option in facet.options
        if option.count or not skip_empty
    ]
    columns = ([group_heading] if group_heading else []) + [heading, _("Members")]
    note = note or (_("Options no member holds are left out.") if skip_empty else "")
    return Chart(slug, title, [str(c) for c in columns], bars, str(note))


def _group_of(facet, option):
    for heading, options in facet.groups.items():
        if any(listed is option for listed in options):
            return heading
    return ""


def competence_groups(filterset):
    """[(group label, members holding any of its competences)], the competence filter left out
    (as the competence facet counts): one query (members.facets.group_counts)."""
    counts = group_counts(filterset.chosen, filterset.search, filterset.options)
    groups = {}  # the groups in the taxonomy's order, from the reference rows already loaded
    for competence in filterset.rows["competence"]:
        groups.setdefault(competence.group_id, str(competence.group))
    return [(label, counts.get(group_id, 0)) for group_id, label in groups.items()]


def by_year(filterset):
    """{(year founded, year joined): members} of the listed members, None for a year not known:
    one query and one pass over the filtered facts for both charts (about a thousand rows)."""
    rows = (
        filterset.qs.order_by()
        .annotate(joined=ExtractYear("member_since"))
        .values_list("founded", "joined")
        .annotate(n=Count("member_id"))
    )
    return {(founded, joined): number for founded, joined, number in rows}


def founded_decades(years):
    """[(decade, members)] of the members with a founding year."""
    decades = {}
    for (founded, _joined), number in years.items():
        if founded is not None:
            decades[founded // 10 * 10] = decades.get(founded // 10 * 10, 0) + number
    return sorted(decades.items())


def growth(years):
    """[(year, joined that year, members at the year's end)] of the members with a membership
    date. Years nobody joined in between are listed with 0."""
    joined = {}
    for (_founded, year), number in years.items():
        if year is not None:
            joined[year] = joined.get(year, 0) + number
    rows, running = [], 0
    for year in range(min(joined), max(joined) + 1) if joined else ():
        running += joined.get(year, 0)
        rows.append((year, joined.get(year, 0), running))
    return rows


CHART_SLUGS = ["category", "competence-group", "competence", "place", "size", "founded", "growth"]


def charts(filterset, facets):
    """[Chart] of the filtered members, in the page's order (`CHART_SLUGS`)."""
    counted = by_year(filterset)
    decades, years = founded_decades(counted), growth(counted)
    return [
        _facet_chart("category", _("Members by category"), _("Category"), facets["category"]),
        Chart(
            "competence-group",
            str(_("Members by competence group")),
            [str(_("Competence group")), str(_("Members"))],
            [Bar(label, number) for label, number in competence_groups(filterset)],
            str(_("A member is counted once in a group, whatever number of its competences it holds.")),
        ),
        _facet_chart(
            "competence",
            _("Members by competence"),
            _("Competence"),
            facets["competence"],
            group_heading=_("Competence group"),
            skip_empty=True,
        ),
        _facet_chart(
            "place",
            _("Members by place"),
            _("Locality"),
            facets["locality"],
            group_heading=_("County"),
            skip_empty=True,
        ),
        _facet_chart(
            "size",
            _("Members by size"),
            _("Size"),
            facets["size"],
            note=_("Members whose size is not stated are left out."),
        ),
        Chart(
            "founded",
            str(_("Members by decade founded")),
            [str(_("Decade")), str(_("Members"))],
            [Bar(f"{decade}–{decade + 9}", number) for decade, number in decades],
            str(_("Members whose founding year is not known are left out.")),
        ),
        Chart(
            "growth",
            str(_("Membership growth by year")),
            [str(_("Year")), str(_("New members")), str(_("Members at the end of the year"))],
            [Bar(str(year), number, running=total) for year, number, total in years],
            str(_("By the year each member joined the cluster; members without that date are left out.")),
        ),
    ]
