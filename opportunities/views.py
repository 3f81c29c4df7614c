from django.shortcuts import get_object_or_404, render

from .models import Opportunity


def opportunity_list(request):
    return render(request, "opportunities/list.html", {"opportunities": Opportunity.objects.for_list()})


def detail(request, slug):
    opportunity = get_object_or_404(Opportunity.objects.open(), slug=slug)
    return render(request, "opportunities/detail.html", {"opportunity": opportunity})
