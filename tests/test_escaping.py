"""Anything a visitor puts in the address comes back escaped, never as live markup."""

from html import escape

import pytest
from django.urls import reverse
from django.utils import translation

from members.models import Competence, CompetenceGroup, Locality

VECTORS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)//",
]


def assert_not_live(payload, html):
    """Markup characters must arrive as entities; a script URL must never become a link."""
    if any(char in payload for char in "<>\"'"):
        assert payload not in html
    assert 'href="javascript:' not in html


@pytest.mark.parametrize("payload", VECTORS)
def test_admin_login_escapes_the_next_parameter(client, db, payload):
    response = client.get(reverse("admin:login"), {"next": payload})
    assert response.status_code == 200
    assert_not_live(payload, response.content.decode())


@pytest.mark.parametrize("payload", VECTORS)
def test_public_pages_escape_any_query_parameter(client, make_member, payload):
    public_pages = [
        reverse("members:home"),
        reverse("members:directory"),
        make_member().get_absolute_url(),
        reverse("members:privacy"),
    ]
    for url in public_pages:
        response = client.get(url, {"q": payload, "page": payload, "lang": payload})
        assert response.status_code == 200
        assert_not_live(payload, response.content.decode())


@pytest.mark.parametrize("payload", VECTORS)
def test_not_found_page_does_not_echo_a_hostile_path(client, db, payload):
    response = client.get("/en/members/" + payload + "/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_not_live(payload, html)
    assert "This page does not exist" in html


def test_language_switch_does_not_redirect_to_a_script_url(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "javascript:alert(1)"})
    assert response.status_code == 302
    assert not response["Location"].startswith("javascript:")


@pytest.mark.parametrize("payload", VECTORS[:3])
def test_the_filter_panel_escapes_names_the_manager_typed(client, db, payload):
    """Group, competence, county and locality names come from the admin: text, never markup."""
    group = CompetenceGroup.objects.create(name_ro=payload, name_en=payload, slug="grup-ostil", position=99)
    Competence.objects.create(name_ro=payload, name_en=payload, slug="competenta-ostila", group=group)
    Locality.objects.create(name=payload, slug="loc-ostil", county=payload, kind=Locality.Kind.TOWN)
    for language in ("ro", "en"):
        with translation.override(language):
            url = reverse("members:directory")
        html = client.get(url).content.decode()
        assert_not_live(payload, html)
        assert escape(payload) in html  # shown, as text
