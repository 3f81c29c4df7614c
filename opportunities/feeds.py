"""The board as an Atom feed: the same FilterSet as the list, so a filtered list's feed link
follows exactly the opportunities that list shows."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from members.cache import public_page

from .filters import PARAMETERS, OpportunityFilter

# Feed readers want what is new; the list page pages through the rest.
FEED_SIZE = 50


class OpportunityFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # The page cache and HTTP caching of the public pages; feed readers poll often.
        return public_page(super().__call__, parameters=PARAMETERS)(request, *args, **kwargs)

    def get_object(self, request):
        filterset = OpportunityFilter(request.GET)
        filterset.query = request.GET.urlencode()  # canonical: public_page rewrote it
        return filterset

    def title(self, filterset):
        return _("MECHATREC: partnerships and subcontracting opportunities")

    def subtitle(self, filterset):
        return _("Open opportunities posted on the MECHATREC cluster's board, soonest deadline first.")

    def link(self, filterset):
        url = reverse("opportunities:list")
        return f"{url}?{filterset.query}" if filterset.query else url

    def feed_url(self, filterset):
        url = reverse("opportunities:feed")
        return f"{url}?{filterset.query}" if filterset.query else url

    def author_name(self, filterset):
        return _("The MECHATREC cluster office")

    def items(self, filterset):
        return filterset.results[:FEED_SIZE]

    def item_title(self, opportunity):
        return opportunity.title

    def item_description(self, opportunity):
        kind = str(opportunity.get_kind_display()).capitalize()
        text = opportunity.description_text
        return linebreaks(f"{kind}\n\n{text.text}" if text else kind, autoescape=True)

    def item_pubdate(self, opportunity):
        return opportunity.published_at

    def item_updateddate(self, opportunity):
        return opportunity.updated_at

    def item_author_name(self, opportunity):
        return opportunity.poster.name if opportunity.poster_id else _("The MECHATREC cluster office")

    def item_categories(self, opportunity):
        return [str(opportunity.get_kind_display()), *(c.name for c in opportunity.competences.all())]
