"""The cluster's composition by category, in words: shown on the home page and above the admin's
member list, so it lives apart from both."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count
from django.utils.translation import ngettext

from .models import Member

# "%(n)s members of a category", in the number `n` asks for (ngettext).
COUNTED = {
    Member.Category.ENTERPRISE: lambda n: ngettext("%(n)s enterprise", "%(n)s enterprises", n),
    Member.Category.RD: lambda n: ngettext("%(n)s R&D entity", "%(n)s R&D entities", n),
    Member.Category.CATALYZER: lambda n: ngettext("%(n)s catalyzer", "%(n)s catalyzers", n),
    Member.Category.PUBLIC_AUTHORITY: lambda n: ngettext(
        "%(n)s public authority", "%(n)s public authorities", n
    ),
}


def category_plural(code):
    """'enterprises', 'întreprinderi': a category's name in the plural (the composition's words)."""
    return (COUNTED[code](2) % {"n": ""}).strip()


def composition(queryset=None, counts=None):
    """'100 enterprises · 13 R&D entities · …' for the members in `queryset` (one GROUP BY), or
    for `counts` ({category: members}) already counted."""
    if counts is None:
        counts = dict(queryset.order_by().values_list("category").annotate(n=Count("pk")))
    labels = COUNTED
    # intcomma: "1.000" in Romanian, "1,000" in English, should the cluster ever grow that big.
    return [
        (code, label(counts.get(code, 0)) % {"n": intcomma(counts.get(code, 0))})
        for code, label in labels.items()
    ]
