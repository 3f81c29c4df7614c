"""/statistics/ and /map/ in Chromium: a visitor's journey from a filtered directory to each,
without JavaScript too, on a phone, and axe's WCAG 2.1 A/AA rules in both languages.

No tile server is reached: tile requests are answered with nothing, as when the tile server is
down, which the map must survive (its markers still show; its list is there anyway)."""

import csv
import re

import pytest
from playwright.sync_api import expect

from members.models import Member
from tests.quality import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TILES = re.compile(r"^https://tile\.openstreetmap\.org/")


@pytest.fixture
def members(make_member, competences, localities):
    one, two = localities[0], localities[1]
    for number in range(1, 6):
        make_member(
            name=f"Firma Alfa {number} SRL",
            category=Member.Category.ENTERPRISE,
            locality=one,
            competences=competences[:2],
            founded=1990 + number * 5,
        )
    for number in range(1, 3):
        make_member(name=f"Laborator Beta {number}", category=Member.Category.RD, locality=two)
    make_member(name="Firma Gama SRL", category=Member.Category.ENTERPRISE, locality=two)
    return one, two


@pytest.fixture
def page(page):
    page.route(TILES, lambda route: route.abort())
    return page


def test_a_visitor_goes_from_the_filtered_directory_to_its_statistics_and_downloads_a_table(
    page, live_server, members
):
    page.goto(f"{live_server.url}/en/members/?category=enterprise")
    page.get_by_role("link", name="Statistics", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/en/statistics/\?category=enterprise$"))
    expect(page.locator(".lead")).to_contain_text("6 members match these filters.")
    expect(page.locator(".chip")).to_have_text(re.compile("Enterprise"))

    section = page.locator("section#category")
    expect(section.locator("svg.bars")).to_be_visible()
    table = section.locator("table")
    expect(table).to_be_hidden()
    section.get_by_text("The numbers as a table").click()
    expect(table.get_by_role("row", name=re.compile("^Enterprise 6$"))).to_be_visible()

    with page.expect_download() as download:
        section.get_by_role("link", name=re.compile("Download")).click()
    assert download.value.suggested_filename.startswith("mechatrec-statistics-category-")
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["Category", "Members"] and ["Enterprise", "6"] in rows

    page.get_by_role("link", name="Membership growth by year", exact=True).click()
    expect(page).to_have_url(re.compile("#growth$"))


def test_a_visitor_opens_a_markers_list_on_the_map_and_follows_it_to_a_profile(page, live_server, members):
    one, two = members
    page.goto(f"{live_server.url}/en/members/?category=enterprise")
    page.locator(".exports").get_by_role("link", name="Map", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/map/\?category=enterprise$"))
    markers = page.locator(".map-count")
    expect(markers).to_have_count(2)  # one per locality with members, whatever the tiles do
    expect(page.get_by_role("button", name=f"{one.name}: 5")).to_be_visible()

    page.get_by_role("button", name=f"{one.name}: 5").click()
    popup = page.locator(".leaflet-popup")
    expect(popup.get_by_role("link")).to_have_count(6)  # five members and "All of them"
    popup.get_by_role("link", name="Firma Alfa 3 SRL").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Firma Alfa 3 SRL")

    page.go_back()
    # By keyboard: a marker takes the focus and Enter opens its list.
    marker = page.get_by_role("button", name=f"{two.name}: 1")
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup").get_by_role("link", name="Firma Gama SRL")).to_be_visible()
    page.get_by_role("link", name=two.name).click()  # the list under the map
    expect(page).to_have_url(re.compile(rf"/en/members/\?category=enterprise&locality={two.slug}$"))
    expect(page.locator("#result-count")).to_have_text("1 member")


def test_the_map_runs_under_the_sites_csp_and_shows_names_as_text(page, live_server, make_member, localities):
    make_member(name="<b>Îndrăzneț</b> & Co SRL", locality=localities[2])
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    page.goto(f"{live_server.url}/en/map/")
    page.get_by_role("button", name=f"{localities[2].name}: 1").click()
    link = page.locator(".leaflet-popup").get_by_role("link", name="<b>Îndrăzneț</b> & Co SRL")
    expect(link).to_be_visible()  # the name as typed, not as markup
    expect(page.locator(".leaflet-popup b")).to_have_count(0)
    assert not refused, refused


def test_without_javascript_the_map_is_a_list_of_localities_with_counts(page, live_server, members):
    one, _two = members
    visitor = page.context.browser.new_context(java_script_enabled=False)
    plain = visitor.new_page()
    plain.goto(f"{live_server.url}/ro/map/")
    expect(plain.locator("#member-map")).to_be_hidden()
    expect(plain.locator(".place-list li", has_text=one.name)).to_have_text(re.compile(r": 5 membri$"))
    visitor.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_statistics_fit_a_phone_and_the_map_a_desktop(page, live_server, members, width):
    page.set_viewport_size({"width": width, "height": 900})
    for path in ["/ro/statistics/", "/ro/map/"]:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
    page.goto(f"{live_server.url}/en/statistics/")
    label = page.locator("section#category .bar-label").first
    assert label.bounding_box()["height"] >= 10  # the chart's text stays readable when scaled down


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("language", ["ro", "en"])
def test_statistics_and_map_have_no_accessibility_violations(page, live_server, members, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    failures = []
    for path in ["statistics/", "statistics/?category=rd", "map/", "map/?q=nimicdegasit"]:
        page.goto(f"{live_server.url}/{language}/{path}")
        for details in page.locator("details").all():
            details.evaluate("element => element.open = true")  # the tables too
        if path.startswith("map/") and page.locator(".map-count").count():
            page.locator(".map-count").first.click()  # and an open pop-up
            expect(page.locator(".leaflet-popup li").first).to_be_visible(timeout=15_000)  # a loaded machine
            expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
        try:
            assert_no_axe_violations(page)
        except AssertionError as failure:
            failures.append(f"{path}: {failure}")
    assert not failures, "\n".join(failures)
