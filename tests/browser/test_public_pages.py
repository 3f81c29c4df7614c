"""What a visitor's browser gets from the public pages that exist so far (the directory's own
journeys come with the directory)."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_profile_loads_the_site_stylesheet_and_keyboard_users_find_the_skip_link_first(
    page, live_server, make_member
):
    member = make_member(name="Tehnică Avansată SRL")
    with translation.override("en"):
        page.goto(f"{live_server.url}{member.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tehnică Avansată SRL")

    skip_link = page.get_by_role("link", name="Skip to content")
    # Off-screen until focused: only true when site.css was served and applied.
    assert skip_link.bounding_box()["x"] < 0
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    assert skip_link.bounding_box()["x"] >= 0
