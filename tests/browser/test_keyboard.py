"""A visitor who uses only the keyboard: skip link, every control reachable and operable with
Tab, Space and Enter, and a visible focus indicator wherever the focus lands."""

import pytest
from django.utils.text import capfirst
from playwright.sync_api import expect

from members.models import Locality, Member

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# What a keyboard user can reach with Tab, among the elements on screen.
FOCUSABLE = "a[href], button, input:not([type=hidden]):not([disabled]), select, summary"

# The focused element, described as a test failure would name it, and whether its focus ring shows.
_FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = outline || style.boxShadow !== "none";
  const name = (element.innerText || element.value || element.name || "").trim().slice(0, 40);
  const description = `${element.tagName.toLowerCase()} «${name}»`;
  return {key: element.dataset.tabKey, name: element.name || "", description, ring};
}"""

# Number every visible focusable element, so the ones Tab reached can be told apart.
_MARK_FOCUSABLE = """(selector) => {
  const shown = [...document.querySelectorAll(selector)].filter((e) => e.checkVisibility());
  shown.forEach((element, index) => { element.dataset.tabKey = String(index); });
  return Object.fromEntries(shown.map((e) => [String(e.dataset.tabKey), e.outerHTML.slice(0, 120)]));
}"""


def tab_through(page, limit=400):
    """Press Tab until the focus leaves the page; the elements it visited, in order."""
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or (visited and focused["key"] == visited[0]["key"]):
            return visited
        visited.append(focused)
    raise AssertionError(f"Tab did not leave the page after {limit} presses")


def press_tab_until_focused(page, locator, limit=400):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


@pytest.fixture
def directory_page(page, live_server, make_member, competences):
    # Members in the first county listed, so that its folded list of localities has options.
    first_localities = Locality.objects.order_by("county", "name")[:3]
    for index, locality in enumerate(first_localities):
        make_member(
            name=f"Firma Tastatură {index} SRL",
            competences=competences[index : index + 2],
            locality=locality,
            size=Member.Size.choices[index][0],
            offers_subcontracting=True,
        )
    page.goto(f"{live_server.url}/en/members/")
    return page


def test_the_first_tab_focuses_the_skip_link_and_enter_moves_the_focus_to_the_content(directory_page):
    page = directory_page
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside the content, past the header's links.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_tab_reaches_every_filter_and_link_of_the_directory_and_each_shows_a_focus_ring(directory_page):
    page = directory_page
    on_screen = page.evaluate(_MARK_FOCUSABLE, FOCUSABLE)
    visited = tab_through(page)

    missed = {key: html for key, html in on_screen.items() if key not in {v["key"] for v in visited}}
    assert not missed, "Tab never reaches:\n" + "\n".join(missed.values())
    invisible = [v["description"] for v in visited if not v["ring"]]
    assert not invisible, f"no visible focus on: {invisible}"
    # Not a trivial pass: Tab went through the options of every filter and the search box.
    assert {v["name"] for v in visited} >= {"q", "category", "subcontracting", "competence", "county", "size"}


def test_a_filter_is_ticked_with_space_and_a_folded_group_opens_with_enter(directory_page, competences):
    page = directory_page
    competence = capfirst(competences[0].name_en)
    checkbox = page.get_by_role("checkbox", name=competence)
    press_tab_until_focused(page, checkbox)
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.locator(".chips")).to_contain_text(competence)

    localities = page.locator("details.localities summary").first
    press_tab_until_focused(page, localities)
    page.keyboard.press("Enter")
    expect(page.locator("details.localities").first).to_have_attribute("open", "")
    page.keyboard.press("Tab")  # into the county's localities, now reachable
    assert page.evaluate("document.activeElement.name") == "locality"


def test_enter_on_a_member_card_opens_the_profile(directory_page):
    page = directory_page
    link = page.get_by_role("link", name="Firma Tastatură 1 SRL")
    press_tab_until_focused(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Firma Tastatură 1 SRL")
