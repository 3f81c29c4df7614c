"""/sitemap.xml: every public page, each in both languages with hreflang alternates.

An index (/sitemap.xml) lists one sitemap per kind of page (/sitemap-members.xml…), so a
directory of 100,000 members stays within the protocol's 50,000 addresses per file: Django splits
a section into pages (?p=2) of `limit` addresses, each language counting once.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import reverse

from members.cache import public_page
from members.models import Member
from opportunities.models import Opportunity


class Bilingual(Sitemap):
    """Each item in every language (settings.LANGUAGES), with the others as alternates and the
    Romanian version as x-default, as the pages' own <link rel="alternate"> say."""

    i18n = True
    alternates = True
    x_default = True
    limit = 10_000  # addresses per file: with 3 alternate links each, about 3 MB

    def get_urls(self, *args, **kwargs):
        """Django's x-default is the address without a language (/privacy/), which redirects by
        the browser's language; the pages name the Romanian version, and the two must agree."""
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            default = next(
                a["location"] for a in url["alternates"] if a["lang_code"] == settings.LANGUAGE_CODE
            )
            for alternate in url["alternates"]:
                if alternate["lang_code"] == "x-default":
                    alternate["location"] = default
        return urls


class PageSitemap(Bilingual):
    changefreq = "weekly"
    pages = ["members:home", "members:directory", "opportunities:list", "members:privacy"]

    def items(self):
        return self.pages

    def location(self, item):
        return reverse(item)  # called in each language in turn: /ro/… and /en/…


class MemberSitemap(Bilingual):
    changefreq = "monthly"

    def items(self):
        # (slug, updated_at) pairs, not Member instances: Django lists every item of a section
        # to page it, which at 100,000 members must stay small.
        return Member.objects.published().order_by("slug").values_list("slug", "updated_at")

    def location(self, item):
        return reverse("members:profile", args=[item[0]])

    def lastmod(self, item):
        return item[1]


class OpportunitySitemap(Bilingual):
    changefreq = "daily"

    def items(self):
        return Opportunity.objects.open().order_by("slug").values_list("slug", "updated_at")

    def location(self, item):
        return reverse("opportunities:detail", args=[item[0]])

    def lastmod(self, item):
        return item[1]


SITEMAPS = {"pages": PageSitemap, "members": MemberSitemap, "opportunities": OpportunitySitemap}


def _rendered(response):
    """The page cache stores content: Django's sitemap views answer with a lazy TemplateResponse."""
    return response.render() if hasattr(response, "render") else response


@public_page(parameters={"p": False})
def index(request):
    return _rendered(sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section"))


@public_page(parameters={"p": False})
def section(request, section):
    return _rendered(sitemap_views.sitemap(request, SITEMAPS, section=section))
