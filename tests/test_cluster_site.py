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


# --- Footer, membership page, 404 -------------------------------------------------------------


@pytest.mark.parametrize("language", ["ro", "en"])
def test_every_page_footer_has_the_address_contact_privacy_and_membership(client, db, language, settings):
    settings.CLUSTER_CONTACT_EMAIL = "birou@mechatrec.example"
    html = html_of(client, "members:directory", language)
    footer = html.split('<footer class="site-footer">')[1]
    city = {"ro": "București", "en": "Bucharest"}[language]
    assert f'<span lang="ro">Șos. Pantelimon nr. 6-8</span>, {city}' in footer
    assert 'href="mailto:birou@mechatrec.example"' in footer
    assert f'href="/{language}/privacy/"' in footer and f'href="/{language}/membership/"' in footer


def test_the_membership_page_says_how_to_join_in_both_languages(client, db, settings):
    settings.CLUSTER_CONTACT_EMAIL = "birou@mechatrec.example"
    en = html_of(client, "members:membership", "en")
    assert "<h1>Become a member</h1>" in en and '<h2 id="membership-steps">How to join</h2>' in en
    assert "Write to the cluster office at birou@mechatrec.example" in en
    ro = html_of(client, "members:membership", "ro")
    assert "<h1>Deveniți membru</h1>" in ro
    assert "Scrieți biroului clusterului la birou@mechatrec.example" in ro
    assert "organizații catalizatoare (incubatoare, parcuri tehnologice" in ro


def test_the_membership_page_is_shared_by_caches_and_reads_nothing(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.get(url("members:membership", "en"))
    assert "public" in response["Cache-Control"] and response["ETag"]


@pytest.mark.parametrize("language", ["ro", "en"])
def test_the_not_found_page_links_the_directory_and_offers_a_search(client, db, language):
    response = client.get(f"/{language}/members/nobody-here/")
    assert response.status_code == 404
    html = response.content.decode().split('<section class="error-page">')[1].split("</section>")[0]
    assert f'<form class="search-box" method="get" action="/{language}/members/" role="search">' in html
    assert 'name="q"' in html
    assert f'<a href="/{language}/members/">' in html


# --- The native editor's corrections ----------------------------------------------------------


def test_competences_carry_the_corrected_romanian_names_and_their_old_names_still_find_members(
    client, make_member
):
    from members.filters import MemberFilter
    from members.models import Competence, CompetenceGroup

    names = dict(Competence.objects.values_list("slug", "name_ro"))
    assert names["machine-vision"] == "Viziune artificială pentru inspecție"
    assert names["embedded-systems"] == "Sisteme înglobate (embedded)"
    assert names["pcb-design"] == "Proiectare de cablaje imprimate (PCB)"
    assert (
        CompetenceGroup.objects.get(slug="electronics-embedded").name_ro == "Electronică și sisteme înglobate"
    )
    member = make_member(competences=[Competence.objects.get(slug="pcb-design")])
    for query in ("cablaje imprimate", "circuite imprimate", "PCB"):
        assert list(MemberFilter({"q": query}).qs.values_list("member_id", flat=True)) == [member.pk], query


def test_romanian_pages_say_rgpd_and_english_ones_gdpr(client, db):
    assert "(RGPD, Regulamentul (UE) 2016/679)" in html_of(client, "members:privacy", "ro")
    assert "(GDPR, Regulation (EU) 2016/679)" in html_of(client, "members:privacy", "en")


def test_the_catalyst_organisations_are_explained_where_the_home_page_first_names_them(client, db):
    html = html_of(client, "members:home", "ro")
    body = html.split("<main")[1]
    first = body.index("catalizat")
    assert body[first:].startswith("catalizatoare (incubatoare, parcuri tehnologice, centre de transfer")


def test_the_filter_panel_lists_bucharests_sectors_under_their_own_heading(client, make_member, sector_3):
    make_member(locality=sector_3)
    make_member(locality=Locality.objects.get(slug="voluntari"))
    ro = html_of(client, "members:directory", "ro")
    assert (
        "<summary>Sectoarele Bucureștiului</summary>" in ro
        and "<summary>Localități din Ilfov</summary>" in ro
    )
    en = html_of(client, "members:directory", "en")
    assert (
        "<summary>Bucharest&#x27;s sectors</summary>" in en and "<summary>Localities in Ilfov</summary>" in en
    )


def test_the_collaboration_section_of_the_panel_is_named_as_the_editor_asked(client, db):
    assert "<summary>Collaboration</summary>" in html_of(client, "members:directory", "en")
    assert "<summary>Colaborare</summary>" in html_of(client, "members:directory", "ro")


@pytest.mark.parametrize(
    ("phone", "dialled"),
    [
        ("+40 (21) 555-01.23", "+40215550123"),
        ("021 555 0101 int. 12", "0215550101"),
        ("0721 000 000 / 0722 000 000", "0721000000"),
        ("Tel. 021 555 0101", "0215550101"),
    ],
)
def test_a_tel_link_dials_the_first_number_without_its_extension(phone, dialled):
    from members.display import tel_address

    assert tel_address(phone) == dialled


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Institutul Național de Optoelectronică", "IN"),
        ("S.C. Robo-Tec S.R.L.", "RT"),
        ("Mecanica", "M"),
        ("Ștanțe și Matrițe SA", "ȘM"),
    ],
)
def test_initials_skip_legal_forms_and_joining_words(name, letters):
    from members.display import initials

    assert initials(name) == letters
