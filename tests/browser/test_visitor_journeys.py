"""A visitor's journey through the public directory, in Chromium, on a desktop and on a phone.

One journey per width rather than one test per step: the steps build on each other (the filters
chosen first are the ones that must survive paging, the language switch and the CSV download),
and one set of data and one page keep the browser suite fast.
"""

import csv
import re
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
from django.utils.text import capfirst
from playwright.sync_api import expect

from members.models import Member

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENTERPRISE = Member.Category.ENTERPRISE
RD = Member.Category.RD


@pytest.fixture
def directory_data(make_member, competences):
    """36 members: 27 enterprises have competence A or B, so that choice fills two pages of 24."""
    a, b, c = competences[:3]
    for number in range(1, 23):
        make_member(name=f"Firma Alfa {number:02} SRL", category=ENTERPRISE, competences=[a])
    for number in range(1, 5):
        make_member(name=f"Firma Beta {number} SRL", category=ENTERPRISE, competences=[b])
    for number in range(1, 6):
        make_member(name=f"Firma Gama {number} SRL", category=ENTERPRISE, competences=[c])
    for number in range(1, 4):
        make_member(name=f"Laborator Beta {number}", category=RD, competences=[b])
    make_member(name="Tehnică Avansată SRL", category=ENTERPRISE, competences=[b])
    make_member(name="Institutul de Tehnică Medicală", category=RD, competences=[a])
    make_member(name="Firmă Nepublicată SRL", category=ENTERPRISE, competences=[a], is_published=False)
    return a, b


# --- What the visitor sees and does -------------------------------------------------------------


def result_count(page):
    """The number in the results' heading ("27 members" / "27 de membri")."""
    return int(re.search(r"\d+", page.locator("#result-count").inner_text()).group())


def facet(page, label):
    """The filter option whose visible label is exactly `label` (its checkbox and count)."""
    name = page.locator(".facet-label", has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator("label.facet-option").filter(has=name)


def facet_count(page, label):
    return int(facet(page, label).locator(".facet-count").text_content())


def open_filters(page):
    """On a phone the filters are folded away under "Filters"; a visitor opens them first."""
    panel = page.locator("details.filters-panel")
    if not panel.evaluate("details => details.open"):
        panel.locator("summary").first.click()
    expect(panel.locator("form")).to_be_visible()


def settled(page):
    """Wait until filters.js has put the results of the last change in place (aria-busy gone)."""
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")


def tick(page, label):
    """Tick one filter; filters.js loads the results in place, as "Apply filters" would load them."""
    open_filters(page)
    checkbox = facet(page, label).get_by_role("checkbox")
    expect(checkbox).not_to_be_checked()
    checkbox.click()
    settled(page)


def query(page):
    """The filters in the page's address (the form also sends the sort order, "name")."""
    parameters = parse_qs(urlsplit(page.url).query)
    assert parameters.pop("sort", ["name"]) == ["name"]
    return parameters


def switch_language(page, language):
    """Go to this page in `language` through the language switcher.

    The switcher's markup (`nav.language-switcher`) is being added to every page by the
    bilingual work; until it is there, go where its link will lead: the same path and query
    under the other language prefix.
    """
    switcher = page.locator("nav.language-switcher")
    if switcher.count():
        with page.expect_navigation():
            switcher.locator(f'a[hreflang="{language}"]').click()
        return
    url = urlsplit(page.url)
    page.goto(urlunsplit(url._replace(path=re.sub(r"^/[a-z]{2}/", f"/{language}/", url.path))))


def assert_fits_the_screen(page):
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways: {scroll_width} px in {inner_width} px"


def downloaded_csv_rows(page):
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^CSV")).click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


# --- The journey --------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_a_visitor_searches_filters_pages_switches_language_downloads_and_opens_a_profile(
    page, live_server, directory_data, width
):
    a, b = directory_data
    label_a, label_b = capfirst(a.name_en), capfirst(b.name_en)
    page.set_viewport_size({"width": width, "height": 900})

    # Home → search without diacritics finds the names written with them.
    page.goto(f"{live_server.url}/en/")
    assert_fits_the_screen(page)
    page.get_by_role("searchbox", name="Search the members").fill("tehnica")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="2 members")).to_be_visible()
    expect(page.locator(".card-title")).to_have_text(
        ["Institutul de Tehnică Medicală", "Tehnică Avansată SRL"]
    )
    assert_fits_the_screen(page)

    # The whole directory: 36 published members (the unpublished one is not listed).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Member directory").click()
    assert result_count(page) == 36
    assert_fits_the_screen(page)

    # Two competences and a category: the results and the other dimensions' counts follow.
    tick(page, label_a)
    assert result_count(page) == 23
    assert facet_count(page, "Enterprise") == 22
    tick(page, label_b)
    assert result_count(page) == 31
    assert (facet_count(page, label_a), facet_count(page, label_b)) == (23, 8)
    tick(page, "Enterprise")
    assert result_count(page) == 27
    assert (facet_count(page, label_a), facet_count(page, label_b)) == (22, 5)
    assert query(page) == {"competence": [a.slug, b.slug], "category": ["enterprise"]}
    assert_fits_the_screen(page)

    # Page 2 keeps the filters.
    expect(page.locator(".page-status")).to_have_text("Page 1 of 2")
    page.get_by_role("link", name="Next →").click()
    settled(page)
    expect(page.locator(".page-status")).to_have_text("Page 2 of 2")
    assert query(page) == {"competence": [a.slug, b.slug], "category": ["enterprise"], "page": ["2"]}
    assert result_count(page) == 27
    expect(page.locator(".member-cards > li")).to_have_count(3)
    open_filters(page)
    expect(facet(page, label_b).get_by_role("checkbox")).to_be_checked()

    # Removing one chip removes that filter only (and starts again at page 1).
    page.get_by_role("link", name=f"{label_b} (remove)").click()
    settled(page)
    assert query(page) == {"competence": [a.slug], "category": ["enterprise"]}
    assert result_count(page) == 22
    expect(page.locator(".chips a")).to_have_count(2)

    # The Romanian version of the page lists the same members with the same filters.
    switch_language(page, "ro")
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    assert urlsplit(page.url).path == "/ro/members/"
    assert query(page) == {"competence": [a.slug], "category": ["enterprise"]}
    assert result_count(page) == 22
    open_filters(page)
    expect(page.locator(".filters input:checked")).to_have_count(2)
    assert_fits_the_screen(page)

    # The CSV holds exactly the members counted on the page, all pages of them.
    rows = downloaded_csv_rows(page)
    assert len(rows) == result_count(page)
    assert {row["name"] for row in rows} == {f"Firma Alfa {n:02} SRL" for n in range(1, 23)}

    # A card leads to the member's profile, in the language the visitor chose.
    first_card = page.locator(".card-title a").first
    name = first_card.inner_text()
    first_card.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert urlsplit(page.url).path.startswith("/ro/members/firma-alfa-01")
    assert_fits_the_screen(page)


def test_on_a_phone_the_filters_start_folded_and_open_on_a_tap(page, live_server, make_member):
    make_member(name="Firma Mică SRL")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/en/members/")
    category = page.get_by_role("group", name="Category")
    expect(category).to_be_hidden()  # the results come first on a small screen
    page.locator("summary", has_text="Filters").click()
    expect(category).to_be_visible()
    expect(page.get_by_role("button", name="Show 1 member")).to_be_in_viewport()
