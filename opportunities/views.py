"""The public board: parse → filter → page → render."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .filters import OpportunityFilter
from .models import Opportunity, explain_match

PER_PAGE = 20
MATCHES_SHOWN = 30


def opportunity_list(request):
    filterset = OpportunityFilter(request.GET)
    page = Paginator(filterset.results, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "opportunities/list.html",
        {"filterset": filterset, "page": page, "facets": filterset.facets()},
    )


def detail(request, slug):
    opportunity = get_object_or_404(
        Opportunity.objects.open().select_related("poster").prefetch_related("competences", "certifications"),
        slug=slug,
    )
    matches = [
        (member, *explain_match(opportunity, member))
        for member in opportunity.matching_members()[:MATCHES_SHOWN]
    ]
    return render(request, "opportunities/detail.html", {"opportunity": opportunity, "matches": matches})
