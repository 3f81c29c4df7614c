"""Editing several members at once from the member list: competences and certifications added
or removed, size, the two flags and the verified date; one history entry per member."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Certification, Member

CHANGELIST = "admin:members_member_changelist"


def choose_bulk_edit(client, *members):
    return client.post(
        reverse(CHANGELIST), {"action": "bulk_edit", "_selected_action": [m.pk for m in members]}
    )


def apply_bulk_edit(client, *members, **fields):
    data = {"action": "bulk_edit", "_selected_action": [m.pk for m in members], "apply": "yes", **fields}
    return client.post(reverse(CHANGELIST), data, follow=True)


@pytest.fixture
def certifications(db):
    return list(Certification.objects.order_by("position", "name"))


def test_choosing_the_bulk_edit_shows_the_selected_members_and_changes_nothing(manager_client, make_member):
    first, second = make_member(name="Alfa SRL"), make_member(name="Beta SRL")
    make_member(name="Gama SRL")
    response = choose_bulk_edit(manager_client, first, second)
    page = response.content.decode()
    assert response.status_code == 200
    assert "These changes apply to the 2 selected members" in page
    assert "<li>Alfa SRL</li><li>Beta SRL</li>" in page and "Gama SRL" not in page
    assert "Add competences" in page and "Remove certifications" in page
    assert Member.history.count() == 3  # the three creations only


def test_a_bulk_edit_changes_every_selected_member_with_one_history_entry_each(
    manager_client, manager, make_member, competences, certifications
):
    keep, drop, add = competences[0], competences[1], competences[2]
    first = make_member(name="Alfa SRL", competences=[keep, drop], size="micro")
    second = make_member(name="Beta SRL", competences=[keep], offers_subcontracting=True)
    other = make_member(name="Gama SRL", competences=[drop])
    before = Member.history.count()

    response = apply_bulk_edit(
        manager_client,
        first,
        second,
        add_competences=[add.pk],
        remove_competences=[drop.pk],
        add_certifications=[certifications[0].pk],
        size="medium",
        offers_subcontracting="no",
        seeks_partners="yes",
        verified_on="2026-11-30",
    )

    assert "2 members changed (0 already as asked)." in response.content.decode()
    for member in (first, second):
        member.refresh_from_db()
        assert set(member.competences.all()) == {keep, add}
        assert list(member.certifications.all()) == [certifications[0]]
        assert (member.size, member.offers_subcontracting, member.seeks_partners) == ("medium", False, True)
        assert member.verified_on == datetime.date(2026, 11, 30)
        entry = member.history.first()
        assert (entry.history_user, entry.history_change_reason) == (manager, "Bulk edit")
        # The entry holds the many-to-many rows as they are after the edit.
        assert {row.competence for row in entry.competences.all()} == {keep, add}
    assert Member.history.count() == before + 2  # one entry per member, not one per change
    assert list(other.competences.all()) == [drop]  # not selected, not touched


def test_the_history_page_shows_what_a_bulk_edit_changed(manager_client, make_member, competences):
    member = make_member(name="Alfa SRL", size="micro")
    apply_bulk_edit(manager_client, member, add_competences=[competences[0].pk], size="large")
    page = manager_client.get(reverse("admin:members_member_history", args=[member.pk])).content.decode()
    page = " ".join(page.split())
    assert "Bulk edit" in page
    assert (
        "<strong>Size:</strong> micro (under 10 employees) &nbsp;&rarr;&nbsp;&nbsp;"
        "large (250 employees or more)" in page
    )
    assert f"<strong>Competences:</strong> — &nbsp;&rarr;&nbsp;&nbsp;{competences[0].name_en}" in page


def test_the_history_reads_values_in_romanian_as_the_revert_preview_does(
    manager_client, manager, make_member, competences
):
    member = make_member(name="Alfa SRL", size="micro", offers_subcontracting=False)
    names = ", ".join(sorted(c.name_ro for c in competences[:3]))
    apply_bulk_edit(
        manager_client,
        member,
        add_competences=[c.pk for c in competences[:3]],
        size="medium",
        offers_subcontracting="yes",
        verified_on="2026-12-01",
    )
    romanian = Client(headers={"accept-language": "ro"})
    romanian.force_login(manager)
    page = " ".join(romanian.get(reverse("admin:members_member_history", args=[member.pk])).text.split())
    arrow = "&nbsp;&rarr;&nbsp;&nbsp;"
    assert f"<strong>Preia lucrări în subcontractare:</strong> nu {arrow}da" in page
    assert f"<strong>Mărimea organizației:</strong> Microîntreprindere (sub 10 angajați) {arrow}" in page
    assert f"<strong>Date verificate la:</strong> — {arrow}1 decembrie 2026" in page
    assert f"<strong>Competențe:</strong> — {arrow}{names}" in page
    assert "chars]" not in page and "False" not in page


def test_a_member_already_as_asked_gets_no_history_entry(manager_client, make_member):
    done = make_member(name="Alfa SRL", seeks_partners=True)
    todo = make_member(name="Beta SRL", seeks_partners=False)
    response = apply_bulk_edit(manager_client, done, todo, seeks_partners="yes")
    assert "1 member changed (1 already as asked)." in response.content.decode()
    assert done.history.count() == 1


def test_clearing_a_flag_and_leaving_the_rest_as_it_is(manager_client, make_member):
    member = make_member(offers_subcontracting=True, seeks_partners=True, size="small")
    apply_bulk_edit(manager_client, member, offers_subcontracting="no")
    member.refresh_from_db()
    assert (member.offers_subcontracting, member.seeks_partners, member.size) == (False, True, "small")


def test_adding_and_removing_the_same_competence_is_refused_and_changes_nothing(
    manager_client, make_member, competences
):
    member = make_member()
    response = apply_bulk_edit(
        manager_client, member, add_competences=[competences[0].pk], remove_competences=[competences[0].pk]
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was changed; please correct the errors below." in page
    assert f"Both added and removed: {competences[0].name_en}." in page
    assert member.history.count() == 1 and not member.competences.exists()


def test_a_bulk_edit_with_no_change_chosen_asks_for_one(manager_client, make_member):
    member = make_member()
    response = apply_bulk_edit(manager_client, member)
    assert response.status_code == 400
    assert "Choose at least one change." in response.content.decode()


def test_staff_who_may_only_view_are_not_offered_the_bulk_edit(client, staff_viewer, make_member):
    member = make_member(size="micro")
    client.force_login(staff_viewer)
    assert 'value="bulk_edit"' not in client.get(reverse(CHANGELIST)).content.decode()
    apply_bulk_edit(client, member, size="large")
    member.refresh_from_db()
    assert member.size == "micro"
