"""The board's Atom feed: the list's filters, only open opportunities, and a valid Atom document."""

import datetime

import defusedxml.ElementTree as ET
from django.urls import reverse
from django.utils import timezone

from opportunities.models import Opportunity

ATOM = "{http://www.w3.org/2005/Atom}"
S = Opportunity.Status


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def assert_valid_atom(feed):
    """RFC 4287's required elements: the feed's id, title and updated, an author for the feed or
    each entry, and each entry's id, title, updated and a link; ids are IRIs, dates RFC 3339."""
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    datetime.datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    feed_has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert entry.findtext(f"{ATOM}id").startswith(("http://", "https://", "tag:"))
        datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert feed_has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None


def entry_titles(feed):
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def test_the_feed_is_valid_atom_listing_open_opportunities_by_deadline(client, publish, make_member):
    today = timezone.localdate()
    firm = make_member(name="Robotix SRL")
    publish(title_en="Later", deadline=today + datetime.timedelta(days=40), poster=firm)
    publish(title_en="Sooner", deadline=today + datetime.timedelta(days=5), description_en="Details & more")
    publish(title_en="Gone", deadline=today - datetime.timedelta(days=1))
    feed = parse(client.get(reverse("opportunities:feed")))
    assert_valid_atom(feed)
    assert entry_titles(feed) == ["Sooner", "Later"]
    assert feed.findtext(f"{ATOM}title") == "MECHATREC: partnerships and subcontracting opportunities"
    first, second = feed.findall(f"{ATOM}entry")
    assert "Details &amp; more" in first.findtext(f"{ATOM}summary")
    assert second.findtext(f"{ATOM}author/{ATOM}name") == "Robotix SRL"
    assert first.find(f"{ATOM}link").get("href").endswith("/en/opportunities/sooner/")


def test_an_empty_feed_is_still_valid(client, db):
    feed = parse(client.get(reverse("opportunities:feed")))
    assert_valid_atom(feed)
    assert entry_titles(feed) == []


def test_the_feed_takes_the_lists_filters(client, publish, competences):
    publish(title_en="Robotics call", programme="Horizon Europe", competences=competences[:1], trl=6)
    publish(title_en="Milling", kind=Opportunity.Kind.SUBCONTRACTING, competences=competences[1:2])
    url = reverse("opportunities:feed")
    assert entry_titles(parse(client.get(url, {"kind": "subcontracting"}))) == ["Milling"]
    assert entry_titles(parse(client.get(url, {"competence": competences[0].slug}))) == ["Robotics call"]
    assert entry_titles(parse(client.get(url, {"trl_min": 5}))) == ["Robotics call"]
    assert entry_titles(parse(client.get(url, {"q": "milling"}))) == ["Milling"]
    # A feed of a filtered list links back to that list.
    feed = parse(client.get(url, {"kind": "subcontracting"}))
    link = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert link.endswith("/en/opportunities/?kind=subcontracting")


def test_bad_filter_values_give_a_feed_not_an_error(client, publish):
    publish(title_en="Robotics call")
    url = reverse("opportunities:feed")
    for query in ({"trl_min": "ten"}, {"kind": "nothing"}, {"competence": "x" * 500}):
        feed = parse(client.get(url, query))
        assert_valid_atom(feed)


def test_the_list_links_its_feed_with_the_same_filters(client, publish):
    publish(title_en="Robotics call")
    html = client.get(reverse("opportunities:list"), {"kind": "partner-search", "page": "1", "x": "y"}).text
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Opportunities (Atom feed)" '
        'href="/en/opportunities/feed/?kind=partner-search">' in html
    )
    assert '<a href="/en/opportunities/feed/?kind=partner-search">Follow this list (Atom feed)</a>' in html
    assert 'href="/en/opportunities/feed/"' in client.get(reverse("opportunities:list")).text


def test_the_feed_is_publicly_cacheable_and_revalidates(client, publish, django_assert_max_num_queries):
    publish(title_en="Robotics call")
    url = reverse("opportunities:feed")
    # opportunities, competences, certifications, programme options, competence options
    with django_assert_max_num_queries(6):
        first = client.get(url)
    assert "public" in first["Cache-Control"] and first.has_header("ETag")
    with django_assert_max_num_queries(0):
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_the_feed_is_in_the_visitors_language(client, publish):
    publish(title_en="Robotics call", title_ro="Apel de robotică")
    feed = parse(client.get("/ro/opportunities/feed/"))
    assert entry_titles(feed) == ["Apel de robotică"]
    assert feed.findtext(f"{ATOM}title") == "MECHATREC: oportunități de parteneriat și subcontractare"


def test_the_list_is_page_cached_until_an_opportunity_changes(client, publish, django_assert_max_num_queries):
    first = publish(title_en="Robotics call")
    url = reverse("opportunities:list")
    assert "Robotics call" in client.get(url).text
    with django_assert_max_num_queries(0):
        assert "Robotics call" in client.get(url).text
    first.title_en = "Renamed call"
    first.save()
    assert "Renamed call" in client.get(url).text


def test_an_opportunity_called_feed_gets_an_address_of_its_own(client, publish):
    called_feed = publish(title_en="Feed")
    assert called_feed.slug == "feed-2"
    assert client.get(called_feed.get_absolute_url()).status_code == 200
    assert entry_titles(parse(client.get(reverse("opportunities:feed")))) == ["Feed"]
