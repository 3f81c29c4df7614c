"""The manager's approval queue: a field-level difference, partial approval, rejection with a
reason, history entries, and admin edits made since the submission never silently lost."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members import selfservice
from members.models import ContactPerson, Member, PendingChange

from .test_self_service_form import form_data, url


@pytest.fixture
def member(make_member, competences):
    return make_member(
        name="Roboți Ilfov SRL", description_en="Automation.", description_ro="Automatizări.", founded=2004
    )


@pytest.fixture
def contact(member):
    return ContactPerson.objects.create(member=member, name="Ioana Stan", email="ioana@roboti.example.ro")


@pytest.fixture
def change(client, member, contact, manager):
    key = selfservice.issue(member, contact, manager)[1]
    data = form_data(
        client,
        key,
        description_en="Industrial robots.",
        description_ro="Roboți industriali.",
        founded="2005",
        **{"contacts-0-consent": "public"},
    )
    assert client.post(url(key), data).status_code == 302
    mail.outbox.clear()
    return PendingChange.objects.get()


def review(change):
    return reverse("admin:members_pendingchange_change", args=[change.pk])


def test_the_review_shows_each_field_beside_todays_value(manager_client, change):
    response = manager_client.get(review(change))
    rows = {row.field: row for row in response.context["proposals"]}
    assert set(rows) == {"description_en", "description_ro", "founded"}
    assert (rows["founded"].today, rows["founded"].proposed) == ("2004", "2005")
    assert not any(row.changed_since for row in rows.values())


def test_the_manager_approves_two_of_three_fields(manager_client, change, member, manager, client):
    response = manager_client.post(
        review(change), {"decision": "approve", "fields": ["description_en", "founded"], "contacts": "on"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.description_en == "Industrial robots."
    assert member.founded == 2005
    assert member.description_ro == "Automatizări."  # not approved
    assert member.verified_on == timezone.localdate()
    change.refresh_from_db()
    assert change.status == PendingChange.Status.PARTLY and change.decided_by == manager
    latest = member.history.first()
    assert latest.history_change_reason == "self-service by Ioana Stan, approved by manager"
    assert latest.history_user == manager
    contact = member.contacts.get()
    assert contact.is_public and contact.consent_method.startswith("self-service form")
    profile = client.get(member.get_absolute_url()).content.decode()
    assert "Industrial robots." in profile and "Ioana Stan" in profile
    (message,) = mail.outbox
    assert message.to == ["ioana@roboti.example.ro"]
    assert "published" in message.subject or "publicate" in message.subject


def test_a_rejection_needs_a_reason_and_tells_the_member(manager_client, change, member):
    assert manager_client.post(review(change), {"decision": "reject", "reason": ""}).status_code == 400
    manager_client.post(review(change), {"decision": "reject", "reason": "Descrierea nu e a firmei."})
    change.refresh_from_db()
    assert change.status == PendingChange.Status.REJECTED
    member.refresh_from_db()
    assert member.description_en == "Automation."
    (message,) = mail.outbox
    assert "Descrierea nu e a firmei." in message.body


def test_an_admin_edit_since_the_submission_is_shown_and_not_overwritten(manager_client, change, member):
    Member.objects.filter(pk=member.pk).update(founded=2003)
    response = manager_client.get(review(change))
    rows = {row.field: row for row in response.context["proposals"]}
    assert rows["founded"].changed_since and not rows["description_en"].changed_since
    assert "Changed in the admin since the member sent this" in response.content.decode()
    refused = manager_client.post(review(change), {"decision": "approve", "fields": ["founded"]})
    assert refused.status_code == 400
    member.refresh_from_db()
    assert member.founded == 2003
    manager_client.post(review(change), {"decision": "approve", "fields": ["founded"], "overwrite": "on"})
    member.refresh_from_db()
    assert member.founded == 2005


def test_a_decided_change_cannot_be_approved_again(manager_client, change, member):
    manager_client.post(review(change), {"decision": "reject", "reason": "Nu."})
    manager_client.post(review(change), {"decision": "approve", "fields": ["founded"]})
    member.refresh_from_db()
    assert member.founded == 2004
