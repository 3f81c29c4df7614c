"""Romanian text is stored with comma-below ș ț on every way in, files are read in the encoding
they were saved in, and matching a member never rewrites its name's spelling."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from members import importing
from members.models import (
    CommaBelowText,
    Competence,
    ContactPerson,
    ImportBatch,
    Locality,
    Member,
)
from members.text import CEDILLA_LETTERS, comma_below
from tests.test_admin_manager import change_form_data, upload
from tests.test_importing import messy_csv

FIXTURES = Path(__file__).parent / "fixtures"
WINDOWS_1250_CSV = FIXTURES / "members_windows1250.csv"  # the messy file re-saved by Excel as "CSV"
ISO_8859_2_CSV = FIXTURES / "members_iso8859_2.csv"
SPELLINGS_CSV = FIXTURES / "members_spellings.csv"  # the same members as a colleague spells them


def has_cedilla(text):
    return any(letter in text for letter in CEDILLA_LETTERS)


def import_messy(manager):
    return importing.import_file(messy_csv(without_bad_row=True), "members_messy.csv", manager)


# --- The normaliser ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ţesături Tehnice Şerbănescu", "Țesături Tehnice Șerbănescu"),
        ("ştiinţă", "știință"),
        ("s\u0327i t\u0327", "și ț"),  # a cedilla typed as a combining mark
        ("Știință", "Știință"),
        ("", ""),
    ],
)
def test_cedilla_letters_become_comma_below(typed, stored):
    assert comma_below(typed) == stored


def test_every_model_of_the_app_with_text_saves_it_with_comma_below():
    models_with_text = [
        model
        for model in apps.get_app_config("members").get_models()
        if model._meta.managed
        and not model.__name__.startswith("Historical")
        and any(f.get_internal_type() in ("CharField", "TextField") for f in model._meta.concrete_fields)
    ]
    assert models_with_text  # guards the filter above
    assert [m.__name__ for m in models_with_text if not issubclass(m, CommaBelowText)] == []


# --- Every way in --------------------------------------------------------------------------------


def test_a_member_typed_with_cedilla_in_the_admin_is_stored_and_shown_with_comma_below(
    manager_client, make_member, client
):
    member = make_member(name="Provizoriu SRL")
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_form_data(manager_client.get(url))
    data.update(
        {
            "name": "Ţesături Tehnice Şerbănescu",
            "short_description_ro": "Ţesături şi fibre",
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-name": "Ştefan Ţurcanu",
        }
    )
    assert manager_client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.name == "Țesături Tehnice Șerbănescu"
    assert member.short_description_ro == "Țesături și fibre"
    assert ContactPerson.objects.get(member=member).name == "Ștefan Țurcanu"
    assert member.history.first().name == "Țesături Tehnice Șerbănescu"
    profile = client.get(f"/ro/members/{member.slug}/").content.decode()
    assert "Țesături Tehnice Șerbănescu" in profile and not has_cedilla(profile)


def test_reference_data_saved_with_cedilla_is_stored_with_comma_below(db, competences):
    locality = Locality.objects.create(name="Ţânţăreni", county="Gorj", kind=Locality.Kind.COMMUNE)
    competence = competences[0]
    competence.keywords_ro = "aşchiere, ţevi"
    competence.save()
    assert Locality.objects.get(pk=locality.pk).name == "Țânțăreni"
    assert Competence.objects.get(pk=competence.pk).keywords_ro == "așchiere, țevi"


def test_an_import_stores_cedilla_names_with_comma_below(db, manager):
    import_messy(manager)
    assert Member.objects.filter(fiscal_code="14235716").get().name == "Știința Materialelor SA"
    for member in Member.objects.all():
        assert not has_cedilla(member.name + member.short_description_ro + member.address)


def test_the_import_command_stores_cedilla_with_comma_below(db, manager, tmp_path, capsys):
    path = tmp_path / "ţesături.csv"
    path.write_text("name;category\nŢesături Tehnice Şerbănescu;enterprise\n", encoding="utf-8")
    call_command("import_members", str(path), "--user", "manager")
    assert Member.objects.get().name == "Țesături Tehnice Șerbănescu"
    output = capsys.readouterr().out
    assert "Read as UTF-8." in output
    assert "row 2: new: Țesături Tehnice Șerbănescu" in output


def test_the_data_migration_fixes_rows_stored_with_cedilla(db, manager, make_member):
    member = make_member(name="Temporar SRL")
    contact = ContactPerson.objects.create(member=member, name="Temporar")
    # As stored before the normaliser: written past save(), as old code and raw SQL did.
    Member.objects.filter(pk=member.pk).update(
        name="Ştiinţa Aplicată SRL", description_ro="Cercetare şi dezvoltare"
    )
    Member.history.filter(id=member.pk).update(name="Ştiinţa Aplicată SRL")
    ContactPerson.objects.filter(pk=contact.pk).update(name="Ştefan Ţurcanu")
    migration = __import__("members.migrations.0006_comma_below_text", fromlist=["fix_stored_text"])

    editor = connection.schema_editor()
    migration.fix_stored_text(apps, editor)
    migration.fix_stored_text(apps, editor)  # safe to re-run

    member.refresh_from_db()
    assert (member.name, member.description_ro) == ("Știința Aplicată SRL", "Cercetare și dezvoltare")
    assert member.history.get().name == "Știința Aplicată SRL"
    assert ContactPerson.objects.get(pk=contact.pk).name == "Ștefan Țurcanu"


# --- Encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "encoding", "label"),
    [
        ("\ufeffname\nȘtiință SRL\n".encode(), "utf-8-sig", "UTF-8 with a byte-order mark"),
        ("name\nȘtiință SRL\n".encode(), "utf-8", "UTF-8"),
        ("name\nŞtiinţă SRL\n".encode("cp1250"), "cp1250", "Windows-1250"),
        ("name\n„Ştiinţă” SRL\n".encode("cp1250"), "cp1250", "Windows-1250"),
        ("name\nŠkoda Ştiinţă SRL\n".encode("iso-8859-2"), "iso-8859-2", "ISO-8859-2"),
    ],
)
def test_the_encoding_of_a_csv_file_is_detected_and_named(db, content, encoding, label):
    preview = importing.preview_file(content, "members.csv")
    assert (preview.encoding, str(preview.encoding_label)) == (encoding, label)
    assert "Știință" in preview.rows[0].name


def test_an_iso_8859_2_file_is_read_with_its_own_letters(db):
    preview = importing.preview_file(ISO_8859_2_CSV.read_bytes(), ISO_8859_2_CSV.name)
    assert preview.encoding == "iso-8859-2"
    row = preview.rows[0]
    assert row.name == "Škoda Mecatronică Țăndărei SRL"
    assert row.values["short_description_ro"] == "Piese și subansamble"


def test_a_windows_1250_resave_of_the_members_changes_nothing(db, manager):
    import_messy(manager)
    stored = sorted(Member.objects.values_list("name", "short_description_ro", "address"))
    preview, batch = importing.import_file(WINDOWS_1250_CSV.read_bytes(), WINDOWS_1250_CSV.name, manager)
    assert preview.encoding == "cp1250"
    assert preview.counts == {"new": 0, "updated": 0, "unchanged": 4, "error": 0}
    assert batch is None
    assert sorted(Member.objects.values_list("name", "short_description_ro", "address")) == stored


def test_the_admin_preview_says_which_encoding_was_read(manager_client, manager):
    import_messy(manager)
    page = upload(manager_client, WINDOWS_1250_CSV.read_bytes(), WINDOWS_1250_CSV.name).content.decode()
    assert "Read as Windows-1250." in page
    assert "0 new, 0 updated, 4 unchanged, 0 with errors" in page
    assert not has_cedilla(page)


# --- Matching keeps the stored spelling ----------------------------------------------------------


def test_a_matched_member_keeps_its_name_when_the_file_differs_only_in_case_diacritics_or_spacing(
    db, manager
):
    import_messy(manager)
    preview, _ = importing.import_file(SPELLINGS_CSV.read_bytes(), SPELLINGS_CSV.name, manager)
    rows = {row.number: row for row in preview.rows}
    # By fiscal code, in upper case; by folded name, without diacritics; with a double space.
    for number, stored in [
        (2, "Robotică Avansată SRL"),
        (3, "Centrul de Cercetare Mecatronică"),
        (5, "Măgurele Tech"),
    ]:
        file_spelling = " ".join(rows[number].name.split())
        assert (rows[number].status, rows[number].kept_spelling, rows[number].changes) == (
            "unchanged",
            file_spelling,
            [],
        )
        assert Member.objects.filter(name=stored).exists()
    # A deliberate rename is a change (and the file's cedilla is stored as comma-below).
    renamed = rows[4]
    assert renamed.status == "updated" and not renamed.kept_spelling
    assert [(c.column, c.old, c.new) for c in renamed.changes] == [
        ("name", "Știința Materialelor SA", "Știința Materialelor Avansate SA")
    ]
    assert Member.objects.get(fiscal_code="14235716").name == "Știința Materialelor Avansate SA"


def test_the_admin_preview_says_same_member_spelling_kept(manager_client, manager):
    import_messy(manager)
    page = upload(manager_client, SPELLINGS_CSV.read_bytes(), SPELLINGS_CSV.name).content.decode()
    assert (
        "Same member, spelling kept: “Robotică Avansată SRL” (the file says “ROBOTICĂ AVANSATĂ SRL”)."
    ) in page
    assert "<del>Știința Materialelor SA</del> → <ins>Știința Materialelor Avansate SA</ins>" in page
    assert "0 new, 1 updated, 3 unchanged, 0 with errors" in page


# --- Imports that change nothing -----------------------------------------------------------------


def test_an_import_that_changes_nothing_records_no_batch_and_says_so(manager_client, manager):
    import_messy(manager)
    response = upload(manager_client, messy_csv(without_bad_row=True))
    response = manager_client.post(
        reverse("admin:members_member_import"),
        {"_confirm": "1", "digest": response.context["digest"]},
        follow=True,
    )
    assert (
        "Nothing to import: 0 new, 0 updated, 4 unchanged, 0 with errors. No import batch was recorded."
        in response.content.decode()
    )
    assert ImportBatch.objects.count() == 1  # the first import only


def test_the_import_command_records_no_batch_for_a_file_that_changes_nothing(db, manager, tmp_path, capsys):
    import_messy(manager)
    path = tmp_path / "members.csv"
    path.write_bytes(messy_csv(without_bad_row=True))
    call_command("import_members", str(path), "--user", "manager")
    assert "Nothing to import: no import batch was recorded." in capsys.readouterr().out
    assert ImportBatch.objects.count() == 1
