"""The public board: parse → filter → page → render."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache

from members.cache import canonical_query, public_page
from members.models import Member

from . import contact
from .filters import PARAMETERS, OpportunityFilter
from .forms import ContactForm
from .models import Opportunity, explain_match

PER_PAGE = 20
MATCHES_SHOWN = 30


@public_page(parameters=PARAMETERS | {"page": False})
def opportunity_list(request):
    filterset = OpportunityFilter(request.GET)
    page = Paginator(filterset.results, PER_PAGE).get_page(request.GET.get("page"))
    # The feed of this list: its filters, without the page number or anything unknown.
    query, _within = canonical_query(request.GET, PARAMETERS)
    feed_url = reverse("opportunities:feed") + (f"?{query}" if query else "")
    response = render(
        request,
        "opportunities/list.html",
        {"filterset": filterset, "page": page, "facets": filterset.facets(), "feed_url": feed_url},
    )
    if filterset.problems or filterset.errors:  # values no link of ours holds: answered, never stored
        patch_cache_control(response, no_store=True)
    return response


def detail(request, slug):
    opportunity = get_object_or_404(
        Opportunity.objects.open().select_related("poster").prefetch_related("competences", "certifications"),
        slug=slug,
    )
    matches = [
        (member, *explain_match(opportunity, member))
        for member in opportunity.matching_members()[:MATCHES_SHOWN]
    ]
    # The page holds the contact form (and its CSRF token): private, never page-cached.
    return render(
        request,
        "opportunities/detail.html",
        {"opportunity": opportunity, "matches": matches, "form": ContactForm()},
    )


# --- Messages to the cluster office ---------------------------------------------------------------


@never_cache
def contact_opportunity(request, slug):
    opportunity = get_object_or_404(Opportunity.objects.open().select_related("poster"), slug=slug)
    return _contact(request, opportunity=opportunity)


@never_cache
def contact_member(request, slug):
    # Only the name is shown: the member's addresses and contact persons stay with the office.
    member = get_object_or_404(Member.objects.published().only("name", "slug"), slug=slug)
    return _contact(request, member=member)


def _contact(request, opportunity=None, member=None):
    """The form on GET; on POST a stored, e-mailed message and a redirect to the confirmation.
    A bot that filled the honeypot is sent to the confirmation too, with nothing stored."""
    context = {"opportunity": opportunity, "member": member}
    status = 200
    if request.method == "POST":
        digest = contact.address_hash(request)
        if contact.over_limit(digest):
            response = render(request, "opportunities/contact_refused.html", context, status=429)
            response["Retry-After"] = str(contact.RATE_WINDOW_SECONDS)
            return response
        form = ContactForm(request.POST)
        if form.is_bot:
            contact.count_message(digest)
            return redirect("opportunities:contact_sent")
        if form.is_valid():
            message = form.save(commit=False)
            message.opportunity, message.member = opportunity, member
            message.address_hash, message.language = digest, translation.get_language()
            message.save()
            contact.count_message(digest)
            contact.notify_office(message)
            return redirect("opportunities:contact_sent")
        status = 400
    else:
        form = ContactForm()
    return render(request, "opportunities/contact.html", {**context, "form": form}, status=status)


@never_cache
def contact_sent(request):
    return render(request, "opportunities/contact_sent.html")
