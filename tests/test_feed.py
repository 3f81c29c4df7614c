"""/members/feed/: an Atom feed of newly published members, advertised by the directory and
the home page, checked against what RFC 4287 requires of a feed and of each entry."""

import datetime
import re

import pytest
from defusedxml import ElementTree
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Member

ATOM = {"a": "http://www.w3.org/2005/Atom"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def feed_url(language="en"):
    with translation.override(language):
        return reverse("members:feed")


def read_feed(client, language="en"):
    response = client.get(feed_url(language))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    # RFC 4287 §4.1.1: a feed has exactly one id, title and updated, and an author.
    for element in ("id", "title", "updated", "author/a:name"):
        assert len(root.findall("a:" + element, ATOM)) == 1, element
    assert RFC3339.match(root.find("a:updated", ATOM).text)
    assert root.find("a:link[@rel='self']", ATOM).get("href") == "http://testserver" + feed_url(language)
    entries = root.findall("a:entry", ATOM)
    for entry in entries:  # §4.1.2: each entry has one id, title, updated and a link
        for element in ("id", "title", "updated", "published"):
            assert len(entry.findall("a:" + element, ATOM)) == 1, element
            if element in ("updated", "published"):
                assert RFC3339.match(entry.find("a:" + element, ATOM).text)
        assert entry.find("a:link[@rel='alternate']", ATOM).get("href").startswith("http://testserver/")
    return root, entries


def test_the_feed_lists_published_members_newest_publication_first(client, make_member):
    make_member(name="Vechi SRL")
    make_member(name="Ascuns SRL", is_published=False)
    late = make_member(name="Publicat Acum SRL", is_published=False)  # created first, reviewed later
    Member.objects.filter(pk=late.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    late = Member.objects.get(pk=late.pk)
    late.is_published = True
    late.save()  # its history records when it was published
    _root, entries = read_feed(client)
    titles = [entry.find("a:title", ATOM).text for entry in entries]
    assert titles == ["Publicat Acum SRL", "Vechi SRL"]
    first = entries[0]
    assert first.find("a:link", ATOM).get("href") == "http://testserver" + late.get_absolute_url()


def test_an_entry_summarises_the_member_in_the_page_language_as_escaped_text(client, make_member, localities):
    voluntari = next(locality for locality in localities if locality.slug == "voluntari")
    make_member(
        name="<b>Roboți</b> SRL",
        locality=voluntari,
        short_description_en="Robots <script>",
        short_description_ro="Roboți la comandă",
    )
    _root, [entry] = read_feed(client, "en")
    assert entry.find("a:title", ATOM).text == "<b>Roboți</b> SRL"  # text, read back as written
    summary = entry.find("a:summary", ATOM)
    assert summary.get("type") == "html"
    assert summary.text == "Enterprise · Voluntari. Robots &lt;script&gt;"  # no markup reaches a reader
    root, [entry] = read_feed(client, "ro")
    assert root.find("a:title", ATOM).text == "Membrii noi ai clusterului MECHATREC"
    assert entry.find("a:summary", ATOM).text == "Întreprindere · Voluntari. Roboți la comandă"


def test_the_feed_holds_at_most_thirty_members_in_three_queries(
    client, make_member, django_assert_max_num_queries
):
    for _i in range(35):
        make_member()
    # the history's first publications, the members created last, the chosen members with localities
    with django_assert_max_num_queries(3):
        response = client.get(feed_url())
    assert response.content.count(b"<entry>") == 30
    assert "public" in response["Cache-Control"] and response.has_header("ETag")


@pytest.mark.parametrize("name", ["members:directory", "members:home"])
def test_the_directory_and_the_home_page_advertise_the_feed(client, db, name):
    for language in ("en", "ro"):
        with translation.override(language):
            html = client.get(reverse(name)).content.decode()
        link = re.search(
            r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)" title="([^"]+)">', html
        )
        assert link and link.group(1) == feed_url(language)
    assert link.group(2) == "Membrii noi ai clusterului MECHATREC"


def test_a_member_called_feed_gets_a_profile_of_its_own(client, make_member):
    member = make_member(name="Feed")
    assert member.slug == "feed-2"
    assert client.get(member.get_absolute_url()).status_code == 200


def test_a_member_published_after_the_feed_was_read_appears_at_once(client, make_member):
    make_member(name="Primul SRL")
    assert client.get(feed_url()).content.count(b"<entry>") == 1
    waiting = make_member(name="În Așteptare SRL", is_published=False)
    waiting.is_published = True
    waiting.save()  # bumps the page cache's version (members.signals)
    _root, entries = read_feed(client)
    assert [entry.find("a:title", ATOM).text for entry in entries] == ["În Așteptare SRL", "Primul SRL"]
