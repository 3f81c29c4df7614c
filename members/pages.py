"""The cluster's own static pages (how to become a member): translated text, no query."""

from django.conf import settings
from django.shortcuts import render

from .cache import public_page


@public_page
def membership(request):
    return render(request, "members/membership.html", {"contact_email": settings.CLUSTER_CONTACT_EMAIL})
