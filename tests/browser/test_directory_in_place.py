"""Filtering in place (static/js/filters.js), at 375 and 1280 px, and the same journeys without
JavaScript: focus stays where it was, the count is announced, back and forward restore each
state, the phone's sticky "Show N members" button, the search box first in the tab order; axe
on the states the enhancement creates (an empty search, page 3)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.text import capfirst
from playwright.sync_api import expect

from members.models import Member
from tests.browser.test_visitor_journeys import facet, open_filters, result_count, settled
from tests.quality import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])


@pytest.fixture
def listed_members(make_member, competences):
    """60 enterprises (three pages of 24) and 12 R&D entities; 20 enterprises with competence A."""
    a = competences[0]
    for number in range(60):
        make_member(
            name=f"Firma {number:02} SRL",
            category=Member.Category.ENTERPRISE,
            competences=[a] if number < 20 else [],
        )
    for number in range(12):
        make_member(name=f"Laborator {number:02}", category=Member.Category.RD)
    return a


def unfold_filters(page):
    """Open the panel where it is folded (a phone); on a desktop it is open even without JavaScript."""
    if page.locator("details.filters-panel > summary").is_visible():
        open_filters(page)


def query(page):
    parameters = parse_qs(urlsplit(page.url).query)
    parameters.pop("sort", None)
    return parameters


def mark_page(page):
    """A property on window and on each checkbox that a new page or a new element would not have."""
    page.evaluate(
        "() => { window.stillHere = true;"
        " document.querySelectorAll('input[type=checkbox]').forEach(b => { b.sameElement = true; }); }"
    )


def focused_is_same_checkbox(page, value):
    return page.evaluate(
        "(value) => document.activeElement.value === value && document.activeElement.sameElement === true",
        value,
    )


@WIDTHS
def test_ticking_a_filter_updates_the_results_in_place_keeps_focus_and_announces_the_count(
    page, live_server, listed_members, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/en/members/")
    assert result_count(page) == 72
    open_filters(page)
    mark_page(page)
    page.keyboard.press("Escape")  # nothing focused in particular
    checkbox = facet(page, "Enterprise").get_by_role("checkbox")
    checkbox.focus()
    page.keyboard.press("Space")
    settled(page)
    assert result_count(page) == 60
    expect(page.locator("#results-status")).to_have_text("60 members")
    assert page.evaluate("window.stillHere === true")  # no page load
    assert focused_is_same_checkbox(page, "enterprise")
    assert query(page) == {"category": ["enterprise"]}
    expect(page.locator(".chips a")).to_have_count(1)
    # On a phone the panel stayed open, and its sticky button says the new number.
    expect(page.locator("details.filters-panel")).to_have_attribute("open", "")
    if width == 375:
        expect(page.get_by_role("button", name="Show 60 members")).to_be_in_viewport()
    # The other dimensions' counts followed.
    assert int(facet(page, capfirst(listed_members.name_en)).locator(".facet-count").inner_text()) == 20


@WIDTHS
def test_back_and_forward_restore_each_state(page, live_server, listed_members, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/en/members/")
    open_filters(page)
    mark_page(page)
    facet(page, "Enterprise").get_by_role("checkbox").click()
    settled(page)
    facet(page, capfirst(listed_members.name_en)).get_by_role("checkbox").click()
    settled(page)
    assert result_count(page) == 20
    page.go_back()
    expect(page.locator("#result-count")).to_have_text("60 members")
    assert query(page) == {"category": ["enterprise"]}
    expect(facet(page, capfirst(listed_members.name_en)).get_by_role("checkbox")).not_to_be_checked()
    expect(facet(page, "Enterprise").get_by_role("checkbox")).to_be_checked()
    page.go_back()
    expect(page.locator("#result-count")).to_have_text("72 members")
    expect(facet(page, "Enterprise").get_by_role("checkbox")).not_to_be_checked()
    page.go_forward()
    expect(page.locator("#result-count")).to_have_text("60 members")
    expect(facet(page, "Enterprise").get_by_role("checkbox")).to_be_checked()
    assert page.evaluate("window.stillHere === true")  # all in the one page


def test_on_a_phone_the_sticky_button_shows_the_results(page, live_server, listed_members):
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(f"{live_server.url}/en/members/")
    open_filters(page)
    facet(page, "R&D entity").get_by_role("checkbox").click()
    settled(page)
    button = page.get_by_role("button", name="Show 12 members")
    expect(button).to_be_in_viewport()  # sticky at the bottom of the open panel
    button.click()
    expect(page.locator("details.filters-panel")).not_to_have_attribute("open", "")
    expect(page.locator("#result-count")).to_be_focused()
    expect(page.locator("#result-count")).to_be_in_viewport()


def test_on_a_desktop_no_apply_button_is_needed(page, live_server, listed_members):
    page.goto(f"{live_server.url}/en/members/")
    expect(page.locator(".apply-filters")).to_be_hidden()
    expect(page.get_by_role("button", name="Sort", exact=True)).to_be_hidden()


@WIDTHS
def test_the_search_box_is_the_first_stop_in_the_content(page, live_server, listed_members, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/en/members/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search the members")).to_be_focused()


def test_a_search_in_place_keeps_the_focus_in_the_box_and_paging_moves_it_to_the_count(
    page, live_server, listed_members
):
    page.goto(f"{live_server.url}/en/members/")
    search = page.get_by_role("searchbox", name="Search the members")
    search.fill("firma")
    search.press("Enter")
    settled(page)
    assert result_count(page) == 60
    expect(search).to_be_focused()
    expect(page.locator("#results-status")).to_have_text("60 members")
    page.get_by_role("link", name="Page 3").click()
    settled(page)
    expect(page.locator(".page-status")).to_have_text("Page 3 of 3")
    expect(page.locator("#result-count")).to_be_focused()
    assert query(page) == {"q": ["firma"], "page": ["3"]}
    assert_no_axe_violations(page)


@WIDTHS
def test_an_empty_search_in_place_helps_and_passes_axe(page, live_server, listed_members, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/en/members/?category=rd")
    search = page.get_by_role("searchbox", name="Search the members")
    search.fill("firma")
    search.press("Enter")
    settled(page)
    expect(page.locator(".empty-title")).to_have_text("No member matches “firma”.")
    expect(page.locator("#results-status")).to_have_text("0 members")
    expect(page.get_by_role("link", name="Without “R&D entity”: 60 members")).to_be_visible()
    expect(page.locator("#id_sort")).to_have_count(0)
    # Zero-count options are dimmed, not struck, and still say their count.
    open_filters(page)
    empty = page.locator(".facet-option.is-empty").first
    expect(empty).to_have_css("text-decoration-line", "none")
    expect(empty.locator(".facet-count")).to_have_text("0")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Without “R&D entity”: 60 members").click()
    settled(page)
    assert result_count(page) == 60


def test_the_competence_finder_narrows_the_long_list(page, live_server, listed_members, competences):
    page.goto(f"{live_server.url}/en/members/")
    shown = page.locator('.facet[data-param="competence"] .facet-option:visible')
    assert shown.count() < len(competences)
    target = capfirst(competences[-1].name_en)
    page.get_by_label("Filter this list").fill(target[:6])
    expect(facet(page, target)).to_be_visible()
    assert page.locator('.facet[data-param="competence"] .facet-option:visible').count() < len(competences)
    page.get_by_label("Filter this list").fill("")
    page.locator('.facet[data-param="competence"] .show-all summary').click()
    expect(page.locator('.facet[data-param="competence"] .facet-option:visible')).to_have_count(
        len(competences)
    )


# --- Without JavaScript -----------------------------------------------------------------------------


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page
    context.close()


@WIDTHS
def test_without_javascript_the_same_journey_works_with_buttons_and_links(
    no_js_page, live_server, listed_members, width
):
    page = no_js_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/en/members/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search the members")).to_be_focused()
    unfold_filters(page)
    facet(page, "Enterprise").get_by_role("checkbox").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert result_count(page) == 60
    page.get_by_label("Sort by").select_option("newest")
    with page.expect_navigation():
        page.get_by_role("button", name="Sort", exact=True).click()
    assert query(page) == {"category": ["enterprise"]}
    assert parse_qs(urlsplit(page.url).query)["sort"] == ["newest"]
    with page.expect_navigation():
        page.get_by_role("link", name="Page 3").click()
    expect(page.locator(".page-status")).to_have_text("Page 3 of 3")
    # (axe on this page as it is without JavaScript: the test after this one.)
    # A profile reached from here leads back to this very page.
    with page.expect_navigation():
        page.locator(".card-title a").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="← Back to results").click()
    expect(page.locator(".page-status")).to_have_text("Page 3 of 3")
    assert parse_qs(urlsplit(page.url).query) == {
        "category": ["enterprise"],
        "page": ["3"],
        "sort": ["newest"],
    }
    # The long competence list still opens in full ("Show all" is a plain details element).
    unfold_filters(page)
    page.locator('.facet[data-param="competence"] .show-all summary').click()
    expect(facet(page, capfirst(listed_members.name_en))).to_be_visible()
    assert re.search(
        r"Show all \d+", page.locator('.facet[data-param="competence"] .show-all summary').inner_text()
    )


@WIDTHS
def test_without_javascript_the_directory_and_a_profile_meet_wcag(page, live_server, listed_members, width):
    """axe runs inside the page, so instead of switching JavaScript off the site's own scripts are
    blocked: what remains is the page a browser without JavaScript shows (the public pages have no
    <noscript> content that would differ)."""
    page.route(re.compile(r"/static/.*\.js(\?.*)?$"), lambda route: route.abort())
    page.set_viewport_size({"width": width, "height": 900})
    member = Member.objects.filter(is_published=True).order_by("name").first()
    for path in (
        "/en/members/?category=enterprise&sort=newest&page=3",
        "/en/members/?q=frezare-nimic",
        f"/ro/members/{member.slug}/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert "js" not in (page.locator("html").get_attribute("class") or "").split(), path
        if page.locator(".filters-panel").count():
            unfold_filters(page)
        assert_no_axe_violations(page)
