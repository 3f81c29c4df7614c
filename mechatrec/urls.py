from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from members.languages import switch_language

from . import sitemaps
from .health import healthz

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Outside the language prefixes: the switcher's link, which also remembers the choice.
    path("language/<str:language_code>/", switch_language, name="switch_language"),
    # Outside i18n_patterns: load balancers probe one fixed, unredirected address.
    path("healthz", healthz, name="healthz"),
    # Crawlers (and Lighthouse's SEO audit) ask for it at the root, in no language.
    # The read-only API: outside the language prefixes (its JSON carries both languages).
    path("api/v1/", include("api.urls")),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    # Outside i18n_patterns too: one sitemap lists both languages' pages (mechatrec.sitemaps).
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
]
urlpatterns += i18n_patterns(path("", include("members.urls")), path("", include("opportunities.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
