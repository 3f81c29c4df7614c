"""The API's documentation: a plain reference page (axe-clean, valid HTML, no JavaScript) and
Swagger UI from our own static files, under the site's unchanged CSP."""

import pytest
from playwright.sync_api import expect

from tests.quality import assert_no_axe_violations, assert_valid_html

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_reference_page_lists_every_operation_accessibly(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/api/v1/")  # the API's root leads to it
    expect(page.get_by_role("heading", level=1)).to_have_text("MECHATREC open data API")
    expect(page.locator("section h2")).to_have_count(6)
    expect(page.get_by_role("row", name="sort")).to_contain_text("newest")
    page.screenshot(path=f"/tmp/h22c/api-reference-{width}.png", full_page=True)
    assert_no_axe_violations(page)
    assert_valid_html({"API reference": page.content()})
    page.get_by_role("link", name="GET /api/v1/competences/").click()
    expect(page).to_have_url(f"{live_server.url}/api/v1/docs/#competences")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_explorer_loads_swagger_ui_without_a_cdn_or_a_csp_violation(page, live_server, width):
    problems, hosts = [], set()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/api/v1/explorer/")
    expect(page.locator(".opblock")).to_have_count(6)  # read from /api/v1/openapi.json
    page.screenshot(path=f"/tmp/h22c/api-explorer-{width}.png", full_page=True)
    assert hosts == {live_server.url.split("/")[2]}  # nothing from a CDN
    assert not problems, problems  # a CSP refusal is reported on the console
