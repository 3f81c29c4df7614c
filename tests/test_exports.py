"""CSV and JSON exports: exactly the filtered set, every page, public fields only (no e-mail
addresses, no contact persons), streamed."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from members import importing
from members.columns import COLUMNS, PUBLIC_COLUMNS
from members.models import Competence, ContactPerson, Locality, Member


def url(name):
    with translation.override("en"):
        return reverse(name)


def export_csv(client, **params):
    response = client.get(url("members:export_csv"), params)
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return response, list(csv.DictReader(io.StringIO(body)))


def export_json(client, **params):
    response = client.get(url("members:export_json"), params)
    assert response.status_code == 200
    assert response.streaming
    return response, json.loads(b"".join(response.streaming_content))


def directory_names(client, **params):
    response = client.get(url("members:directory"), params)
    every_page = response.context["page"].paginator.object_list  # member ids, in the listing's order
    return sorted(Member.objects.filter(pk__in=list(every_page)).values_list("name", flat=True))


@pytest.fixture
def varied_members(make_member):
    mems = Competence.objects.get(slug="mems")
    robotics = Competence.objects.get(slug="industrial-robotics")
    voluntari = Locality.objects.get(slug="voluntari")
    for i in range(30):
        make_member(
            category=Member.Category.values[i % 4],
            competences=[mems] if i % 3 == 0 else [robotics, mems] if i % 3 == 1 else [],
            locality=voluntari if i % 2 else None,
            size=Member.Size.values[i % 4],
            offers_subcontracting=i % 5 == 0,
        )
    make_member(name="Nepublicat SRL", competences=[mems], is_published=False)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "enterprise"},
        {"competence": ["mems", "industrial-robotics"], "county": "ilfov"},
        {"size": ["micro", "large"], "subcontracting": "1"},
        {"q": "membru", "category": ["rd", "catalyzer"], "page": "2"},
    ],
)
def test_both_exports_hold_exactly_the_filtered_set_on_every_page(client, varied_members, params):
    expected = directory_names(client, **params)
    _response, rows = export_csv(client, **params)
    _response, data = export_json(client, **params)
    assert sorted(row["name"] for row in rows) == expected
    assert data["count"] == len(data["results"]) == len(expected)
    assert sorted(row["name"] for row in data["results"]) == expected


def test_the_csv_uses_the_import_columns_but_email_and_says_published(client, make_member):
    make_member(
        name="Unu SRL", competences=list(Competence.objects.filter(slug__in=["mems", "cnc-machining"]))
    )
    response, rows = export_csv(client)
    assert list(rows[0]) == PUBLIC_COLUMNS == [column for column in COLUMNS if column != "email"]
    assert rows[0]["published"] == "yes"
    assert rows[0]["competences"] == "mems; cnc-machining"  # in English name order
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="mechatrec-members-' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.csv"')


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(client, make_member):
    make_member(name="=HYPERLINK(1) SRL", short_description_ro="+cmd", description_ro="@SUM(A1)", phone="-1")
    _response, rows = export_csv(client)
    assert rows[0]["name"] == "'=HYPERLINK(1) SRL"
    assert rows[0]["short_description_ro"] == "'+cmd"
    assert rows[0]["description_ro"] == "'@SUM(A1)"
    assert rows[0]["phone"] == "'-1"


def test_exports_leave_out_unpublished_members_and_contact_persons(client, make_member):
    member = make_member(name="Public SRL")
    ContactPerson.objects.create(
        member=member,
        name="Ana Consimțită",
        email="ana@public.example.ro",
        public_consent=True,
        consent_given_at=timezone.now(),
        consent_method="form",
    )
    make_member(name="Nepublicat SRL", is_published=False)
    _response, rows = export_csv(client)
    response, data = export_json(client)
    assert [row["name"] for row in rows] == [row["name"] for row in data["results"]] == ["Public SRL"]
    for body in (json.dumps(data), json.dumps(rows)):
        assert "Ana Consimțită" not in body and "ana@public.example.ro" not in body
    assert response["Content-Disposition"].endswith('.json"')


def test_public_exports_carry_no_email_address_of_the_organisation(client, make_member):
    make_member(name="Cu Email SRL", email="office@cu-email.example.ro", phone="+40 21 555 0100")
    response = client.get(url("members:export_csv"))
    csv_body = b"".join(response.streaming_content).decode("utf-8-sig")
    response = client.get(url("members:export_json"))
    json_body = b"".join(response.streaming_content).decode()
    for body in (csv_body, json_body):
        assert "Cu Email SRL" in body and "+40 21 555 0100" in body  # other contact data stays
        assert "office@cu-email.example.ro" not in body
        assert "email" not in body
    assert list(json.loads(json_body)["results"][0]) == PUBLIC_COLUMNS


def test_a_public_csv_imports_back_with_no_changes_and_keeps_the_emails(
    client, make_member, competences, localities
):
    for i in range(5):
        make_member(
            locality=localities[i],
            competences=competences[i : i + 2],
            email=f"office{i}@example.ro",
            website="https://example.ro/x",
            founded=2000 + i,
        )
    content = b"".join(client.get(url("members:export_csv")).streaming_content)
    assert b"@example.ro" not in content
    preview = importing.preview_file(content, "public.csv")
    assert preview.counts == {"new": 0, "updated": 0, "unchanged": 5, "error": 0}, preview.errors
    # An absent column leaves the field as it is: importing the public file erases no address.
    emails = sorted(Member.objects.values_list("email", flat=True))
    assert emails == [f"office{i}@example.ro" for i in range(5)]


def test_exports_ignore_bad_filter_values_like_the_directory(client, make_member):
    make_member(name="Unu SRL", category=Member.Category.RD)
    make_member(name="Doi SRL", category=Member.Category.ENTERPRISE)
    _response, data = export_json(client, category=["rd", "nowhere"], sort="-pk", page="abc")
    assert [row["name"] for row in data["results"]] == ["Unu SRL"]


def test_the_fast_export_path_writes_exactly_what_member_row_writes(make_member, competences, localities):
    from members.columns import export_rows, member_row
    from members.models import Member

    make_member(name="Cu Tot SRL", locality=localities[0], competences=competences[3:6], founded=1999)
    make_member(name="Fără Localitate SRL", website="https://x.example.ro", offers_subcontracting=True)
    queryset = Member.objects.for_directory().order_by("name_key")
    assert list(export_rows(queryset, chunk_size=1)) == [member_row(member) for member in queryset]
    public = [{c: row[c] for c in PUBLIC_COLUMNS} for row in map(member_row, queryset)]
    assert list(export_rows(queryset, chunk_size=1, columns=PUBLIC_COLUMNS)) == public


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("automatizari", ["Automatizări Industriale SRL", "Automatizări Navale SRL"]),
        ("industrial", ["Automatizări Industriale SRL", "Roboți Industriali SRL"]),
        ("automatizari industriale", ["Automatizări Industriale SRL"]),
        ("navale roboti", []),
    ],
)
def test_a_search_exports_the_published_members_holding_every_word_in_name_order(
    client, make_member, query, expected
):
    make_member(name="Roboți Industriali SRL")
    make_member(name="Automatizări Navale SRL")
    make_member(name="Automatizări Industriale SRL")
    make_member(name="Automatizări Industriale Ascunse SRL", is_published=False)
    _response, rows = export_csv(client, q=query)
    _response, data = export_json(client, q=query)
    assert [row["name"] for row in rows] == [row["name"] for row in data["results"]] == expected
    # The same members as the plain search of the text, which the admin uses.
    assert expected == [member.name for member in Member.objects.published().search(query)]


def test_csv_and_json_files_are_named_after_what_was_filtered_in_the_page_language(client, make_member):
    make_member(category=Member.Category.ENTERPRISE)
    today = timezone.localdate().isoformat()
    with translation.override("ro"):
        csv_url, json_url = reverse("members:export_csv"), reverse("members:export_json")
    for address, extension in ((csv_url, "csv"), (json_url, "json")):
        response = client.get(address, {"category": "enterprise", "q": "robot"})
        assert response["Content-Disposition"] == (
            f'attachment; filename="mechatrec-membri-intreprinderi-robot-{today}.{extension}"'
        )
    assert (
        export_csv(client)[0]["Content-Disposition"]
        == f'attachment; filename="mechatrec-members-{today}.csv"'
    )
