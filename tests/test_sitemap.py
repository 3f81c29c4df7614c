"""/sitemap.xml: an index of sitemaps listing every public page in both languages, each with its
hreflang alternates, as the sitemaps.org protocol and Google's hreflang extension describe."""

import datetime
import re

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from mechatrec.sitemaps import MemberSitemap
from opportunities.models import Opportunity

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z))?$")


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def section_urls(client):
    index = parse(client.get("/sitemap.xml"))
    assert index.tag == "{" + NS["sm"] + "}sitemapindex"
    return [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]


def entries(client, url):
    """{loc: {hreflang: href}} of one sitemap, checked against the protocol on the way."""
    root = parse(client.get(url.removeprefix("http://testserver")))
    assert root.tag == "{" + NS["sm"] + "}urlset"
    found = {}
    for entry in root.findall("sm:url", NS):
        loc = entry.find("sm:loc", NS).text
        assert loc.startswith("http://testserver/") and loc not in found
        lastmod = entry.find("sm:lastmod", NS)
        assert lastmod is None or W3C_DATE.match(lastmod.text), lastmod.text
        assert entry.find("sm:changefreq", NS).text in {"daily", "weekly", "monthly"}
        links = entry.findall("xhtml:link", NS)
        assert all(link.get("rel") == "alternate" for link in links)
        found[loc] = {link.get("hreflang"): link.get("href") for link in links}
    return found


@pytest.fixture
def site(make_member):
    member = make_member(name="Hartă SRL")
    make_member(name="Ascuns SRL", is_published=False)
    today = timezone.localdate()
    open_one = Opportunity(
        kind=Opportunity.Kind.PARTNER_SEARCH,
        title_en="Open call",
        deadline=today + datetime.timedelta(days=30),
    )
    for status in (Opportunity.Status.AWAITING, Opportunity.Status.PUBLISHED):
        open_one.move_to(status)
    open_one.save()
    Opportunity.objects.create(kind=Opportunity.Kind.PARTNER_SEARCH, title_en="A draft")
    return member, open_one


def test_every_public_page_is_listed_in_both_languages_with_its_alternates(client, site):
    member, opportunity = site
    sections = section_urls(client)
    assert sections == [
        f"http://testserver/sitemap-{name}.xml" for name in ("pages", "members", "opportunities")
    ]
    listed = {}
    for url in sections:
        listed |= entries(client, url)
    paths = {
        "/{}/",
        "/{}/members/",
        "/{}/opportunities/",
        "/{}/privacy/",
        "/{}/members/" + member.slug + "/",
        "/{}/opportunities/" + opportunity.slug + "/",
    }
    assert set(listed) == {"http://testserver" + path.format(lang) for path in paths for lang in ("ro", "en")}
    for path in paths:
        ro, en = ("http://testserver" + path.format(lang) for lang in ("ro", "en"))
        # Each version names both, and the Romanian one as the default, the same as the pages' own links.
        assert listed[ro] == listed[en] == {"ro": ro, "en": en, "x-default": ro}


def test_unpublished_members_and_closed_or_draft_opportunities_are_not_listed(client, site):
    text = "".join(
        client.get(url.removeprefix("http://testserver")).content.decode() for url in section_urls(client)
    )
    assert "ascuns-srl" not in text and "a-draft" not in text


def test_every_listed_page_answers(client, site):
    listed = entries(client, "/sitemap-pages.xml") | entries(client, "/sitemap-members.xml")
    for loc in listed:
        assert client.get(loc.removeprefix("http://testserver")).status_code == 200, loc


def test_profiles_carry_their_last_change(client, site):
    member, _opportunity = site
    listed = parse(client.get("/sitemap-members.xml"))
    assert listed.find("sm:url/sm:lastmod", NS).text == member.updated_at.date().isoformat()


def test_a_big_directory_is_split_into_pages_the_index_lists(client, make_member, monkeypatch):
    monkeypatch.setattr(MemberSitemap, "limit", 2)
    for _i in range(3):
        make_member()
    sections = section_urls(client)
    assert "http://testserver/sitemap-members.xml?p=2" in sections
    assert len(entries(client, "/sitemap-members.xml?p=2")) == 2  # one member, both languages


def test_unknown_sections_and_pages_are_404s(client, site):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-members.xml?p=9").status_code == 404


def test_the_sitemap_is_a_public_cached_answer_with_pinned_queries(
    client, site, django_assert_max_num_queries
):
    # Members and open opportunities, each counted (the pages) and their latest change.
    with django_assert_max_num_queries(4):
        response = client.get("/sitemap.xml")
    assert "public" in response["Cache-Control"] and response.has_header("ETag")
    with django_assert_max_num_queries(2):  # the members counted, then the file's page of them
        response = client.get("/sitemap-members.xml")
    assert "public" in response["Cache-Control"]
    with django_assert_max_num_queries(0):
        assert client.get("/sitemap-members.xml").status_code == 200  # from the page cache


def test_robots_txt_points_crawlers_to_the_sitemap(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_the_sitemap_and_the_pages_own_links_name_the_same_alternates(client, site):
    member, _opportunity = site
    listed = entries(client, "/sitemap-members.xml")
    for loc, alternates in listed.items():
        html = client.get(loc.removeprefix("http://testserver")).content.decode()
        on_page = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
        assert on_page == alternates, loc


def test_pages_that_split_a_members_two_languages_still_list_every_address_once(
    client, make_member, monkeypatch
):
    monkeypatch.setattr(MemberSitemap, "limit", 3)
    members = [make_member() for _i in range(3)]
    pages = [url for url in section_urls(client) if "sitemap-members" in url]
    assert len(pages) == 2
    listed = [loc for url in pages for loc in entries(client, url)]
    expected = [f"http://testserver/{lang}/members/{m.slug}/" for m in members for lang in ("ro", "en")]
    assert sorted(listed) == sorted(expected)
