"""Certifications: a dimension added by its declaration (members.dimensions), the model, the
reference list, demo data and the admin. Everything else (filter, counts, chips, cards, profile,
search, spreadsheet column) follows from the declaration, and these tests check that it did."""

import csv
import io

import pytest
from django.urls import reverse

from members import importing
from members.models import Certification, Member
from members.reference_data import CERTIFICATIONS


@pytest.fixture
def iso_9001():
    return Certification.objects.get(slug="iso-9001")


@pytest.fixture
def en_9100():
    return Certification.objects.get(slug="en-9100")


@pytest.fixture
def certified(make_member, iso_9001, en_9100):
    aero = make_member(name="Aero Piese SRL", category=Member.Category.ENTERPRISE)
    aero.certifications.set([iso_9001, en_9100])
    quality = make_member(name="Calitate SRL", category=Member.Category.RD)
    quality.certifications.set([iso_9001])
    make_member(name="Necertificat SRL")
    return aero, quality


def directory(client, **params):
    return client.get(reverse("members:directory"), params)


def test_the_reference_list_holds_the_eight_standards_in_order(db):
    assert list(Certification.objects.values_list("name", flat=True)) == [
        name for _s, name, _r, _e in CERTIFICATIONS
    ]
    assert Certification.objects.get(slug="iso-iec-17025").title_en == "Testing and calibration laboratories"


def test_the_directory_filters_by_certification_and_or_s_several(client, certified):
    names = lambda response: [m.name for m in response.context["members"]]  # noqa: E731
    assert names(directory(client, certification="en-9100")) == ["Aero Piese SRL"]
    assert names(directory(client, certification=["en-9100", "iso-9001"])) == [
        "Aero Piese SRL",
        "Calitate SRL",
    ]


def test_certification_counts_apply_the_other_filters_and_chips_remove_it(client, certified):
    response = directory(client, category="rd", certification="iso-9001")
    counts = {o.value: o.count for o in response.context["facets"]["certification"].options}
    assert counts["iso-9001"] == 1 and counts["en-9100"] == 0
    chips = {chip.label: chip.remove_query for chip in response.context["chips"]}
    assert chips["ISO 9001"] == "category=rd"
    html = response.content.decode()
    assert "<summary>Certifications</summary>" in html


def test_cards_and_profiles_show_the_certifications(client, certified):
    aero, _quality = certified
    card = directory(client).content.decode().split("Aero Piese SRL</a></h3>")[1].split("</article>")[0]
    assert '<ul class="tags" aria-label="Certifications">' in card and "<li>EN 9100</li>" in card
    profile = client.get(aero.get_absolute_url()).content.decode()
    assert "<h2>Certifications</h2>" in profile
    assert f'href="{reverse("members:directory")}?certification=en-9100"' in profile


def test_a_search_for_a_standard_finds_its_holders(client, certified):
    names = [m.name for m in directory(client, q="9100").context["members"]]
    assert names == ["Aero Piese SRL"]


def test_the_spreadsheet_column_exports_and_imports_names_or_slugs(client, certified, manager):
    exported = b"".join(client.get(reverse("members:export_csv")).streaming_content).decode("utf-8-sig")
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert rows["Aero Piese SRL"]["certifications"] == "iso-9001; en-9100"
    upload = "name,category,certifications\nNecertificat SRL,enterprise,ISO 14001; iso-iec-27001\n"
    importing.import_file(upload.encode(), "certificari.csv", manager)
    held = Member.objects.get(name="Necertificat SRL").certifications.values_list("slug", flat=True)
    assert sorted(held) == ["iso-14001", "iso-iec-27001"]


def test_an_unknown_certification_in_a_file_is_reported_with_its_row(db, manager):
    preview = importing.preview_file(b"name,category,certifications\nX SRL,enterprise,ISO 9999\n", "x.csv")
    assert [str(error) for error in preview.errors] == [
        "Row 2, column “certifications”: unknown certification: “ISO 9999”"
    ]


def test_demo_data_gives_a_realistic_share_of_members_certifications(db):
    from members.demo_data import load_demo_data

    load_demo_data()
    enterprises = Member.objects.filter(category="enterprise")
    with_9001 = enterprises.filter(certifications__slug="iso-9001").count()
    assert 0.35 <= with_9001 / enterprises.count() <= 0.75
    assert Member.objects.filter(certifications__isnull=True).exists()  # not everyone is certified
