"""The open-data links a visitor sees (Excel beside CSV and JSON, the profile's vCard) and the
page refusing an Excel file too large: axe-clean on a desktop and on a phone."""

import pytest

from tests.quality import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_excel_refusal_page_has_no_accessibility_violations(
    page, live_server, make_member, settings, width
):
    settings.XLSX_MAX_ROWS = 1
    make_member()
    make_member()
    page.set_viewport_size({"width": width, "height": 900})
    for language in ("ro", "en"):
        response = page.goto(f"{live_server.url}/{language}/members/export.xlsx?category=enterprise")
        assert response.status == 400
        assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to the directory").click()
    page.wait_for_url("**/en/members/?category=enterprise")


def test_a_visitor_downloads_the_filtered_directory_as_excel_and_a_members_vcard(
    page, live_server, make_member
):
    member = make_member(name="Descărcare SRL", phone="0215550101")
    page.goto(f"{live_server.url}/en/members/?category=enterprise")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.startswith("mechatrec-members-enterprises-")
    page.goto(f"{live_server.url}{member.get_absolute_url()}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to your contacts (vCard)").click()
    assert download.value.suggested_filename == f"{member.slug}.vcf"
