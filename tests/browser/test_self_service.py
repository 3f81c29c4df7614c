"""The self-service journey in a real browser: the manager sends a link, the member updates its
description and a contact person's consent, the manager approves two of three fields, the
profile shows them. The update form meets WCAG 2.1 AA (axe)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from members.models import ContactPerson, Member
from tests.quality import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def member(make_member):
    member = make_member(
        name="Roboți Ilfov SRL", description_en="Automation.", description_ro="Automatizări.", founded=2004
    )
    ContactPerson.objects.create(member=member, name="Ioana Stan", email="ioana@roboti.example.ro")
    return member


def log_in(page, live_server, manager):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "a-long-password-123")
    page.click("input[type=submit]")


def test_the_manager_sends_a_link_the_member_updates_and_two_of_three_fields_are_approved(
    page, live_server, member, manager, settings
):
    settings.SITE_URL = live_server.url
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/admin/members/member/{member.pk}/change/")
    page.get_by_role("link", name="Send update link").click()
    page.get_by_role("button", name="Send the links").click()
    expect(page.locator(".messagelist")).to_contain_text("1 update link sent")
    (message,) = mail.outbox
    link = re.search(r"http\S+/update/\S+/", message.body).group(0)

    # The member, in another browser context (no admin session).
    visitor = page.context.browser.new_context()
    form = visitor.new_page()
    form.goto(link)  # in Romanian, the member's language
    expect(form.get_by_role("heading", level=1)).to_contain_text("Actualizați profilul")
    assert_no_axe_violations(form)
    form.goto(link.replace("/ro/", "/en/"))  # the same link read in English
    assert_no_axe_violations(form)
    form.get_by_label("Description (English):", exact=True).fill("Industrial robots, built to order.")
    form.get_by_label("Description (Romanian):", exact=True).fill("Roboți industriali la comandă.")
    form.get_by_label("Year founded:", exact=True).fill("2005")
    form.get_by_label("I agree to be shown on the public profile").first.check()
    form.get_by_role("button", name="Send for approval").click()
    expect(form.get_by_role("heading", name="Thank you")).to_be_visible()
    form.goto(f"{live_server.url}/en/members/{member.slug}/")
    expect(form.locator("main")).not_to_contain_text("built to order")

    # The manager approves two of the three fields (not the Romanian description).
    page.goto(f"{live_server.url}/admin/members/pendingchange/")
    page.get_by_role("link", name="Roboți Ilfov SRL").click()
    page.get_by_label("Description (Romanian)", exact=True).uncheck()
    page.get_by_role("button", name="Approve the ticked fields").click()
    expect(page.locator(".messagelist")).to_contain_text("Approved")

    form.goto(f"{live_server.url}/en/members/{member.slug}/")
    expect(form.locator("main")).to_contain_text("Industrial robots, built to order.")
    expect(form.locator("main")).to_contain_text("Ioana Stan")
    form.goto(f"{live_server.url}/ro/members/{member.slug}/")
    expect(form.locator("main")).to_contain_text("Automatizări.")
    member.refresh_from_db()
    assert member.founded == 2005 and member.description_ro == "Automatizări."
    assert Member.objects.get(pk=member.pk).verified_on is not None
    visitor.close()
