"""An import does not undo a colleague's edit: a field someone changed after the value the file
holds is kept (and the preview says whose change it would undo) unless the manager chooses to
overwrite it."""

import html
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import importing
from members.models import Member
from tests.test_admin_manager import change_form_data, upload


@pytest.fixture
def colleague(django_user_model):
    return django_user_model.objects.create_superuser("ioana", "ioana@example.ro", "a-long-password-456")


@pytest.fixture
def member(make_member):
    return make_member(name="Robotică Avansată SRL", phone="021 111", website="https://vechi.example.ro")


def export_csv(client):
    """The admin's export of every member, as the manager downloads it."""
    response = client.post("/admin/members/member/export/", {"format": "1", "resource": "0"})
    return response.content


def edited(content, old, new):
    """The file after the manager edited one cell in a spreadsheet program."""
    assert old.encode() in content
    return content.replace(old.encode(), new.encode())


def edit_in_admin(user, member, **fields):
    """A colleague's edit, from their own browser."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_form_data(client.get(url))
    data.update(fields)
    assert client.post(url, data).status_code == 302


def change_time(member):
    return timezone.localtime(member.history.first().history_date).strftime("%H:%M")


def test_a_field_a_colleague_changed_after_the_export_is_kept_and_the_preview_says_whose_change(
    client, manager, colleague, member
):
    client.force_login(manager)
    content = edited(export_csv(client), "https://vechi.example.ro", "https://nou.example.ro")
    edit_in_admin(colleague, member, phone="021 222")  # after the export

    response = upload(client, content)
    page = html.unescape(" ".join(response.content.decode().split()))
    row = response.context["preview"].rows[0]
    assert [(c.column, c.old, c.new) for c in row.changes] == [
        ("website", "https://vechi.example.ro", "https://nou.example.ro")
    ]
    expected = (
        f"Kept: Public phone (phone): would undo ioana's change of {change_time(member)} (021 111 → 021 222)"
    )
    assert expected in page
    assert "1 field was changed in the admin after the value this file holds" in page
    assert "Overwrite their changes with the file" in page

    client.post(
        reverse("admin:members_member_import"), {"_confirm": "1", "digest": response.context["digest"]}
    )
    member.refresh_from_db()
    assert (member.phone, member.website) == ("021 222", "https://nou.example.ro")


def test_ticking_overwrite_their_changes_applies_the_files_values(client, manager, colleague, member):
    client.force_login(manager)
    content = export_csv(client)
    edit_in_admin(colleague, member, phone="021 222")
    response = upload(client, content)
    assert response.context["preview"].counts["updated"] == 0  # only a kept field: nothing to do
    client.post(
        reverse("admin:members_member_import"),
        {"_confirm": "1", "digest": response.context["digest"], "overwrite": "yes"},
    )
    member.refresh_from_db()
    assert member.phone == "021 111"
    assert member.history.first().history_change_reason.startswith("import #")


def test_a_colleagues_edit_between_preview_and_confirmation_is_kept_after_the_refusal(
    client, manager, colleague, member
):
    client.force_login(manager)
    content = edited(export_csv(client), "https://vechi.example.ro", "https://nou.example.ro")
    response = upload(client, content)
    assert "Kept:" not in response.content.decode()  # nobody had changed anything yet
    edit_in_admin(colleague, member, phone="021 222")  # while the manager reads

    refused = client.post(
        reverse("admin:members_member_import"), {"_confirm": "1", "digest": response.context["digest"]}
    )
    assert refused.status_code == 409
    page = html.unescape(" ".join(refused.content.decode().split()))
    assert "The members changed since the preview" in page
    assert re.search(
        r"Kept: Public phone \(phone\): would undo ioana's change of \d\d:\d\d \(021 111 → 021 222\)", page
    )

    client.post(
        reverse("admin:members_member_import"), {"_confirm": "1", "digest": response.context["digest"]}
    )
    member.refresh_from_db()
    assert (member.phone, member.website) == ("021 222", "https://nou.example.ro")


def test_a_value_the_member_never_had_is_still_imported(client, manager, colleague, member):
    client.force_login(manager)
    content = edited(export_csv(client), "021 111", "021 333")  # a new number, not an old one
    edit_in_admin(colleague, member, phone="021 222")
    preview = importing.preview_file(content, "members.csv")
    assert [(c.column, c.old, c.new) for c in preview.rows[0].changes] == [("phone", "021 222", "021 333")]
    assert preview.kept == []


def test_the_import_command_lists_kept_fields_and_overwrites_only_when_told(
    client, manager, colleague, member, tmp_path, capsys
):
    client.force_login(manager)
    path = tmp_path / "members.csv"
    path.write_bytes(export_csv(client))
    edit_in_admin(colleague, member, phone="021 222")

    call_command("import_members", str(path), "--user", "manager")
    output = capsys.readouterr().out
    assert f"row 2: kept: Public phone (phone): would undo ioana's change of {change_time(member)}" in output
    assert Member.objects.get(pk=member.pk).phone == "021 222"

    call_command("import_members", str(path), "--user", "manager", "--overwrite-their-changes")
    assert "row 2: updated: Robotică Avansată SRL" in capsys.readouterr().out
    assert Member.objects.get(pk=member.pk).phone == "021 111"


def test_competences_a_colleague_changed_after_the_export_are_kept_too(
    client, manager, colleague, make_member, competences
):
    member = make_member(name="Senzori SRL", competences=competences[:1])
    client.force_login(manager)
    content = export_csv(client)
    edit_in_admin(colleague, member, competences=[c.pk for c in competences[:2]])
    preview = importing.preview_file(content, "members.csv")
    row = preview.rows[0]
    assert (row.status, [k.column for k in row.kept]) == ("unchanged", ["competences"])
    assert "would undo ioana's change" in str(row.kept[0])

    importing.import_file(content, "members.csv", manager)
    assert set(member.competences.all()) == set(competences[:2])  # kept
    importing.import_file(content, "members.csv", manager, overwrite_their_changes=True)
    assert list(member.competences.all()) == competences[:1]  # overwritten when asked


def test_in_a_long_file_the_kept_field_and_the_choice_come_first_and_unchanged_rows_are_folded(
    client, manager, colleague, member, make_member
):
    for _i in range(30):
        make_member()
    client.force_login(manager)
    content = export_csv(client)
    edit_in_admin(colleague, member, phone="021 222")

    page = " ".join(upload(client, content).content.decode().split())
    choice, kept = page.index('name="overwrite"'), page.index("Kept: Public phone (phone)")
    folded = page.index('<details class="import-quiet">')
    assert choice < kept < folded
    assert "30 rows change nothing" in page
    assert page.count('class="import-unchanged"') == 31  # the kept row shown first is unchanged too
    # Ticked at the top, the choice still belongs to the confirmation form at the bottom.
    assert 'form="import-confirm"' in page and '<form method="post" id="import-confirm">' in page
