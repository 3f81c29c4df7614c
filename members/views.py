from django.shortcuts import get_object_or_404, render

from .models import Member


def profile(request, slug):
    member = get_object_or_404(Member.objects.for_directory(), slug=slug)
    return render(request, "members/profile.html", {"member": member})
