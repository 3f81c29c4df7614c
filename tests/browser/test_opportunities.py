"""The opportunity board in a real browser: WCAG 2.1 A/AA on its pages and forms, and the journey
of a firm that finds a partner search and expresses interest, then of the manager who reads it."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from opportunities.models import Message, Opportunity
from tests.quality import assert_no_axe_violations, opportunity_page_paths

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def partner_search(publish, competences, complete_member):
    return publish(
        kind=Opportunity.Kind.PARTNER_SEARCH,
        title_en="Partner for a digital twin pilot line",
        title_ro="Partener pentru o linie-pilot cu geamăn digital",
        description_en="Host a pilot line and validate the model.",
        call_identifier="HORIZON-CL4-2027-TWIN-TRANSITION-01",
        programme="Horizon Europe",
        role=Opportunity.Role.PARTNER,
        poster=complete_member,
        competences=competences[:2],
    )


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("language", ["ro", "en"])
def test_the_boards_pages_have_no_accessibility_violations(
    page, live_server, partner_search, complete_member, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    failures = []
    for name, (path, _status) in opportunity_page_paths(partner_search, complete_member).items():
        page.goto(f"{live_server.url}/{language}{path}")
        try:
            assert_no_axe_violations(page)
        except AssertionError as failure:
            failures.append(f"{name}: {failure}")
    # The form after a submission with errors.
    page.goto(f"{live_server.url}/{language}/opportunities/{partner_search.slug}/contact/")
    page.locator("#id_email").fill("someone@example.ro")
    # Past the browser's own checks, to the server's error messages.
    page.locator("form.contact-form").evaluate("form => form.noValidate = true")
    page.locator("form.contact-form button[type=submit]").click()
    expect(page.locator(".errornote")).to_be_visible()
    page.wait_for_load_state()
    try:
        assert_no_axe_violations(page)
    except AssertionError as failure:
        failures.append(f"form with errors: {failure}")
    assert not failures, "\n".join(failures)


def test_a_firm_expresses_interest_and_the_manager_reads_it(
    page, live_server, partner_search, publish, competences, log_in_through_the_form, settings
):
    settings.CLUSTER_OFFICE_EMAIL = "birou@mechatrec.example"
    publish(kind=Opportunity.Kind.CAPACITY, title_en="Spare milling capacity", competences=competences[5:6])
    wanted = competences[0]

    # The firm filters the board by its competence and finds the partner search.
    page.goto(f"{live_server.url}/en/opportunities/")
    page.get_by_role("checkbox", name=wanted.name_en).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 open opportunity")).to_be_visible()
    expect(page.get_by_role("link", name="Spare milling capacity")).to_have_count(0)
    page.get_by_role("link", name="Partner for a digital twin pilot line").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner for a digital twin pilot line")

    # It expresses interest; the browser itself insists on the consent box.
    page.get_by_label("Name:", exact=True).fill("Maria Dinu")
    page.get_by_label("Organisation:", exact=True).fill("Robotix Cluj SRL")
    page.get_by_label("E-mail:", exact=True).fill("maria@robotix.example.ro")
    page.get_by_label("Message:", exact=True).fill("We run a pilot line for cobots and would like to join.")
    # The honeypot is off screen and out of the keyboard's way: Tab goes on to the consent box.
    expect(page.locator("#id_website")).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(page.locator("#id_consent")).to_be_focused()
    page.get_by_role("button", name="Send to the cluster office").click()
    expect(page).to_have_url(f"{live_server.url}/en/opportunities/{partner_search.slug}/")  # not sent
    page.get_by_label("I agree that the cluster office passes").check()
    page.get_by_role("button", name="Send to the cluster office").click()
    expect(page.get_by_role("heading", name="Message sent")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["birou@mechatrec.example"]]

    # The manager logs in and finds the new message, about that partner search.
    log_in_through_the_form("/admin/opportunities/message/")
    row = page.locator("#result_list tbody tr").filter(has_text="Maria Dinu")
    expect(row).to_contain_text("Partner for a digital twin pilot line")
    expect(row).to_contain_text("new")
    row.get_by_role("link").first.click()
    expect(page.locator("body")).to_contain_text("We run a pilot line for cobots and would like to join.")
    assert Message.objects.get().opportunity == partner_search
