"""Plain messages and small defects in the admin: clashes name the other member, fiscal codes
are found however they are typed, wrong history addresses answer 404, the export page says what
it exports."""

import re

import pytest
from django import forms
from django.urls import reverse

from members import importing
from members.models import Member
from opportunities.models import Opportunity
from tests.test_admin_manager import change_form_data

ADD = "admin:members_member_add"


def add_member(client, **fields):
    data = change_form_data(client.get(reverse(ADD)))
    data.update({"category": "enterprise", "contacts-TOTAL_FORMS": "0", **fields})
    return client.post(reverse(ADD), data)


def test_a_duplicate_fiscal_code_says_which_member_has_it_with_a_link(manager_client, make_member):
    other = make_member(name="Tehnică Avansată SRL", fiscal_code="171017031")
    response = add_member(manager_client, name="Alt Nume SRL", fiscal_code="RO 171017031")
    assert response.status_code == 200
    page = response.content.decode()
    link = reverse("admin:members_member_change", args=[other.pk])
    assert f'This fiscal code belongs to <a href="{link}">Tehnică Avansată SRL</a>.' in page
    assert "Constraint" not in page and "members_member_fiscal_code_uniq" not in page
    assert Member.objects.count() == 1


def test_a_name_another_member_has_in_another_spelling_says_which_member(manager_client, make_member):
    other = make_member(name="Știința Materialelor SA")
    response = add_member(manager_client, name="ŞTIINŢA  MATERIALELOR SA")
    page = response.content.decode()
    link = reverse("admin:members_member_change", args=[other.pk])
    assert (
        "This name (ignoring case, spaces and diacritics) belongs to "
        f'<a href="{link}">Știința Materialelor SA</a>.'
    ) in page
    assert page.count("belongs to") == 1  # the model's own check does not repeat it


def test_a_clash_refused_outside_the_admin_names_the_other_member(make_member):
    make_member(name="Tehnică Avansată SRL", fiscal_code="171017031")

    class MemberForm(forms.ModelForm):  # any form added later, e.g. a self-service page
        class Meta:
            model = Member
            fields = ["name", "category", "fiscal_code"]

    form = MemberForm({"name": "Alt Nume SRL", "category": "enterprise", "fiscal_code": "171017031"})
    assert form.errors == {"fiscal_code": ["This fiscal code belongs to Tehnică Avansată SRL."]}


def test_editing_a_member_without_changing_its_fiscal_code_is_no_clash(manager_client, make_member):
    member = make_member(name="Tehnică Avansată SRL", fiscal_code="171017031")
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_form_data(manager_client.get(url))
    data["phone"] = "021 000"
    assert manager_client.post(url, data).status_code == 302


@pytest.mark.parametrize("typed", ["RO171017031", "ro 171 017 031", "171017031", "17101703", "RO 17101703"])
def test_admin_search_finds_a_fiscal_code_with_or_without_ro_spaces_and_the_check_digit(
    manager_client, make_member, typed
):
    make_member(name="Tehnică Avansată SRL", fiscal_code="171017031")
    make_member(name="Altceva SRL", fiscal_code="14235708")
    response = manager_client.get(reverse("admin:members_member_changelist"), {"q": typed})
    assert [m.name for m in response.context["cl"].result_list] == ["Tehnică Avansată SRL"]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/members/member/{pk}/change/history/",
        "/admin/members/member/{pk}/history/not-a-version/",
        "/admin/members/member/not-a-number/history/",
        "/admin/members/contactperson/{pk}/change/history/",
    ],
)
def test_a_history_address_that_names_no_member_or_version_answers_404(manager_client, make_member, path):
    member = make_member()
    assert manager_client.get(path.format(pk=member.pk)).status_code == 404


def test_the_history_page_still_opens(manager_client, make_member):
    member = make_member()
    assert manager_client.get(f"/admin/members/member/{member.pk}/history/").status_code == 200


def test_the_export_page_lists_the_columns_it_exports(manager_client):
    page = manager_client.get(reverse("admin:members_member_export")).content.decode()
    assert "This exporter will export the following fields:" in page
    assert "name, category, fiscal_code, website, email" in page
    assert "published, verified_on, contacts" in page


def test_the_composition_line_comes_after_the_import_and_export_buttons(manager_client, make_member):
    make_member()
    page = manager_client.get(reverse("admin:members_member_changelist")).content.decode()
    # Django floats the buttons up beside the title; the line must follow them to clear them
    # (measured in a browser at 1280 px in tests/browser/test_admin_journeys.py).
    assert page.index('class="object-tools"') < page.index('class="cluster-composition"')


def test_a_bad_website_in_a_spreadsheet_is_explained_once(db):
    preview = importing.preview_file(b"name,category,website\nX SRL,enterprise,http://not a url\n", "x.csv")
    assert [str(error) for error in preview.errors] == ["Row 2, column “website”: Enter a valid URL."]


def test_deleting_a_competence_names_the_members_and_opportunities_that_will_no_longer_list_it(
    manager_client, make_member, competences
):
    make_member(name="Roboți Ilfov SRL", competences=competences[:1])
    opportunity = Opportunity.objects.create(kind=Opportunity.Kind.PARTNER_SEARCH, title_en="Robot cell call")
    opportunity.competences.add(competences[0])
    page = manager_client.get(reverse("admin:members_competence_delete", args=[competences[0].pk])).text
    assert "Member: Roboți Ilfov SRL" in page
    assert "Opportunity: Robot cell call" in page
    assert "Members that will no longer list it: 1" in page
    assert "object (" not in page and "relationship" not in page


def test_a_fiscal_code_typed_with_ro_and_spaces_is_taken_whole_and_stored_as_digits(manager_client):
    form = manager_client.get(reverse(ADD)).text
    assert re.search(r'name="fiscal_code"[^>]*maxlength="20"', form)
    response = add_member(manager_client, name="Cod Lung SRL", fiscal_code="RO 523 391 258")
    assert response.status_code == 302, response.text
    assert Member.objects.get(name="Cod Lung SRL").fiscal_code == "523391258"
