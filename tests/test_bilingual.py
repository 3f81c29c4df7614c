"""Every public page and the admin in Romanian and English (issue 5)."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from members.facets import FacetOption
from members.models import Member


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def html_of(response):
    return response.content.decode()


def alternate_links(html):
    """{hreflang: href} of the page's <link rel="alternate"> elements."""
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


# --- `/` and the visitor's choice -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("en", "/en/"), ("en-GB,en;q=0.9", "/en/"), ("de", "/ro/"), ("ro-RO,ro;q=0.9", "/ro/"), (None, "/ro/")],
)
def test_the_root_redirects_to_the_visitors_language_romanian_by_default(db, accept_language, expected):
    from django.test import Client

    headers = {"accept-language": accept_language} if accept_language else {}
    response = Client(headers=headers).get("/")
    assert response.status_code == 302
    assert response["Location"] == expected


def test_the_switcher_remembers_the_choice_for_the_root_and_the_admin(client, db):
    response = client.get(reverse("switch_language", args=["ro"]), {"next": "/en/members/"})
    assert response["Location"] == "/ro/members/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ro" and cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    # The client prefers English (Accept-Language), but the explicit choice wins.
    assert client.get("/")["Location"] == "/ro/"


def test_the_switcher_keeps_filters_search_and_page(client, db):
    next_url = "/ro/members/?category=rd&competence=mems&q=robotic%C4%83&page=2"
    response = client.get(reverse("switch_language", args=["en"]), {"next": next_url})
    target = urlsplit(response["Location"])
    assert target.path == "/en/members/"
    assert parse_qs(target.query) == {
        "category": ["rd"],
        "competence": ["mems"],
        "q": ["robotică"],
        "page": ["2"],
    }


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/ro/", "javascript:alert(1)", ""]
)
def test_the_switcher_never_leads_off_the_site(client, db, next_url):
    response = client.get(reverse("switch_language", args=["en"]), {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_an_unknown_language_is_a_404_not_a_cookie(client, db):
    response = client.get(reverse("switch_language", args=["de"]), {"next": "/ro/"})
    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switcher_on_a_page_links_to_the_same_page_in_the_other_language(client, db):
    response = client.get("/ro/members/", {"category": "rd", "q": "cnc", "page": "1"})
    html = html_of(response)
    switch = re.search(r'<a href="([^"]+)" hreflang="en" lang="en">English</a>', html).group(1)
    followed = client.get(switch.replace("&amp;", "&"))
    assert followed["Location"] == "/en/members/?category=rd&page=1&q=cnc"  # the canonical order
    assert '<span aria-current="true" lang="ro">Română</span>' in html


# --- <html lang>, hreflang and canonical ----------------------------------------------------------


@pytest.mark.parametrize("language", ["ro", "en"])
def test_pages_declare_their_language_alternates_and_canonical(client, make_member, language):
    member = make_member(name="Alfa Robotics SRL")
    # The directory keeps its sort; home and profiles have no parameters, so the links drop it.
    for name, kwargs, query in [
        ("members:home", {}, ""),
        ("members:directory", {}, "?sort=name"),
        ("members:profile", {"slug": member.slug}, ""),
    ]:
        html = html_of(client.get(url(name, language, **kwargs), {"sort": "name"}))
        path = {lang: url(name, lang, **kwargs) for lang in ("ro", "en")}
        assert f'<html lang="{language}">' in html
        assert alternate_links(html) == {
            "ro": f"http://testserver{path['ro']}{query}",
            "en": f"http://testserver{path['en']}{query}",
            "x-default": f"http://testserver{path['ro']}{query}",
        }
        assert f'<link rel="canonical" href="http://testserver{path[language]}{query}">' in html


def test_a_missing_page_has_no_alternates_but_a_switcher_to_the_same_address(client, db):
    response = client.get("/en/no-such-page/")
    html = html_of(response)
    assert response.status_code == 404
    assert 'rel="alternate"' not in html and 'rel="canonical"' not in html
    assert "next=%2Fro%2Fno-such-page%2F" not in html  # the switcher names this page, not another
    assert "next=%2Fen%2Fno-such-page%2F" in html


# --- Translated pages -----------------------------------------------------------------------------


HEADINGS = {
    "members:home": (
        "MECHATREC, clusterul de mecatronică din București–Ilfov",
        "MECHATREC, the mechatronics",
    ),
    "members:directory": ("<h1>Catalogul membrilor</h1>", "<h1>Member directory</h1>"),
    "members:privacy": ("<h1>Confidențialitate</h1>", "<h1>Privacy</h1>"),
}


@pytest.mark.parametrize("name", HEADINGS)
def test_public_pages_show_romanian_on_ro_and_english_on_en(client, db, name):
    romanian, english = HEADINGS[name]
    ro_html = html_of(client.get(url(name, "ro")))
    en_html = html_of(client.get(url(name, "en")))
    assert romanian in ro_html and english not in ro_html
    assert english in en_html and romanian not in en_html


def test_the_profile_shows_romanian_headings_labels_and_dates_on_ro(client, make_member, competences):
    member = make_member(
        category=Member.Category.RD,
        size=Member.Size.SMALL,
        description_ro="Cercetare aplicată.",
        description_en="Applied research.",
        member_since=datetime.date(2019, 3, 1),
        competences=competences[:1],
    )
    ro_html = html_of(client.get(url("members:profile", "ro", slug=member.slug)))
    en_html = html_of(client.get(url("members:profile", "en", slug=member.slug)))
    assert "<h2>Despre</h2>" in ro_html and "Entitate de cercetare-dezvoltare" in ro_html
    assert "Întreprindere mică (10–49 de angajați)" in ro_html and "martie 2019" in ro_html
    assert competences[0].name_ro in ro_html
    assert "<h2>About</h2>" in en_html and "R&amp;D entity" in en_html
    assert "Small (10–49 employees)" in en_html and "March 2019" in en_html
    assert competences[0].name_en in en_html


def test_the_not_found_page_is_translated(client, db):
    assert "Această pagină nu există" in html_of(client.get("/ro/no-such-page/"))
    assert "This page does not exist" in html_of(client.get("/en/no-such-page/"))


@pytest.mark.parametrize(("count", "romanian"), [(1, "1 membru"), (2, "2 membri"), (20, "20 de membri")])
def test_the_directory_counts_members_with_romanian_plurals(client, make_member, count, romanian):
    for _ in range(count):
        make_member()
    html = html_of(client.get(url("members:directory", "ro")))
    assert f'<h2 id="result-count" class="result-count">{romanian}</h2>' in html


def test_counts_use_the_languages_thousands_separator(client, db):
    # bulk_create: a thousand rows in one INSERT (save() would take a query or more each).
    Member.objects.bulk_create(
        Member(
            name=f"Firma {n}",
            name_key=f"firma {n}",
            slug=f"firma-{n}",
            category="enterprise",
            is_published=True,
        )
        for n in range(1000)
    )
    ro_html = html_of(client.get(url("members:directory", "ro")))
    en_html = html_of(client.get(url("members:directory", "en")))
    assert '<h2 id="result-count" class="result-count">1.000 de membri</h2>' in ro_html
    assert '<h2 id="result-count" class="result-count">1,000 members</h2>' in en_html
    assert '<span class="facet-count">1.000</span>' in ro_html
    assert '<span class="facet-count">1,000</span>' in en_html
    assert "1.000 de întreprinderi" in html_of(client.get(url("members:home", "ro")))


# --- Member texts: fallback with a note -----------------------------------------------------------


def test_a_missing_english_text_shows_the_romanian_one_with_a_note(client, make_member):
    member = make_member(short_description_ro="Roboți industriali.", description_ro="Integrăm roboți.")
    html = html_of(client.get(url("members:profile", "en", slug=member.slug)))
    assert html.count("Available in Romanian only.") == 1  # once, above the first text (issue 19)
    assert re.search(r'<div class="member-text" lang="ro">\s*<p class="fallback-note" lang="en">', html)
    assert "Roboți industriali." in html and "Integrăm roboți." in html


def test_a_missing_romanian_text_shows_the_english_one_with_a_note(client, make_member):
    make_member(short_description_en="Industrial robots.")
    html = html_of(client.get(url("members:directory", "ro")))
    assert "Text disponibil doar în limba engleză." in html  # as the Romanian-only note reads
    assert '<div class="member-text" lang="en">' in html and "Industrial robots." in html


def test_a_text_in_the_pages_language_has_no_note(client, make_member):
    member = make_member(short_description_ro="Roboți.", short_description_en="Robots.")
    html = html_of(client.get(url("members:profile", "en", slug=member.slug)))
    assert "Robots." in html and "Roboți." not in html
    assert "fallback-note" not in html


def test_no_text_in_either_language_leaves_no_empty_block(client, make_member):
    member = make_member(
        short_description_ro="", short_description_en="", description_ro="", description_en=""
    )
    html = html_of(client.get(url("members:profile", "ro", slug=member.slug)))
    assert "member-text" not in html and "<h2>Despre</h2>" not in html


# --- The admin in Romanian ------------------------------------------------------------------------


def test_the_admin_changelist_speaks_romanian_to_a_romanian_browser(manager_client, make_member):
    make_member(category=Member.Category.ENTERPRISE)
    response = manager_client.get(
        reverse("admin:members_member_changelist"), headers={"accept-language": "ro"}
    )
    html = html_of(response)
    assert '<html lang="ro"' in html
    assert "Administrare MECHATREC" in html
    assert "Selectați pentru modificare: membru" in html  # our override of Django's sentence + our model name
    assert "1 întreprindere" in html  # the composition line
    assert "Publică membrii selectați" in html  # our action
    assert "lipsește textul în engleză" in html  # our filter


def test_the_admin_change_form_has_romanian_labels_and_help(manager_client, make_member):
    member = make_member()
    response = manager_client.get(
        reverse("admin:members_member_change", args=[member.pk]), headers={"accept-language": "ro"}
    )
    html = html_of(response)
    assert "Descriere scurtă (română)" in html
    assert "Doar membrii publicați apar pe site-ul public." in html
    assert "Persoane de contact" in html


def test_the_admin_offers_the_other_language(manager_client, db):
    html = html_of(manager_client.get(reverse("admin:index"), headers={"accept-language": "ro"}))
    assert 'hreflang="en" lang="en">English</a>' in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ro", ["0", "999", "1.000", "12.345", "1.234.567"]),
        ("en", ["0", "999", "1,000", "12,345", "1,234,567"]),
    ],
)
def test_facet_counts_are_grouped_by_thousands_as_each_language_writes_numbers(language, expected):
    """A directory of 100,000 members shows counts like '12.345' on /ro/ and '12,345' on /en/."""
    numbers = [0, 999, 1000, 12345, 1234567]
    options = [FacetOption(str(n), f"Option {n}", n, selected=True) for n in numbers]
    with translation.override(language):
        html = render_to_string("members/_facet_options.html", {"options": options, "param": "x"})
    assert re.findall(r'<span class="facet-count">([^<]*)</span>', html) == expected
