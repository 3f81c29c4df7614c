"""Cached public pages: served without queries, never stale after a change, never personal.

Pages are cached whole for anonymous visitors under a key holding one version number that every
change to members, competences, competence groups, localities and contacts bumps
(members.signals), so the next request after a save renders afresh.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Competence, CompetenceGroup, ContactPerson, Locality, Member


def english(name, **kwargs):
    with translation.override("en"):
        return reverse(name, **kwargs)


def html(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def facet_counts(page):
    """(name, value, count) of every checkbox in the sidebar, as a visitor sees them."""
    return re.findall(
        r'<input type="checkbox" name="(\w+)" value="([^"]+)"[^>]*>.*?class="facet-count">(\d+)<', page, re.S
    )


@pytest.fixture
def directory():
    return english("members:directory")


def test_a_directory_page_seen_before_is_served_without_queries(
    client, make_member, directory, django_assert_num_queries
):
    make_member(name="Cache Robotics SRL")
    first = html(client, directory, {"category": "enterprise"})
    with django_assert_num_queries(0):
        again = html(client, directory, {"category": "enterprise"})
    assert again == first
    assert "Cache Robotics SRL" in again


def test_a_renamed_member_shows_on_the_next_request(client, make_member, directory):
    member = make_member(name="Vechi Nume SRL")
    assert "Vechi Nume SRL" in html(client, directory)
    member.name = "Nume Nou SRL"
    member.save()
    page = html(client, directory)
    assert "Nume Nou SRL" in page
    assert "Vechi Nume SRL" not in page


def test_a_renamed_competence_shows_on_the_next_request(client, make_member, competences, directory):
    make_member(competences=[competences[0]])
    assert competences[0].name_en in html(client, directory)
    competence = Competence.objects.get(pk=competences[0].pk)
    competence.name_en = "Renamed competence for the test"
    competence.save()
    assert "Renamed competence for the test" in html(client, directory)


def test_a_renamed_competence_group_shows_on_the_next_request(client, make_member, directory):
    make_member()
    group = CompetenceGroup.objects.first()
    assert group.name_en in html(client, directory)
    group.name_en = "Renamed group for the test"
    group.save()
    assert "Renamed group for the test" in html(client, directory)


def test_a_renamed_locality_shows_on_the_next_request(client, make_member, directory):
    locality = Locality.objects.get(slug="voluntari")
    make_member(name="Local SRL", locality=locality)
    assert "Voluntari" in html(client, directory)
    locality.name = "Voluntari Nord"
    locality.save()
    assert "Voluntari Nord" in html(client, directory)


def test_a_contact_given_consent_shows_on_the_profile_on_the_next_request(client, make_member):
    member = make_member(name="Contact SRL")
    profile = english("members:profile", kwargs={"slug": member.slug})
    contact = ContactPerson.objects.create(member=member, name="Ioana Vizibil", role="director")
    assert "Ioana Vizibil" not in html(client, profile)
    contact.public_consent = True
    contact.consent_given_at = timezone.now()
    contact.consent_method = "signed form"
    contact.save()
    assert "Ioana Vizibil" in html(client, profile)


def test_an_unpublished_member_leaves_the_cached_profile_at_once(client, make_member):
    member = make_member(name="Retras SRL")
    profile = english("members:profile", kwargs={"slug": member.slug})
    html(client, profile)
    member.is_published = False
    member.save()
    assert client.get(profile).status_code == 404


def test_cached_facet_counts_equal_freshly_counted_ones_after_a_change(
    client, make_member, competences, settings, directory
):
    for i in range(12):
        make_member(
            category=["enterprise", "rd", "catalyzer"][i % 3],
            size=["micro", "small", ""][i % 3],
            competences=competences[i % 4 : i % 4 + 2],
            offers_subcontracting=i % 2 == 0,
        )
    params = {"competence": competences[1].slug}
    html(client, directory, params)  # cached now
    moved = Member.objects.filter(category="enterprise").first()
    moved.category = "rd"
    moved.save()

    cached = facet_counts(html(client, directory, params))
    settings.DIRECTORY_CACHE = False
    fresh = facet_counts(html(client, directory, params))

    assert cached == fresh
    assert (
        "category",
        "rd",
        str(Member.objects.filter(category="rd", competences=competences[1]).count()),
    ) in fresh


def test_a_visitor_with_a_session_gets_a_page_rendered_for_them(client, manager, make_member, directory):
    make_member()
    html(client, directory)  # cached for anonymous visitors
    client.force_login(manager)
    response = client.get(directory)
    assert response.context is not None  # rendered, not the anonymous copy


def test_with_the_directory_cache_off_every_request_is_rendered(client, make_member, settings, directory):
    settings.DIRECTORY_CACHE = False
    make_member()
    client.get(directory)
    response = client.get(directory)
    assert response.context is not None


@pytest.mark.parametrize("page", ["directory", "profile"])
def test_two_host_names_each_get_their_own_absolute_links_from_the_cache(
    client, make_member, settings, django_assert_num_queries, page
):
    settings.ALLOWED_HOSTS = ["membri.mechatrec.ro", "members.mechatrec.eu"]
    member = make_member(name="Gazda SRL")
    url = english("members:directory") if page == "directory" else member.get_absolute_url()
    first = client.get(url, headers={"host": "membri.mechatrec.ro"}).content.decode()
    second = client.get(url, headers={"host": "members.mechatrec.eu"}).content.decode()
    assert f'<link rel="canonical" href="http://membri.mechatrec.ro{url}">' in first
    assert f'<link rel="canonical" href="http://members.mechatrec.eu{url}">' in second
    assert "membri.mechatrec.ro" not in second
    assert "members.mechatrec.eu" not in first
    with django_assert_num_queries(0):  # each host's page is cached, under its own key
        again = client.get(url, headers={"host": "membri.mechatrec.ro"}).content.decode()
    assert again == first


# --- Abusive addresses and changes that send no signal ---------------------------------------


def test_junk_parameters_neither_make_a_new_cache_entry_nor_reach_the_pages_links(
    client, make_member, directory, django_assert_num_queries
):
    make_member(name="Junk Proof SRL", category=Member.Category.RD)
    clean = html(client, directory, {"category": "rd"})
    junk = "x" * 4000
    with django_assert_num_queries(0):  # the same entry, whatever is added
        padded = client.get(f"{directory}?utm_source={junk}&category=rd&category=rd&zz=1")
    assert padded.content.decode() == clean
    assert junk not in clean and "utm_source" not in clean


def test_the_order_of_repeated_values_does_not_matter_to_the_cache(
    client, make_member, competences, directory, django_assert_num_queries
):
    make_member(name="Ordine SRL", competences=competences[:2])
    first, second = competences[0].slug, competences[1].slug
    page = client.get(f"{directory}?competence={second}&competence={first}").content.decode()
    with django_assert_num_queries(0):
        again = client.get(f"{directory}?competence={first}&competence={second}&competence={first}")
    assert again.content.decode() == page


def test_pagination_links_carry_only_the_filters(client, make_member, directory):
    for n in range(30):
        make_member(name=f"Paginat {n:02} SRL")
    page = html(client, directory, {"sort": "name", "tracking": "abc"})
    next_links = re.findall(r'href="([^"]*)" rel="next"', page)
    assert next_links == ["?sort=name&amp;page=2"]


def test_unknown_values_are_answered_but_never_stored(
    client, make_member, directory, django_assert_num_queries
):
    make_member(name="Singur SRL")
    for _ in range(2):
        response = client.get(directory, {"category": "no-such-category"})
        assert response.status_code == 200 and "Singur SRL" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_value_longer_than_any_link_of_ours_is_answered_but_never_stored(
    client, make_member, directory, django_assert_max_num_queries
):
    make_member(name="Singur SRL")
    long_search = "robotica " * 40
    client.get(directory, {"q": long_search})
    with django_assert_max_num_queries(10) as queries:
        client.get(directory, {"q": long_search})
    assert len(queries) > 0


def test_a_change_committed_after_a_page_was_built_from_the_old_data_is_not_hidden_by_it(
    client, make_member, directory, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from members import cache

    member = make_member(name="Înainte SRL")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        member.name = "După SRL"
        member.save()
        during = cache.version()  # a visitor's page built now would be stored under this
    assert cache.version() != during


def test_a_change_that_sends_no_signal_shows_once_the_version_expires(
    client, make_member, directory, settings
):
    import time

    settings.CACHE_VERSION_SECONDS = 1
    member = make_member(name="Fără Semnal SRL")
    assert "Fără Semnal SRL" in html(client, directory)
    Member.objects.filter(pk=member.pk).update(name="Schimbat Direct SRL")
    assert "Fără Semnal SRL" in html(client, directory)  # served from the cache
    time.sleep(1.1)
    assert "Schimbat Direct SRL" in html(client, directory)
