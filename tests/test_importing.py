"""The spreadsheet import: reading messy files, matching, the preview, all-or-nothing, round trips."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from members import importing
from members.columns import COLUMNS
from members.models import Competence, ImportBatch, Locality, Member

MESSY_CSV = Path(__file__).parent / "fixtures" / "members_messy.csv"
BAD_ROW = 6  # "Firmă Greșită SRL": unknown category and locality, wrong check digit, bad yes/no and date


def messy_csv(without_bad_row=False):
    content = MESSY_CSV.read_bytes()
    if without_bad_row:
        lines = content.split(b"\r\n")
        content = b"\r\n".join(line for line in lines if not line.startswith("Firmă Greșită".encode()))
    return content


def rows_by_name(preview):
    return {row.name.strip(): row for row in preview.rows}


def test_the_messy_fixture_previews_four_new_members_and_one_bad_row(db):
    preview = importing.preview_file(messy_csv(), "members_messy.csv")
    assert preview.counts == {"new": 4, "updated": 0, "unchanged": 0, "error": 1}
    assert [row.number for row in preview.rows] == [2, 3, 5, 6, 7]  # blank row 4 skipped, still counted
    assert Member.objects.count() == 0


def test_errors_name_the_row_the_column_and_the_reason(db):
    preview = importing.preview_file(messy_csv(), "members_messy.csv")
    errors = {error.column: error for error in preview.errors}
    assert {error.row for error in preview.errors} == {BAD_ROW}
    assert set(errors) == {"category", "fiscal_code", "locality", "offers_subcontracting", "member_since"}
    assert "brutărie" in errors["category"].message
    assert "Atlantis" in errors["locality"].message
    assert "check digit" in errors["fiscal_code"].message
    assert str(errors["locality"]).startswith("Row 6, column “locality”:")


def test_messy_values_are_understood(db):
    preview = importing.preview_file(messy_csv(without_bad_row=True), "members_messy.csv")
    rows = rows_by_name(preview)
    robotics = rows["Robotică Avansată SRL"].values
    assert robotics["name"] == "Robotică Avansată SRL"  # trailing space gone
    assert robotics["fiscal_code"] == "14235708"  # "RO 14235708 "
    assert robotics["website"] == "https://robotica.example.ro"
    assert robotics["phone"] == "+40 21 555 0101"  # the formula guard apostrophe removed
    assert robotics["locality"].name == "Otopeni"
    assert robotics["offers_subcontracting"] is True and robotics["seeks_partners"] is False
    assert robotics["member_since"] == datetime.date(2019, 3, 15)
    assert {c.slug for c in rows["Robotică Avansată SRL"].related["competences"]} == {
        "industrial-robotics",
        "machine-vision",
    }
    materials = rows["Știința Materialelor SA"]  # stored and shown with comma-below
    assert materials.values["category"] == "enterprise"  # "ÎNTREPRINDERE"
    assert materials.values["locality"].name == "Sectorul 2"  # "Sector 2"
    assert [c.slug for c in materials.related["competences"]] == [
        "materials-science"
    ]  # comma-below vs cedilla name
    research = rows["Centrul de Cercetare Mecatronică"].values
    assert research["category"] == "rd"  # "R&D entity"
    assert research["address"] == "Splaiul Independenței 313; corp B"  # a quoted ";" stays in the cell
    assert research["is_published"] is True  # "1"
    magurele = rows["Măgurele Tech"].values
    assert magurele["category"] == "catalyzer"  # "catalizator"
    assert magurele["locality"].name == "Măgurele"  # "magurele"


def test_a_file_with_an_error_imports_nothing(db, manager):
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_file(messy_csv(), "members_messy.csv", manager)
    assert refused.value.preview.count("error") == 1
    assert Member.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing_the_second_time(db, manager):
    first, batch = importing.import_file(messy_csv(without_bad_row=True), "members_messy.csv", manager)
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (4, 0, 0)
    history_rows = Member.history.count()
    second, _ = importing.import_file(messy_csv(without_bad_row=True), "members_messy.csv", manager)
    assert second.counts == {"new": 0, "updated": 0, "unchanged": 4, "error": 0}
    assert Member.objects.count() == 4
    assert Member.history.count() == history_rows  # unchanged rows are not saved


def test_imported_members_are_recorded_in_the_history_with_the_user_and_the_batch(db, manager):
    _, batch = importing.import_file(messy_csv(without_bad_row=True), "members_messy.csv", manager)
    member = Member.objects.get(fiscal_code="14235708")
    record = member.history.earliest()
    assert record.history_type == "+"
    assert record.history_user == manager
    assert record.history_change_reason == f"import #{batch.pk}"
    assert {c.slug for c in member.competences.all()} == {"industrial-robotics", "machine-vision"}


def test_a_row_updates_the_member_with_the_same_fiscal_code(db, make_member, manager):
    existing = make_member(name="Robotica Veche SRL", fiscal_code="14235708", phone="021 000")
    preview, _ = importing.import_file(messy_csv(without_bad_row=True), "members_messy.csv", manager)
    row = rows_by_name(preview)["Robotică Avansată SRL"]
    assert row.status == "updated"
    changes = {change.column: (change.old, change.new) for change in row.changes}
    assert changes["name"] == ("Robotica Veche SRL", "Robotică Avansată SRL")
    assert changes["phone"] == ("021 000", "+40 21 555 0101")
    existing.refresh_from_db()
    assert existing.name == "Robotică Avansată SRL"
    assert Member.objects.filter(fiscal_code="14235708").count() == 1


def test_without_a_fiscal_code_a_row_matches_the_same_name_ignoring_case_spaces_and_accents(db, make_member):
    existing = make_member(name="MAGURELE  TECH", category=Member.Category.CATALYZER)
    preview = importing.preview_file(messy_csv(without_bad_row=True), "members_messy.csv")
    row = rows_by_name(preview)["Măgurele Tech"]
    assert row.member == existing
    assert row.status == "updated"
    assert preview.count("new") == 3


def test_a_cedilla_name_matches_the_comma_below_member_and_gets_its_fiscal_code(db, make_member, manager):
    existing = make_member(name="Știința Materialelor SA")
    importing.import_file(messy_csv(without_bad_row=True), "members_messy.csv", manager)
    existing.refresh_from_db()
    assert existing.fiscal_code == "14235716"
    assert Member.objects.filter(name_key=existing.name_key).count() == 1


def test_a_fiscal_code_of_one_member_with_the_name_of_another_is_an_error(db, make_member):
    make_member(name="Alt Nume SRL", fiscal_code="14235708")
    make_member(name="Robotică Avansată SRL", fiscal_code="14235724")
    preview = importing.preview_file(messy_csv(without_bad_row=True), "members_messy.csv")
    row = rows_by_name(preview)["Robotică Avansată SRL"]
    assert row.status == "error"
    assert "14235724" in row.errors[0].message


def test_two_rows_for_one_member_are_an_error_never_a_duplicate(db):
    header = ";".join(COLUMNS[:2])
    content = f"{header}\nAcme SRL;enterprise\n acme  srl ;enterprise\n".encode()
    preview = importing.preview_file(content, "twice.csv")
    assert [row.status for row in preview.rows] == ["new", "error"]
    assert "row 2 already describes this member" in preview.rows[1].errors[0].message


def test_a_blank_cell_clears_a_field_but_a_missing_column_leaves_it(db, make_member):
    member = make_member(name="Acme SRL", phone="021 111", address="Str. A 1")
    content = b"name,category,phone\nAcme SRL,enterprise,\n"
    row = importing.preview_file(content, "partial.csv").rows[0]
    assert [(c.column, c.old, c.new) for c in row.changes] == [("phone", "021 111", "")]
    assert row.member == member


def test_an_export_from_the_admin_imports_back_with_no_changes(
    manager_client, make_member, competences, localities
):
    for i in range(12):
        make_member(
            fiscal_code=["14235708", "14235716", "14235724", "14235740"][i] if i < 4 else "",
            locality=localities[i % len(localities)],
            competences=competences[i : i + 3],
            phone="+40 21 300 0000",
            short_description_en="=SUM(A1:A2) looks like a formula",
            description_ro="Rând unu\nRând doi; cu punct și virgulă, și virgulă",
            member_since=datetime.date(2020, 1, i + 1),
            founded=1990 + i,
            size=Member.Size.SMALL,
            website="https://example.ro/x",
            email=f"office{i}@example.ro",
        )
    make_member(name="Ştiinţa Veche SA", fiscal_code="14235732", is_published=False)
    for file_format in ("0", "1"):  # XLSX, CSV
        response = manager_client.post(
            "/admin/members/member/export/", {"format": file_format, "resource": "0"}
        )
        assert response.status_code == 200
        if file_format == "1":  # unlike the public export, the staff export keeps the e-mail
            assert "office11@example.ro" in response.content.decode("utf-8-sig")
        preview = importing.preview_file(response.content, "export")
        assert preview.counts == {"new": 0, "updated": 0, "unchanged": 13, "error": 0}, preview.errors
        assert preview.ignored_columns == ["verified_on", "contacts"]


def test_an_xlsx_with_numbers_and_dates_in_cells_is_understood(db):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Category", "Fiscal code", "Postal code", "Member since", "Published", "Founded"])
    sheet.append(["Acme SRL", "Enterprise", 14235740, 30167, datetime.datetime(2021, 5, 4), True, 2001.0])
    sheet.append([None] * 7)
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = importing.preview_file(buffer.getvalue(), "acme.xlsx").rows[0]
    assert row.errors == []
    assert row.values["fiscal_code"] == "14235740"
    assert row.values["postal_code"] == "030167"  # the leading zero a number cell lost
    assert row.values["member_since"] == datetime.date(2021, 5, 4)
    assert row.values["is_published"] is True
    assert row.values["founded"] == 2001


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV or XLSX"),
        (b"PK\x03\x04 broken zip", "not a readable XLSX"),
        (b"denumire;tip\nAcme;enterprise\n", "“name”"),
    ],
)
def test_a_file_that_is_not_a_usable_spreadsheet_is_refused_with_a_reason(db, content, message):
    with pytest.raises(importing.ImportFileError, match=message):
        importing.preview_file(content, "upload")


def test_reverting_a_batch_removes_created_members_and_restores_updated_ones(
    db, make_member, manager, competences
):
    existing = make_member(name="Robotica Veche SRL", fiscal_code="14235708", competences=competences[:1])
    _, batch = importing.import_file(messy_csv(without_bad_row=True), "members_messy.csv", manager)
    assert Member.objects.count() == 4
    assert importing.revert_batch(batch, manager) == 4
    assert list(Member.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.name == "Robotica Veche SRL"
    assert list(existing.competences.all()) == competences[:1]
    latest = existing.history.first()
    assert (latest.history_user, latest.history_change_reason) == (manager, f"revert of import #{batch.pk}")
    batch.refresh_from_db()
    assert batch.reverted_by == manager and batch.reverted_at


def test_a_batch_is_not_reverted_over_later_changes(db, manager):
    _, batch = importing.import_file(messy_csv(without_bad_row=True), "members_messy.csv", manager)
    member = Member.objects.get(fiscal_code="14235708")
    member.phone = "021 999"
    member.save()
    with pytest.raises(importing.RevertRefused, match="Robotică Avansată SRL"):
        importing.revert_batch(batch, manager)
    assert Member.objects.count() == 4


def test_the_import_command_previews_with_dry_run_and_saves_nothing(db, capsys, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(messy_csv(without_bad_row=True))
    call_command("import_members", str(path), "--dry-run")
    output = capsys.readouterr().out
    assert "4 new, 0 updated, 0 unchanged, 0 with errors" in output
    assert "Dry run" in output
    assert Member.objects.count() == 0


def test_the_import_command_imports_under_the_given_user(db, manager, capsys, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(messy_csv(without_bad_row=True))
    call_command("import_members", str(path), "--user", "manager")
    assert "4 new" in capsys.readouterr().out
    assert ImportBatch.objects.get().user == manager
    assert set(Member.history.values_list("history_user__username", flat=True)) == {"manager"}


def test_the_import_command_records_the_user_on_the_batch_and_says_so(db, manager, capsys, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(messy_csv(without_bad_row=True))
    call_command("import_members", str(path), "--user", "manager")
    batch = ImportBatch.objects.get()
    assert f"Import #{batch.pk} saved under manager" in capsys.readouterr().out
    history = Member.history.filter(history_change_reason=batch.change_reason)
    assert len({record.id for record in history}) == 4  # every imported member
    assert {record.history_user for record in history} == {manager}


def test_the_import_command_without_user_imports_nothing_and_says_how_to_name_one(
    db, manager, django_user_model, tmp_path
):
    django_user_model.objects.create_user("visitor", password="a-long-password-123")  # not staff
    path = tmp_path / "members.csv"
    path.write_bytes(messy_csv(without_bad_row=True))
    with pytest.raises(CommandError) as refused:
        call_command("import_members", str(path))
    message = str(refused.value)
    assert "--user USERNAME" in message
    assert "Users who may import: manager." in message  # the visitor may not, so is not offered
    assert Member.objects.count() == 0
    assert not ImportBatch.objects.exists()


def test_the_import_command_without_user_guesses_no_one_even_with_a_single_manager(db, manager, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(messy_csv(without_bad_row=True))
    with pytest.raises(CommandError, match="Say who is importing"):
        call_command("import_members", str(path))
    assert not Member.history.exists()


def test_the_import_command_refuses_an_unknown_or_unauthorised_user(
    db, manager, staff_viewer, django_user_model, tmp_path
):
    path = tmp_path / "members.csv"
    path.write_bytes(messy_csv(without_bad_row=True))
    django_user_model.objects.create_superuser(
        "left", "left@example.ro", "a-long-password-123", is_active=False
    )
    with pytest.raises(CommandError, match="No user named 'nobody'. Users who may import: manager."):
        call_command("import_members", str(path), "--user", "nobody")
    for username in ("viewer", "left"):  # may only view members; no longer active
        with pytest.raises(CommandError, match=f"'{username}' may not import members"):
            call_command("import_members", str(path), "--user", username)
    assert Member.objects.count() == 0


def test_an_import_without_a_user_is_refused_by_the_importer_itself(db):
    with pytest.raises(ValueError, match="user"):
        importing.import_file(messy_csv(without_bad_row=True), "members_messy.csv", None)
    assert not ImportBatch.objects.exists()


def test_the_import_command_refuses_a_file_with_errors(db, manager, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_bytes(messy_csv())
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_members", str(path), "--user", "manager")
    assert "Row 6, column “category”" in capsys.readouterr().err
    assert Member.objects.count() == 0


def test_reference_data_used_by_the_fixture_exists(db):
    """Guards the fixture: it names these localities and competences."""
    assert Locality.objects.filter(name__in=["Otopeni", "Sectorul 2", "Sectorul 6", "Măgurele"]).count() == 4
    assert (
        Competence.objects.filter(slug__in=["industrial-robotics", "mems", "materials-science"]).count() == 3
    )


def test_the_templates_have_the_documented_columns(manager_client):
    xlsx = manager_client.get("/admin/members/member/import/template.xlsx")
    header = next(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert list(header) == COLUMNS
    csv = manager_client.get("/admin/members/member/import/template.csv")
    assert csv.content.decode("utf-8-sig").strip() == ",".join(COLUMNS)
    assert manager_client.get("/admin/members/member/import/template.pdf").status_code == 404


# --- Hostile files: refused quickly with a reason, never a 500 or a stuck worker ---------------


def _xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_sheet_xml(content, rewrite):
    """The XLSX `content` with its first sheet's XML passed through `rewrite`."""
    import zipfile

    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as rewritten:
        for item in source.infolist():
            data = source.read(item.filename)
            rewritten.writestr(item, rewrite(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return target.getvalue()


def test_a_header_followed_by_a_million_commas_reads_as_its_one_column(db):
    content = b"name" + b"," * 1_000_000 + b"\nAcme SRL\n"
    assert [row.values["name"] for row in importing.preview_file(content, "wide.csv").rows] == ["Acme SRL"]


def test_a_row_wider_than_any_member_list_is_refused_with_its_number(db):
    content = b"name,category\nAcme SRL,enterprise\n" + b",".join([b"x"] * 150) + b"\n"
    with pytest.raises(importing.ImportFileError, match="Row 3 has more than 100 columns"):
        importing.preview_file(content, "wide.csv")


def test_blank_rows_count_toward_the_row_limit(db):
    rows = [["name", "category"], ["Acme SRL", "enterprise"]] + [[""]] * (importing.MAX_ROWS + 10)
    with pytest.raises(importing.ImportFileError, match="empty rows count too"):
        importing.preview_file(_xlsx(rows), "blank.xlsx")


@pytest.mark.parametrize(
    "rewrite",
    [
        # An entity declared in a DTD (the "billion laughs" and external entities need one).
        lambda xml: xml.replace(
            b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet', 1
        ),
        lambda xml: xml.replace(b"</sheetData>", b"<row><c></sheetData>", 1),  # a broken tag
    ],
    ids=["external entity", "broken tag"],
)
def test_an_xlsx_with_a_dtd_or_broken_xml_is_not_a_readable_xlsx_file(db, rewrite):
    content = _with_sheet_xml(_xlsx([["name", "category"], ["Acme SRL", "enterprise"]]), rewrite)
    with pytest.raises(importing.ImportFileError, match="not a readable XLSX file"):
        importing.preview_file(content, "hostile.xlsx")


def test_an_xlsx_that_would_unpack_to_gigabytes_is_refused_before_it_is_parsed(db):
    padding = b" " * (importing.MAX_XLSX_UNPACKED_BYTES + 1)  # compresses to a few dozen KB
    content = _with_sheet_xml(
        _xlsx([["name"], ["Acme SRL"]]), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + padding, 1)
    )
    assert len(content) < importing.MAX_FILE_BYTES
    with pytest.raises(importing.ImportFileError, match="not a readable XLSX file"):
        importing.preview_file(content, "bomb.xlsx")


@pytest.mark.parametrize(
    "header",
    [
        "Nume;Categorie;Cod fiscal (CUI);Telefon public;Competențe",
        "Name;Category;Fiscal code (CUI);Public phone;Competences",
        "name;category;fiscal_code;phone;competences",
    ],
)
def test_columns_are_read_by_their_codes_or_their_labels_in_either_language(db, header):
    content = f"{header}\nRoboți Ilfov SRL;întreprindere;RO 14235708;021 555 0101;industrial-robotics\n"
    preview = importing.preview_file(content.encode(), "membri.csv")
    assert preview.ignored_columns == []
    row = preview.rows[0]
    assert (row.status, row.name) == ("new", "Roboți Ilfov SRL")
    assert {change.column for change in row.changes} == {
        "name",
        "category",
        "fiscal_code",
        "phone",
        "competences",
    }
