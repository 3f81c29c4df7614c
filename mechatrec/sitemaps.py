"""/sitemap.xml: every public page, each in both languages with hreflang alternates.

An index (/sitemap.xml) lists one sitemap per kind of page (/sitemap-members.xml…), so a
directory of 100,000 members stays within the protocol's 50,000 addresses per file: Django splits
a section into pages (?p=2) of `limit` addresses, each language counting once.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import get_language

from members.cache import public_page
from members.models import Member
from opportunities.models import Opportunity


class Bilingual(Sitemap):
    """Each item in every language (settings.LANGUAGES), with the others as alternates and the
    Romanian version as x-default, as the pages' own <link rel="alternate"> say."""

    i18n = True
    alternates = True
    x_default = True
    limit = 5_000  # addresses per file: with 3 alternate links each, about 2.5 MB

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


class _InEveryLanguage:
    """The (item, language) pairs Django's i18n sitemap pages through, read from the queryset one
    page at a time: Django's own list would hold all 100,000 members for every file served."""

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, languages

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __getitem__(self, index):  # the Paginator asks for [bottom:top]
        n = len(self.languages)
        first = index.start // n
        rows = self.queryset[first : -(-index.stop // n)]
        pairs = [(row, language) for row in rows for language in self.languages]
        skip = index.start - first * n
        return pairs[skip : skip + index.stop - index.start]


class RowSitemap(Bilingual):
    """The rows of `queryset()`, by slug, read as (slug, updated_at) pairs a page at a time."""

    url_name = ""

    def __init__(self):
        self._prefixes = {}  # language → the profile address around its slug

    def queryset(self):
        raise NotImplementedError

    def items(self):
        return self.queryset().order_by("slug").values_list("slug", "updated_at")

    @property
    def paginator(self):
        return Paginator(_InEveryLanguage(self.items(), self._languages()), self.limit)

    def get_latest_lastmod(self):
        return self.queryset().aggregate(latest=Max("updated_at"))["latest"]

    def location(self, item):
        # One reverse() per language, not one per address (20,000 of them cost seconds a file).
        language = get_language()
        if language not in self._prefixes:
            self._prefixes[language] = reverse(self.url_name, args=["slug"]).rpartition("slug")
        before, _slug, after = self._prefixes[language]
        return before + item[0] + after

    def lastmod(self, item):
        return item[1]


class MemberSitemap(RowSitemap):
    changefreq = "monthly"
    url_name = "members:profile"

    def queryset(self):
        return Member.objects.published()


class OpportunitySitemap(RowSitemap):
    changefreq = "daily"
    url_name = "opportunities:detail"

    def queryset(self):
        return Opportunity.objects.open()


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
