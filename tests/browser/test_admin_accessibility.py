"""The manager's admin pages meet WCAG 2.1 A and AA, as checked by axe-core in Chromium."""

import pytest

from tests.quality import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_admin_login_page_has_no_accessibility_violations(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    assert_no_axe_violations(page)


def test_member_list_has_no_accessibility_violations(manager_page, live_server, make_member, competences):
    for index in range(3):
        make_member(competences=competences[index : index + 2])
    manager_page.goto(f"{live_server.url}/admin/members/member/")
    assert_no_axe_violations(manager_page)


def test_member_change_form_has_no_accessibility_violations(
    manager_page, live_server, make_member, competences
):
    member = make_member(competences=competences[:2])
    manager_page.goto(f"{live_server.url}/admin/members/member/{member.pk}/change/")
    assert_no_axe_violations(manager_page)


def test_revert_preview_has_no_accessibility_violations(manager_page, live_server, make_member):
    member = make_member(phone="021 111")
    first = member.history.first()
    member.phone = "021 999"
    member.save()
    manager_page.goto(f"{live_server.url}/admin/members/member/{member.pk}/history/{first.history_id}/")
    assert_no_axe_violations(manager_page)


def test_bulk_edit_form_has_no_accessibility_violations(manager_page, live_server, make_member):
    make_member(name="Alfa SRL")
    page = manager_page
    page.goto(f"{live_server.url}/admin/members/member/")
    page.get_by_role("row").filter(has_text="Alfa SRL").get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(value="bulk_edit")
    page.locator("button[name=index]").click()
    page.wait_for_selector(".bulk-edit-members")
    assert_no_axe_violations(page)


def test_an_accessibility_failure_names_the_rule_its_impact_and_the_element(page):
    page.set_content('<html lang="en"><body><main><img src="data:," id="nameless-logo"></main></body></html>')
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page)
    assert "image-alt (critical)" in str(failure.value)
    assert "at #nameless-logo" in str(failure.value)
