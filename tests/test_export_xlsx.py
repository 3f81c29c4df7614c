"""The Excel export: the directory's filtered set as a workbook a person reads, read back with
openpyxl: headers, names and yes/no in the page's language, codes kept as text, profile links,
a file name that says what was filtered, nothing private."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from members.models import Certification, Competence, ContactPerson, Locality, Member


def xlsx_url(language="en"):
    with translation.override(language):
        return reverse("members:export_xlsx")


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).active


def rows_of(sheet):
    """[{header: cell}] for every member row."""
    header, *rows = list(sheet.iter_rows())
    names = [cell.value for cell in header]
    return names, [dict(zip(names, row, strict=True)) for row in rows]


@pytest.fixture
def robot_maker(make_member):
    member = make_member(
        name="Roboți Voluntari SRL",
        category=Member.Category.ENTERPRISE,
        competences=list(Competence.objects.filter(slug__in=["industrial-robotics", "mems"])),
        locality=Locality.objects.get(slug="voluntari"),
        phone="0215550101",
        postal_code="077190",
        fiscal_code="",
        address="Str. Fabricii 3",
        founded=2004,
        size=Member.Size.SMALL,
        offers_subcontracting=True,
        seeks_partners=False,
        email="office@roboti.example.ro",
    )
    member.certifications.set(Certification.objects.filter(slug="iso-9001"))
    ContactPerson.objects.create(
        member=member,
        name="Ana Consimțită",
        email="ana@roboti.example.ro",
        phone="+40 721 000 000",
        public_consent=True,
        consent_given_at=timezone.now(),
        consent_method="form",
    )
    return member


def test_headers_names_and_yes_no_are_in_english_on_the_english_page(client, robot_maker):
    names, [row] = rows_of(sheet_of(client.get(xlsx_url("en"))))
    assert names[:3] == ["Name", "Category", "Fiscal code (CUI)"]
    assert "Competences" in names and "Certifications" in names and names[-1] == "Profile"
    assert row["Category"].value == "Enterprise"
    assert row["Competences"].value == "Industrial robotics; MEMS microsystems"  # names, not slugs
    assert row["Certifications"].value == "ISO 9001"
    assert row["Offers subcontracting"].value == "yes" and row["Seeks project partners"].value == "no"
    assert row["Size"].value == "Small (10–49 employees)"
    assert row["Locality"].value == "Voluntari" and row["County"].value == "Ilfov"
    assert row["Year founded"].value == 2004  # a number stays a number
    assert row["Profile"].value == "http://testserver/en/members/" + robot_maker.slug + "/"


def test_headers_names_and_yes_no_are_in_romanian_on_the_romanian_page(client, robot_maker):
    names, [row] = rows_of(sheet_of(client.get(xlsx_url("ro"))))
    assert names[0] == "Nume" and names[-1] == "Profil"
    assert row["Categorie"].value == "Întreprindere"
    assert row["Competențe"].value == "Microsisteme MEMS; Robotică industrială"
    assert row[names[COLUMN_OF_SUBCONTRACTING]].value == "da"
    assert row["Profil"].value == "http://testserver/ro/members/" + robot_maker.slug + "/"


COLUMN_OF_SUBCONTRACTING = -4  # …, offers subcontracting, seeks partners, member since, profile


def test_phone_numbers_and_postal_codes_are_text_cells_that_keep_their_leading_zero(client, robot_maker):
    _names, [row] = rows_of(sheet_of(client.get(xlsx_url())))
    for header in ("Public phone", "Postal code"):
        assert row[header].data_type == "s" and row[header].number_format == "@"
    assert row["Public phone"].value == "0215550101"
    assert row["Postal code"].value == "077190"


def test_text_a_spreadsheet_would_run_as_a_formula_stays_text(client, make_member):
    make_member(name="=HYPERLINK(1) SRL", short_description_en="+cmd", phone="-1")
    _names, [row] = rows_of(sheet_of(client.get(xlsx_url())))
    assert row["Name"].value == "=HYPERLINK(1) SRL" and row["Name"].data_type == "s"
    assert row["Short description (English)"].data_type == "s"
    assert row["Public phone"].value == "-1" and row["Public phone"].data_type == "s"


def test_nothing_private_and_no_unpublished_member_is_in_the_file(client, robot_maker, make_member):
    make_member(name="Nepublicat SRL", is_published=False)
    response = client.get(xlsx_url())
    names, rows = rows_of(sheet_of(response))
    assert [row["Name"].value for row in rows] == ["Roboți Voluntari SRL"]
    text = " ".join(str(cell.value) for row in rows for cell in row.values())
    for private in ("Ana Consimțită", "ana@roboti.example.ro", "+40 721 000 000", "office@roboti.example.ro"):
        assert private not in text
    assert not any("mail" in name.lower() for name in names)


@pytest.mark.parametrize(
    "params",
    [{}, {"category": "enterprise"}, {"competence": ["mems", "industrial-robotics"], "county": "ilfov"}],
)
def test_the_file_holds_exactly_the_directorys_filtered_set(client, make_member, params):
    mems = Competence.objects.get(slug="mems")
    voluntari = Locality.objects.get(slug="voluntari")
    for i in range(12):
        make_member(
            category=Member.Category.values[i % 4],
            competences=[mems] if i % 3 else [],
            locality=voluntari if i % 2 else None,
        )
    listed = client.get(reverse("members:directory"), params).context["page"].paginator.object_list
    expected = sorted(Member.objects.filter(pk__in=list(listed)).values_list("name", flat=True))
    _names, rows = rows_of(sheet_of(client.get(xlsx_url(), params)))
    assert sorted(row["Name"].value for row in rows) == expected


def test_the_file_name_says_what_was_filtered_in_the_page_language(client, robot_maker):
    today = timezone.localdate().isoformat()
    response = client.get(xlsx_url("ro"), {"category": "enterprise"})
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="mechatrec-membri-intreprinderi-{today}.xlsx"'
    )
    response = client.get(
        xlsx_url("en"), {"category": "enterprise", "competence": "mems", "subcontracting": "1"}
    )
    described = "members-enterprises-offers-subcontracting-mems-microsystems"
    assert response["Content-Disposition"] == f'attachment; filename="mechatrec-{described}-{today}.xlsx"'
    # Served again from the page cache, the file keeps its name.
    again = client.get(
        xlsx_url("en"), {"category": "enterprise", "competence": "mems", "subcontracting": "1"}
    )
    assert again["Content-Disposition"] == response["Content-Disposition"]
    assert (
        client.get(xlsx_url("en"))["Content-Disposition"]
        == f'attachment; filename="mechatrec-members-{today}.xlsx"'
    )


def test_a_selection_above_the_limit_is_refused_with_a_pointer_to_the_csv(client, make_member, settings):
    settings.XLSX_MAX_ROWS = 2
    for _i in range(3):
        make_member()
    response = client.get(xlsx_url(), {"category": "enterprise"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "These filters select 3 members; an Excel file holds at most 2." in html
    assert reverse("members:export_csv") + "?category=enterprise" in html
    assert "public" not in response.get("Cache-Control", "")
    assert client.get(xlsx_url(), {"category": "rd"}).status_code == 200  # none: an empty file


def test_the_export_is_a_public_cached_answer_with_a_pinned_query_count(
    client, make_member, django_assert_max_num_queries
):
    for _i in range(30):
        make_member(competences=list(Competence.objects.filter(slug="mems")))
    # reference rows (3) and options, the count, the rows, one per many-valued column (2)
    with django_assert_max_num_queries(8):
        response = client.get(xlsx_url(), {"competence": "mems"})
    assert "public" in response["Cache-Control"] and response.has_header("ETag")
    with django_assert_max_num_queries(0):
        assert (
            client.get(
                xlsx_url(), {"competence": "mems"}, headers={"if-none-match": response["ETag"]}
            ).status_code
            == 304
        )


def test_the_directory_offers_the_excel_file_with_its_filters(client, robot_maker):
    html = client.get(reverse("members:directory"), {"category": "enterprise"}).content.decode()
    assert f'href="{xlsx_url()}?category=enterprise" download>Excel<span' in html


def test_the_refusal_is_written_in_romanian_on_the_romanian_page(client, make_member, settings):
    settings.XLSX_MAX_ROWS = 0
    make_member()
    html = client.get(xlsx_url("ro")).content.decode()
    assert "Prea mulți membri pentru un fișier Excel" in html
    assert "Membri selectați de aceste filtre: 1." in html


def test_the_refusal_page_is_valid_html_in_both_languages(client, make_member, settings):
    from tests.quality import assert_valid_html

    settings.XLSX_MAX_ROWS = 0
    make_member()
    assert_valid_html(
        {f"Excel refused ({lang})": client.get(xlsx_url(lang)).content.decode() for lang in ("ro", "en")}
    )


def test_an_unknown_filter_value_is_ignored_as_in_the_directory_and_never_stored(client, robot_maker):
    response = client.get(xlsx_url(), {"category": ["enterprise", "nowhere"]})
    _names, rows = rows_of(sheet_of(response))
    assert [row["Name"].value for row in rows] == ["Roboți Voluntari SRL"]
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
