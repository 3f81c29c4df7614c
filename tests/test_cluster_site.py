"""Issue 19, a credible cluster site: profiles as a visitor reads them, place names and contact
roles in English on English pages, the home page, the footer, the membership page, the 404 page."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from members.models import ContactPerson, Locality


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def html_of(client, name, language, **kwargs):
    response = client.get(url(name, language, **kwargs))
    assert response.status_code == 200
    return response.content.decode()


def consenting(member, **fields):
    return ContactPerson.objects.create(
        member=member, public_consent=True, consent_given_at=timezone.now(), consent_method="form", **fields
    )


@pytest.fixture
def sector_3(db):
    return Locality.objects.get(name="Sectorul 3")


# --- Profiles ---------------------------------------------------------------------------------


def test_a_profile_phone_is_a_tel_link_and_so_is_a_contact_persons(client, make_member):
    member = make_member(phone="+40 (21) 555-01.23")
    consenting(member, name="Ana Popescu", phone="0721 000 000")
    html = html_of(client, "members:profile", "en", slug=member.slug)
    assert '<a href="tel:+40215550123">+40 (21) 555-01.23</a>' in html
    assert '<a href="tel:0721000000">0721 000 000</a>' in html


def test_a_profile_without_a_logo_shows_the_members_initials_in_the_logo_box(client, make_member):
    member = make_member(name="Alfa Tehnic S.R.L.")
    html = html_of(client, "members:profile", "ro", slug=member.slug)
    assert '<span class="profile-logo logo-placeholder" aria-hidden="true">AT</span>' in html


def test_an_english_profile_of_a_romanian_only_member_says_so_once(client, make_member):
    member = make_member(short_description_ro="Roboți industriali.", description_ro="Integrăm roboți.")
    html = html_of(client, "members:profile", "en", slug=member.slug)
    assert html.count("Available in Romanian only.") == 1
    assert "Roboți industriali." in html and "Integrăm roboți." in html


def test_the_note_is_still_shown_when_only_the_description_is_missing(client, make_member):
    member = make_member(
        short_description_en="Robots.", short_description_ro="Roboți.", description_ro="Integrăm."
    )
    html = html_of(client, "members:profile", "en", slug=member.slug)
    assert html.count("Available in Romanian only.") == 1


def test_a_profile_says_when_its_data_was_verified(client, make_member):
    member = make_member(verified_on=timezone.localdate().replace(year=2026, month=3, day=2))
    assert "<dt>Data verified</dt><dd>March 2026</dd>" in html_of(
        client, "members:profile", "en", slug=member.slug
    )


# --- Place names and roles --------------------------------------------------------------------


def test_english_pages_name_bucharests_sectors_in_english_and_romanian_ones_keep_them(
    client, make_member, sector_3
):
    member = make_member(locality=sector_3)
    en = html_of(client, "members:profile", "en", slug=member.slug)
    body = en.split("<body>")[1]  # the JSON-LD in the head keeps the stored name, as data
    assert "Sector 3</a>, Bucharest" in body and "Sectorul 3" not in body
    ro = html_of(client, "members:profile", "ro", slug=member.slug)
    assert "Sectorul 3</a>, București" in ro
    en_directory = html_of(client, "members:directory", "en")
    assert "Sector 3" in en_directory and "Sectorul" not in en_directory
    member.refresh_from_db()
    assert member.locality.name == "Sectorul 3"  # stored as entered


def test_a_known_role_has_an_english_label_and_keeps_the_role_as_entered(client, make_member):
    member = make_member()
    consenting(member, name="Ana Popescu", role="Director tehnic")
    consenting(member, name="Ion Ionescu", role="Coordonator hală")
    en = html_of(client, "members:profile", "en", slug=member.slug)
    assert 'Technical director (<span lang="ro">Director tehnic</span>)' in en
    assert "Ion Ionescu</strong>, Coordonator hală" in en
    ro = html_of(client, "members:profile", "ro", slug=member.slug)
    assert "Ana Popescu</strong>, Director tehnic" in ro and "Technical director" not in ro
