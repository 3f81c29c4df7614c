"""The public end of a personal update link (members.selfservice): the member's update form."""

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from mechatrec.security import client_ip

from . import selfservice
from .self_service_forms import ContactFormSet, SelfServiceForm

# What the holder of a link that no longer works is told, and with which status.
REFUSALS = {"unknown": 404, "expired": 410, "revoked": 410, "used": 410}
# Requests to the update form per client address and hour: a person fills it in a few times,
# a script guessing links is stopped long before it could matter.
RATE_LIMIT = 60


def rate_limited(request):
    bucket = f"self-service-rate:{client_ip(request)}"
    cache.add(bucket, 0, 3600)
    try:
        return cache.incr(bucket) > RATE_LIMIT
    except ValueError:  # expired between add and incr
        return False


@never_cache
def self_service(request, key):
    if rate_limited(request):
        return render(request, "members/self_service_refused.html", {"reason": "rate"}, status=429)
    try:
        link = selfservice.resolve(key)
    except selfservice.LinkRefused as refused:
        status = REFUSALS[refused.reason]
        return render(request, "members/self_service_refused.html", {"reason": refused.reason}, status=status)
    member = link.member
    contacts = [
        {
            "id": c.pk,
            "name": c.name,
            "role": c.role,
            "email": c.email,
            "phone": c.phone,
            "consent": "public" if c.is_public else "private",
        }
        for c in member.contacts.all()
    ]
    if request.method == "POST" and request.POST.get("unchanged") == "yes":
        selfservice.confirm_unchanged(link)
        return redirect("members:self_service_confirmed")
    if request.method == "POST":
        form = SelfServiceForm(request.POST, request.FILES, instance=member)
        formset = ContactFormSet(request.POST, prefix="contacts", initial=contacts)
        if form.is_valid() and formset.is_valid():
            selfservice.submit(link, form, formset)
            return redirect("members:self_service_sent")
        status = 400
    else:
        form = SelfServiceForm(instance=member)
        formset = ContactFormSet(prefix="contacts", initial=contacts)
        status = 200
    context = {"link": link, "member": member, "form": form, "formset": formset}
    return render(request, "members/self_service.html", context, status=status)


def self_service_sent(request):
    return render(request, "members/self_service_sent.html")


def self_service_confirmed(request):
    return render(request, "members/self_service_sent.html", {"confirmed": True})
