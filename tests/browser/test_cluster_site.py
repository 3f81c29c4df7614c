"""Issue 19: what a printed profile or list leaves out, and the home page's layout at 1280 px."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_printed_profile_or_list_has_no_header_switcher_or_filters(page, live_server, make_member):
    member = make_member(name="Tipărit SRL", phone="+40 21 555 0101")
    with translation.override("en"):
        profile, directory = member.get_absolute_url(), "/en/members/"
    page.emulate_media(media="print")
    page.goto(f"{live_server.url}{profile}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".language-switcher")).to_be_hidden()
    expect(page.get_by_text("+40 21 555 0101")).to_be_visible()
    page.goto(f"{live_server.url}{directory}")
    expect(page.locator(".filters-panel")).to_be_hidden()
    expect(page.get_by_role("link", name="Tipărit SRL")).to_be_visible()
    page.goto(f"{live_server.url}/en/opportunities/")
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()


def test_the_offer_fills_the_width_at_1280_px(page, live_server, db):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/en/")
    cards = page.locator(".offer-grid > li")
    expect(cards).to_have_count(3)
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    assert len({round(box["y"]) for box in boxes}) == 1  # one row
    grid = page.locator(".offer-grid").bounding_box()
    assert boxes[2]["x"] + boxes[2]["width"] > grid["x"] + grid["width"] - 2  # no empty space beside


def test_a_profiles_e_mail_addresses_become_mailto_links_and_its_phones_tel_links(
    page, live_server, make_member
):
    from django.utils import timezone

    from members.models import ContactPerson

    member = make_member(name="Legături SRL", email="office@legaturi.example.ro", phone="+40 21 555 0101")
    ContactPerson.objects.create(
        member=member,
        name="Ana Popescu",
        role="Director tehnic",
        email="ana@legaturi.example.ro",
        public_consent=True,
        consent_given_at=timezone.now(),
        consent_method="form",
    )
    with translation.override("en"):
        page.goto(f"{live_server.url}{member.get_absolute_url()}")
    expect(page.locator('a[href="mailto:office@legaturi.example.ro"]')).to_have_text(
        "office@legaturi.example.ro"
    )
    expect(page.locator('a[href="mailto:ana@legaturi.example.ro"]')).to_be_visible()
    expect(page.locator('a[href="tel:+40215550101"]')).to_have_text("+40 21 555 0101")
    expect(page.get_by_text("Technical director (Director tehnic)")).to_be_visible()
