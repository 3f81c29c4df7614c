"""The manager's bulk edit and the revert with a preview, in a real browser."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from members.models import Competence, Member

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_manager_edits_two_members_together_from_the_list(
    manager_page, live_server, make_member, manager
):
    added, removed = Competence.objects.order_by("slug")[:2]
    alfa = make_member(name="Alfa Mecatronică SRL", competences=[removed], size="micro")
    beta = make_member(name="Beta Automatizări SRL", size="small")
    make_member(name="Gama Senzori SRL", competences=[removed])
    entries = {member.pk: member.history.count() for member in (alfa, beta)}
    page = manager_page
    page.goto(f"{live_server.url}/admin/members/member/")

    for name in ("Alfa Mecatronică SRL", "Beta Automatizări SRL"):
        page.get_by_role("row").filter(has_text=name).get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label="Edit the selected members together…")
    page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()

    expect(page.locator(".bulk-edit-members")).to_have_text(
        re.compile("Alfa Mecatronică SRL.*Beta Automatizări SRL")
    )
    page.get_by_role("group", name="Add competences").get_by_label(added.name_en, exact=True).check()
    page.get_by_role("group", name="Remove competences").get_by_label(removed.name_en, exact=True).check()
    page.get_by_label("Size").select_option(label="medium (50–249 employees)")
    page.get_by_label("Seeks project partners").select_option(label="yes (set)")
    page.get_by_role("button", name="Apply to the selected members").click()

    expect(page.locator(".messagelist")).to_contain_text("2 members changed (0 already as asked).")
    for member in (alfa, beta):
        member.refresh_from_db()
        assert list(member.competences.all()) == [added]
        assert (member.size, member.seeks_partners) == ("medium", True)
        assert member.history.count() == entries[member.pk] + 1  # the bulk edit: one entry
    assert list(Member.objects.get(name="Gama Senzori SRL").competences.all()) == [removed]

    page.goto(f"{live_server.url}/admin/members/member/{alfa.pk}/history/")
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("Bulk edit")
    expect(latest).to_contain_text(manager.username)
    expect(latest).to_contain_text("micro (under 10 employees)")


def test_the_manager_reverts_chosen_fields_after_seeing_the_differences(
    manager_page, live_server, make_member, manager
):
    member = make_member(name="Delta Robotică SRL", phone="021 111", short_description_ro="Roboți")
    member.phone, member.short_description_ro = "021 999", "Text greșit"
    member.verified_on = datetime.date(2026, 11, 20)
    member.save()
    page = manager_page
    page.goto(f"{live_server.url}/admin/members/member/{member.pk}/history/")
    page.locator("#change-history tbody tr").last.get_by_role("link").click()  # the first version

    table = page.locator("table.revert-preview")
    expect(table.get_by_role("row", name=re.compile("Public phone"))).to_contain_text("021 999")
    expect(table.get_by_role("row", name=re.compile("Public phone"))).to_contain_text("021 111")
    expect(table.get_by_role("row", name=re.compile("Data verified on"))).to_contain_text("Nov. 20, 2026")
    for label in ("Public phone", "Short description (Romanian)", "Data verified on"):
        expect(page.get_by_label(label, exact=True)).to_be_checked()  # all, by default
    page.get_by_label("Data verified on", exact=True).uncheck()
    page.get_by_label("Reason (optional)").fill("Datele vechi erau corecte")
    page.get_by_role("button", name="Revert the ticked fields").click()

    expect(page.locator(".messagelist")).to_contain_text("2 fields restored from the version of")
    member.refresh_from_db()
    assert (member.phone, member.short_description_ro) == ("021 111", "Roboți")
    assert member.verified_on == datetime.date(2026, 11, 20)  # unticked: kept
    page.goto(f"{live_server.url}/admin/members/member/{member.pk}/history/")
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("Datele vechi erau corecte")
    expect(latest).to_contain_text(manager.username)


def test_the_bulk_edit_lists_competences_in_columns_on_a_desktop_and_one_column_on_a_phone(
    manager_page, live_server, make_member
):
    members = [make_member(), make_member()]
    page = manager_page
    for width, columns in ((1280, 3), (375, 1)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/members/member/")
        for member in members:
            page.get_by_role("row").filter(has_text=member.name).get_by_role("checkbox").check()
        page.get_by_role("combobox", name="Action").select_option(label="Edit the selected members together…")
        page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()
        boxes = page.get_by_role("group", name="Add competences").get_by_role("checkbox").all()
        assert len(boxes) == Competence.objects.count()
        assert len({round(box.bounding_box()["x"]) for box in boxes}) == columns
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_on_a_phone_the_import_preview_revert_preview_and_history_fit_the_screen(
    manager_page, live_server, make_member, tmp_path
):
    member = make_member(name="Institutul de Cercetări în Senzori Avansați", fiscal_code="171017031")
    member.phone, member.short_description_ro = (
        "021 999 9999",
        "Entitate de cercetare-dezvoltare din Sectorul 5",
    )
    member.save()
    page = manager_page
    page.set_viewport_size({"width": 375, "height": 812})
    spreadsheet = tmp_path / "membri.csv"
    spreadsheet.write_bytes(
        "name;fiscal_code;short_description_ro;website\n"
        "INSTITUTUL DE CERCETĂRI ÎN SENZORI AVANSAŢI;RO171017031;Senzori şi traductoare;"
        "https://institutul-de-cercetari-in-senzori-avansati.example.ro/despre-noi/laboratoare\n".encode(
            "cp1250"
        )
    )
    page.goto(f"{live_server.url}/admin/members/member/import/")
    page.locator("input[type=file]").set_input_files(spreadsheet)
    page.locator("#content form [type=submit]").click()
    expect(page.locator(".spelling-kept")).to_be_visible()
    pages = {"import preview": page.evaluate("document.documentElement.scrollWidth")}
    page.goto(f"{live_server.url}/admin/members/member/{member.pk}/history/")
    pages["history"] = page.evaluate("document.documentElement.scrollWidth")
    page.locator("#change-history a[href*='/history/']").last.click()
    expect(page.locator("table.revert-preview")).to_be_visible()
    pages["revert preview"] = page.evaluate("document.documentElement.scrollWidth")
    assert pages == dict.fromkeys(pages, 375)
