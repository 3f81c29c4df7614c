"""The cluster manager's journeys through the admin, in a real browser."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from members.models import Competence, Member

# A live server needs committed data; serialized_rollback restores the reference data
# (competences, localities) that the flush after each test would otherwise remove.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def logo_file(tmp_path):
    """A real PNG on disk, as the manager would pick it in the file dialog."""
    path = tmp_path / "robotica-logo.png"
    Image.new("RGB", (120, 80), (11, 92, 173)).save(path, "PNG")
    return path


def test_manager_logs_in_through_the_login_form(log_in_through_the_form, page):
    log_in_through_the_form()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    expect(page.get_by_role("link", name="Members", exact=True)).to_be_visible()


def test_a_wrong_password_keeps_the_manager_on_the_login_page(page, live_server, manager):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errornote")).to_contain_text("correct username and password")


def test_manager_creates_a_member_with_a_logo_and_two_competences(manager_page, live_server, logo_file):
    first, second = Competence.objects.order_by("slug")[:2]
    page = manager_page
    page.goto(f"{live_server.url}/admin/members/member/add/")

    # .first: the hidden empty contact-person form has a "Name:" field too.
    page.get_by_label("Name:", exact=True).first.fill("Robotică Experimentală SRL")
    page.get_by_label("Category").select_option(label="enterprise")
    page.locator("#id_logo").set_input_files(logo_file)
    page.get_by_label(first.name_en, exact=True).check()
    page.get_by_label(second.name_en, exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    member = Member.objects.get(name="Robotică Experimentală SRL")
    assert set(member.competences.all()) == {first, second}
    assert member.logo.name.startswith("logos/") and member.logo.storage.exists(member.logo.name)
    assert not member.is_published  # new members wait for the manager's decision


def test_manager_publishes_a_member_with_the_list_action_and_the_history_shows_it(
    manager_page, live_server, make_member
):
    member = make_member(name="Senzori Inteligenți SRL", is_published=False)
    page = manager_page
    page.goto(f"{live_server.url}/admin/members/member/")

    row = page.get_by_role("row").filter(has_text="Senzori Inteligenți SRL")
    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label="Publish the selected members")
    page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()

    expect(page.locator(".messagelist")).to_contain_text("1 member published.")
    member.refresh_from_db()
    assert member.is_published

    page.goto(f"{live_server.url}/admin/members/member/{member.pk}/history/")
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("Published")  # the change reason the action records
    expect(latest).to_contain_text("manager")


def test_the_history_shows_who_changed_which_field(manager_page, live_server, make_member):
    member = make_member(name="Acționări Electrice SRL", is_published=False)
    page = manager_page
    page.goto(f"{live_server.url}/admin/members/member/{member.pk}/change/")
    page.get_by_label("Website:", exact=True).fill("actionari.example.ro")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}/admin/members/member/{member.pk}/history/")
    history = page.locator("#change-history")
    expect(history).to_contain_text("manager")  # who
    expect(history).to_contain_text("https://actionari.example.ro")  # what


def test_a_member_the_manager_publishes_appears_in_the_public_directory_and_its_profile(
    manager_page, live_server, make_member, competences
):
    member = make_member(name="Mecatronică Nouă SRL", is_published=False, competences=competences[:2])
    page = manager_page
    profile_url = f"{live_server.url}/en/members/{member.slug}/"
    assert page.goto(profile_url).status == 404  # not public before the manager decides

    page.goto(f"{live_server.url}/admin/members/member/")
    page.get_by_role("row").filter(has_text="Mecatronică Nouă SRL").get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label="Publish the selected members")
    page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()
    expect(page.locator(".messagelist")).to_contain_text("1 member published.")

    page.goto(f"{live_server.url}/en/members/")
    page.get_by_role("link", name="Mecatronică Nouă SRL").click()
    assert page.url == profile_url
    expect(page.get_by_role("heading", level=1)).to_have_text("Mecatronică Nouă SRL")
    expect(page.locator(".tags")).to_contain_text(competences[0].name_en)


def test_the_manager_imports_a_spreadsheet_through_the_preview_and_the_history_shows_the_change(
    manager_page, live_server, make_member, tmp_path
):
    member = make_member(name="Acționări Electrice SRL", phone="021 000 0000")
    spreadsheet = tmp_path / "membri.csv"
    spreadsheet.write_text(
        "name,category,phone\n"
        "Acționări Electrice SRL,enterprise,+40 21 555 0199\n"
        "Firmă Importată SRL,enterprise,+40 21 555 0200\n",
        encoding="utf-8",
    )
    page = manager_page
    page.goto(f"{live_server.url}/admin/members/member/")
    page.get_by_role("link", name="Import from a spreadsheet").click()
    page.get_by_label("Spreadsheet (XLSX or CSV)").set_input_files(spreadsheet)
    page.get_by_role("button", name="Preview the import").click()

    # The preview says what would happen, row by row; nothing is saved yet.
    rows = page.locator("table.import-preview tbody tr")
    expect(rows.filter(has_text="Acționări Electrice SRL")).to_contain_text("updated")
    expect(rows.filter(has_text="Acționări Electrice SRL")).to_contain_text("021 000 0000 → +40 21 555 0199")
    expect(rows.filter(has_text="Firmă Importată SRL")).to_contain_text("new")
    assert not Member.objects.filter(name="Firmă Importată SRL").exists()

    page.get_by_role("button", name="Confirm the import").click()
    expect(page.locator(".messagelist")).to_contain_text("done: 1 new, 1 updated")
    member.refresh_from_db()
    assert member.phone == "+40 21 555 0199"
    assert Member.objects.filter(name="Firmă Importată SRL").exists()

    page.goto(f"{live_server.url}/admin/members/member/{member.pk}/history/")
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("import #")  # the batch, which the manager can revert
    expect(latest).to_contain_text("+40 21 555 0199")
    expect(latest).to_contain_text("manager")


def boxes_overlap(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_at_1280_px_the_import_and_export_buttons_leave_the_composition_line_readable(
    manager_page, live_server, make_member
):
    make_member(category=Member.Category.ENTERPRISE)
    page = manager_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/members/member/")
    composition = page.locator(".cluster-composition")
    expect(composition).to_contain_text("1 enterprise")
    line = composition.bounding_box()
    for button in page.locator(".object-tools li").all():
        assert not boxes_overlap(button.bounding_box(), line), button.inner_text()
