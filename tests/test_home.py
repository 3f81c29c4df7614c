"""The cluster's home page."""

from django.urls import reverse
from django.utils import translation

from members.models import Member


def test_home_shows_the_motto_and_live_counts_per_category_linking_to_the_directory(client, make_member):
    make_member(category=Member.Category.RD)
    make_member(category=Member.Category.RD)
    make_member(category=Member.Category.ENTERPRISE)
    make_member(category=Member.Category.ENTERPRISE, is_published=False)
    with translation.override("en"):
        html = client.get(reverse("members:home")).content.decode()
    assert "Mechatronics for the future!" in html
    assert '<a href="/en/members/?category=rd">2 R&amp;D entities</a>' in html
    assert '<a href="/en/members/?category=enterprise">1 enterprise</a>' in html
    assert '<a href="/en/members/?category=catalyzer">0 catalyzers</a>' in html


def test_home_has_a_search_box_that_opens_the_directory(client, db):
    with translation.override("en"):
        html = client.get(reverse("members:home")).content.decode()
    assert '<form class="search-box" method="get" action="/en/members/" role="search">' in html
    assert 'name="q"' in html


def test_the_site_root_redirects_to_a_language(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] in ("/ro/", "/en/")
