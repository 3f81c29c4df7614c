"""The public end of a personal update link (members.selfservice)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import selfservice

# What the holder of a link that no longer works is told, and with which status.
REFUSALS = {"unknown": 404, "expired": 410, "revoked": 410, "used": 410}


@never_cache
def self_service(request, key):
    try:
        link = selfservice.resolve(key)
    except selfservice.LinkRefused as refused:
        return render(
            request,
            "members/self_service_refused.html",
            {"reason": refused.reason},
            status=REFUSALS[refused.reason],
        )
    return render(request, "members/self_service.html", {"link": link, "member": link.member})
