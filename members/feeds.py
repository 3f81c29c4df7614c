"""/members/feed/: an Atom feed of the members most recently published in the directory."""

from django.contrib.syndication.views import Feed
from django.db.models import Min
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext

from .models import Member

FEED_SIZE = 30


def newly_published(count=FEED_SIZE):
    """The `count` published members published last, newest first, each with `published_at`.

    A member is published when its history first shows it published (members are often created
    unpublished and published after review), or, for members saved without history (bulk-loaded
    synthetic ones), when it was created. Three queries: the history's latest first publications,
    the members created last, and those of both lists still published.
    """
    first_published = (
        Member.history.filter(is_published=True)
        .values("id")
        .annotate(at=Min("history_date"))
        .order_by("-at")
        .values_list("id", "at")[:count]
    )
    created = Member.objects.published().order_by("-created_at").values_list("pk", "created_at")[:count]
    # The history's date wins. A member created last whose history is not in the first list was
    # published before that list's last entry, so its creation date (earlier still) ranks it right.
    dates = dict(created) | dict(first_published)
    members = Member.objects.published().filter(pk__in=dates).select_related("locality")
    for member in members:
        member.published_at = dates[member.pk]
    return sorted(members, key=lambda member: (member.published_at, member.pk), reverse=True)[:count]


class NewMembersFeed(Feed):
    feed_type = Atom1Feed
    author_name = "MECHATREC"

    def title(self):
        return gettext("New members of the MECHATREC cluster")

    def subtitle(self):
        return gettext("Organisations newly published in the MECHATREC member directory.")

    def link(self):
        return reverse("members:directory")

    def feed_url(self):
        return reverse("members:feed")

    def items(self):
        return newly_published()

    def item_title(self, member):
        return member.name

    def item_description(self, member):
        facts = [capfirst(member.get_category_display())]
        if member.locality:
            facts.append(member.locality.name)
        text = member.localized("short_description")
        # Atom's summary is HTML to feed readers: the text is escaped, never markup.
        return escape(" · ".join(facts) + (f". {text}" if text else ""))

    def item_pubdate(self, member):
        return member.published_at

    def item_updateddate(self, member):
        return member.updated_at
