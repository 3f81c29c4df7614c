"""Pages the law asks for: what personal data the directory publishes and how to have it removed."""

from django.conf import settings
from django.shortcuts import render


def privacy(request):
    return render(request, "members/privacy.html", {"privacy_email": settings.PRIVACY_EMAIL})
