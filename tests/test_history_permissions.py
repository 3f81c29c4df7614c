"""The history pages of the admin: looking needs the view permission, saving needs the change
permission, and a revert never brings back a consent the person has withdrawn."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from members.models import ContactPerson


@pytest.fixture
def viewer_of_everything(django_user_model, client):
    user = django_user_model.objects.create_user("looker", password="a-long-password-123", is_staff=True)
    for codename in ("view_member", "view_contactperson"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    return client


@pytest.fixture
def private_contact(make_member):
    member = make_member()
    return ContactPerson.objects.create(
        member=member, name="Ana Privată", email="ana@example.ro", phone="0722"
    )


def history_form_url(contact):
    version = contact.history.first()
    return reverse("admin:members_contactperson_simple_history", args=[contact.pk, version.history_id])


def consent_post(contact):
    return {
        "member": contact.member_id,
        "name": contact.name,
        "role": "",
        "email": contact.email,
        "phone": contact.phone,
        "public_consent": "on",
        "consent_given_at_0": "2026-01-01",
        "consent_given_at_1": "10:00:00",
        "consent_method": "email",
    }


def test_a_view_only_user_sees_a_contacts_history_version_but_cannot_save_it(
    viewer_of_everything, private_contact
):
    url = history_form_url(private_contact)
    assert viewer_of_everything.get(url).status_code == 200
    response = viewer_of_everything.post(url, consent_post(private_contact))
    assert response.status_code == 403
    private_contact.refresh_from_db()
    assert not private_contact.public_consent
    assert ContactPerson.objects.public().count() == 0


def test_a_view_only_user_cannot_revert_a_member(viewer_of_everything, make_member):
    member = make_member(phone="021 111")
    first = member.history.first()
    member.phone = "021 999"
    member.save()
    url = reverse("admin:members_member_simple_history", args=[member.pk, first.history_id])
    response = viewer_of_everything.post(url, {"restore": ["phone"], "reason": "", "opened_at": ""})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.phone == "021 999"


def test_reverting_a_contact_does_not_bring_back_a_withdrawn_consent(manager_client, private_contact):
    private_contact.public_consent = True
    private_contact.consent_given_at = timezone.now()
    private_contact.consent_method = "email"
    private_contact.save()
    consented = private_contact.history.first()
    private_contact.withdraw_consent()
    url = reverse(
        "admin:members_contactperson_simple_history", args=[private_contact.pk, consented.history_id]
    )
    data = consent_post(private_contact)
    response = manager_client.post(url, data)
    assert response.status_code == 400
    assert "withdrawn" in response.content.decode()
    private_contact.refresh_from_db()
    assert not private_contact.public_consent
