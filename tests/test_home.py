"""The cluster's home page."""

import datetime

import pytest
from django.db import connection
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


def test_home_shows_key_figures_from_the_counting_tables(client, make_member, competences, localities):
    make_member(category=Member.Category.RD, competences=competences[:2], locality=localities[0])
    make_member(category=Member.Category.ENTERPRISE, competences=competences[1:3], locality=localities[1])
    make_member(category=Member.Category.ENTERPRISE, competences=competences[5:6], is_published=False)
    # A member who left: on PostgreSQL its cells stay, counting 0.
    make_member(competences=competences[7:8], locality=localities[2]).delete()
    with translation.override("en"):
        html = client.get(reverse("members:home")).content.decode()
    assert '<a href="/en/members/"><strong>2</strong> members</a>' in html
    assert '<a href="/en/members/?category=rd"><strong>1</strong> R&amp;D entity</a>' in html
    assert (
        "<strong>3</strong> competences offered" in html
    )  # neither the unpublished member's nor the leaver's
    assert "<strong>2</strong> localities" in html


def test_home_key_figures_read_in_romanian_with_de(client, make_member):
    for _ in range(20):
        make_member()
    with translation.override("ro"):
        html = client.get(reverse("members:home")).content.decode()
    assert "<strong>20</strong> de membri" in html


def test_home_lists_the_newest_members_first(client, make_member):
    make_member(name="Vechi SRL", member_since=datetime.date(2015, 1, 1))
    make_member(name="Nou SRL", member_since=datetime.date(2026, 5, 1))
    make_member(name="Ascuns SRL", member_since=datetime.date(2026, 6, 1), is_published=False)
    with translation.override("en"):
        html = client.get(reverse("members:home")).content.decode()
    newest = html.split('id="newest-title"')[1]
    assert newest.index("Nou SRL") < newest.index("Vechi SRL")
    assert "Ascuns SRL" not in html
    assert '<a href="/en/members/?sort=newest">All members, newest first</a>' in newest


def test_home_shows_the_motto_once_and_the_clusters_address_and_contact(client, db, settings):
    settings.CLUSTER_CONTACT_EMAIL = "birou@mechatrec.example"
    with translation.override("ro"):
        html = client.get(reverse("members:home")).content.decode()
    assert html.count("Mecatronica pentru viitor!") == 1
    assert "Șos. Pantelimon nr. 6-8</span>, București" in html
    assert '<a href="mailto:birou@mechatrec.example">birou@mechatrec.example</a>' in html
    assert '<a class="button" href="/ro/membership/">Cum deveniți membru</a>' in html


def test_home_reads_two_queries_at_most(client, make_member, competences, django_assert_max_num_queries):
    for competence in competences[:30]:
        make_member(competences=[competence])
    # 1. key figures and counts per category from the cells, 2. the newest members with locality
    with django_assert_max_num_queries(2), translation.override("en"):
        assert client.get(reverse("members:home")).status_code == 200


def test_home_lists_the_first_members_of_the_directory_sorted_newest(client, make_member):
    for day, name in [
        (1, "Beta SRL"),
        (1, "Alfa SRL"),
        (3, "Gama SRL"),
        (2, "Delta SRL"),
        (2, "Epsilon SRL"),
    ]:
        make_member(name=name, member_since=datetime.date(2026, 1, day))
    make_member(name="Zeta SRL", member_since=None)
    with translation.override("en"):
        home = client.get(reverse("members:home")).context["newest"]
        directory = client.get(reverse("members:directory"), {"sort": "newest"}).context["members"]
    assert (
        [m.name for m in home]
        == [m.name for m in directory][:4]
        == ["Gama SRL", "Delta SRL", "Epsilon SRL", "Alfa SRL"]
    )


def test_on_postgresql_an_index_serves_the_newest_members(db):
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the facts are a view")
    with connection.cursor() as cursor:
        assert "members_facts_newest" in connection.introspection.get_constraints(cursor, "members_facts")
