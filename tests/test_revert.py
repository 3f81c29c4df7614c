"""Reverting a member to an earlier version: a preview of the field-level difference against
today's values, the fields the manager picks (all by default), a reason in the history."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from members.models import Member
from tests.test_admin import png_bytes


def revert_url(member, version):
    return reverse("admin:members_member_simple_history", args=[member.pk, version.history_id])


def preview(client, member, version):
    response = client.get(revert_url(member, version))
    form = response.context["form"]
    return response, form["opened_at"].value()


def confirm(client, member, version, restore, reason="", opened_at=None, follow=False):
    if opened_at is None:
        opened_at = preview(client, member, version)[1]
    data = {"restore": restore, "reason": reason, "opened_at": opened_at}
    return client.post(revert_url(member, version), data, follow=follow)


@pytest.fixture
def edited_member(make_member, competences):
    """A member whose phone and description were changed, and a logo and a verified date added,
    after its first version."""
    member = make_member(name="Original SRL", phone="021 111", description_ro="Text inițial")
    first = member.history.first()
    member.phone, member.description_ro = "021 999", "Text greșit"
    member.verified_on = datetime.date(2026, 11, 20)
    member.logo.save("logo.png", ContentFile(png_bytes()), save=False)
    member.save()
    member.competences.set(competences[:2])
    member.refresh_from_db()
    return member, first


def text(response):
    return " ".join(response.content.decode().split())


def test_the_revert_page_shows_each_difference_with_todays_value_and_changes_nothing(
    manager_client, edited_member
):
    member, first = edited_member
    response, _ = preview(manager_client, member, first)
    page = text(response)
    assert response.status_code == 200
    assert [difference.field for difference, _choice in response.context["rows"]] == [
        "description_ro",
        "logo",
        "phone",
        "verified_on",
        "competences",
    ]
    assert "<td>021 999</td> <td>021 111</td>" in page  # today, then that version
    assert "<td>Text greșit</td> <td>Text inițial</td>" in page
    assert "Nov. 20, 2026</td> <td>—</td>" in page  # a verified date set later is shown, not dropped
    assert 'class="revert-name"' not in page  # unchanged fields are not listed
    member.refresh_from_db()
    assert member.phone == "021 999"


def test_unticked_fields_keep_todays_values(manager_client, manager, edited_member, competences):
    member, first = edited_member
    response = confirm(manager_client, member, first, ["phone", "description_ro"], follow=True)
    assert "2 fields restored from the version of" in response.content.decode()
    member.refresh_from_db()
    assert (member.phone, member.description_ro) == ("021 111", "Text inițial")
    assert member.verified_on == datetime.date(2026, 11, 20)  # kept
    assert member.logo and member.logo.name.startswith("logos/")  # kept
    assert set(member.competences.all()) == set(competences[:2])  # kept


def test_the_revert_is_one_history_entry_with_the_reason(manager_client, manager, edited_member):
    member, first = edited_member
    entries = member.history.count()
    confirm(manager_client, member, first, ["phone", "competences"], reason="Telefonul vechi era corect")
    latest = member.history.first()
    assert member.history.count() == entries + 1
    assert latest.history_user == manager
    assert (
        latest.history_change_reason == f"revert to version #{first.history_id}: Telefonul vechi era corect"
    )
    assert (latest.phone, list(latest.competences.all())) == ("021 111", [])
    history = manager_client.get(reverse("admin:members_member_history", args=[member.pk])).content.decode()
    assert "Telefonul vechi era corect" in history


def test_restoring_everything_puts_the_version_back(manager_client, edited_member):
    member, first = edited_member
    response, _ = preview(manager_client, member, first)
    everything = [difference.field for difference, _choice in response.context["rows"]]
    confirm(manager_client, member, first, everything)
    member.refresh_from_db()
    assert (member.phone, member.description_ro, member.verified_on) == ("021 111", "Text inițial", None)
    assert not member.logo and not member.competences.exists()


def test_a_change_made_since_the_preview_refuses_the_revert_and_shows_the_new_values(
    manager_client, edited_member
):
    member, first = edited_member
    _, opened_at = preview(manager_client, member, first)
    Member.objects.get(pk=member.pk).save()  # a colleague saves meanwhile
    response = confirm(manager_client, member, first, ["phone"], opened_at=opened_at)
    assert response.status_code == 400
    assert "This member was changed since you opened this page" in response.content.decode()
    member.refresh_from_db()
    assert member.phone == "021 999"
    opened_again = response.context["form"]["opened_at"].value()
    assert confirm(manager_client, member, first, ["phone"], opened_at=opened_again).status_code == 302


def test_restoring_a_name_another_member_took_since_says_who(manager_client, make_member):
    member = make_member(name="Nume Vechi SRL")
    first = member.history.first()
    member.name = "Nume Nou SRL"
    member.save()
    make_member(name="Nume Vechi SRL")
    response = confirm(manager_client, member, first, ["name"])
    assert response.status_code == 400
    assert "belongs to Nume Vechi SRL" in response.content.decode()
    member.refresh_from_db()
    assert member.name == "Nume Nou SRL"


def test_ticking_nothing_reverts_nothing(manager_client, edited_member):
    member, first = edited_member
    response = confirm(manager_client, member, first, [])
    assert response.status_code == 400
    assert "Tick at least one field to restore." in response.content.decode()


def test_staff_who_may_only_view_see_the_differences_but_cannot_revert(client, staff_viewer, edited_member):
    member, first = edited_member
    client.force_login(staff_viewer)
    response = client.get(revert_url(member, first))
    assert response.status_code == 200
    assert "Revert the ticked fields" not in response.content.decode()
    assert confirm(client, member, first, ["phone"]).status_code == 403
    member.refresh_from_db()
    assert member.phone == "021 999"
