"""Personal update links: issued by the manager, e-mailed to a contact person, opening one
member's update form for 30 days, until revoked or used."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members import selfservice
from members.models import ContactPerson, UpdateLink


@pytest.fixture
def member(make_member):
    return make_member(name="Roboți Ilfov SRL", fiscal_code="", description_ro="Automatizări.")


@pytest.fixture
def contact(member):
    return ContactPerson.objects.create(member=member, name="Ioana Stan", email="ioana@roboti.example.ro")


@pytest.fixture
def issued(member, contact, manager):
    return selfservice.issue(member, contact, manager)


def open_link(client, key):
    return client.get(reverse("members:self_service", kwargs={"key": key}))


def test_a_fresh_link_opens_its_members_update_page(client, issued, member):
    link, key = issued
    response = open_link(client, key)
    assert response.status_code == 200
    assert response.context["member"] == member
    assert "Roboți Ilfov SRL" in response.content.decode()


def test_a_link_works_for_thirty_days(client, issued):
    link, key = issued
    assert link.expires_at - link.created_at == pytest.approx(
        datetime.timedelta(days=30), abs=datetime.timedelta(minutes=1)
    )
    UpdateLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = open_link(client, key)
    assert response.status_code == 410
    assert "The link has expired." in response.content.decode()


def test_a_revoked_link_no_longer_opens(client, issued, manager):
    link, key = issued
    selfservice.revoke(link, manager)
    response = open_link(client, key)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_a_used_link_no_longer_opens(client, issued):
    link, key = issued
    selfservice.mark_used(link)
    response = open_link(client, key)
    assert response.status_code == 410
    assert "works only once" in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),  # one character of the token
        lambda key: key.split("-", 1)[0] + "-",  # the token left out
        lambda key: "99999-" + key.split("-", 1)[1],  # another id
        lambda key: "not-a-link",
        lambda key: "1" * 40 + "-x",  # an id too long for the database
    ],
)
def test_a_tampered_link_is_unknown(client, issued, tamper):
    link, key = issued
    response = open_link(client, tamper(key))
    assert response.status_code == 404
    assert "The link is not valid" in response.content.decode()


def test_a_link_opens_only_its_own_member(client, issued, make_member, manager):
    """Another member's id with this token (or this id with the other's token) opens nothing."""
    other = make_member(name="Alt Membru SRL")
    other_contact = ContactPerson.objects.create(member=other, name="Dan Ene", email="dan@alt.example.ro")
    other_link, other_key = selfservice.issue(other, other_contact, manager)
    link, key = issued
    mixed = f"{other_link.pk}-{key.split('-', 1)[1]}"
    assert open_link(client, mixed).status_code == 404
    response = open_link(client, key)
    assert response.context["member"] != other
    assert "Alt Membru SRL" not in response.content.decode()


def test_only_a_digest_of_the_token_is_stored(issued):
    link, key = issued
    token = key.split("-", 1)[1]
    assert token not in link.token_digest
    assert len(token) >= 43  # 256 random bits


def test_the_update_page_is_never_cached(client, issued):
    response = open_link(client, issued[1])
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_link_cannot_be_issued_to_another_members_contact(make_member, contact, manager):
    with pytest.raises(ValueError):
        selfservice.issue(make_member(), contact, manager)


# --- The manager sends links from the admin ---------------------------------------------------


def test_the_change_page_offers_to_send_an_update_link(manager_client, member):
    response = manager_client.get(reverse("admin:members_member_change", args=[member.pk]))
    url = reverse("admin:members_member_update_link", args=[member.pk])
    assert url in response.content.decode()


def test_the_manager_sends_a_link_to_a_chosen_contact_in_romanian(manager_client, member, contact, manager):
    ContactPerson.objects.create(member=member, name="Alt Contact", email="alt@roboti.example.ro")
    url = reverse("admin:members_member_update_link", args=[member.pk])
    form = manager_client.get(url)
    assert "Ioana Stan" in form.content.decode() and "Alt Contact" in form.content.decode()
    response = manager_client.post(url, {"send": "yes", f"contact_{member.pk}": contact.pk})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ioana@roboti.example.ro"]
    assert "Roboți Ilfov SRL" in message.subject
    assert "Actualizați" in message.subject  # Romanian: the member writes in Romanian
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    link = UpdateLink.objects.get()
    assert (link.member, link.contact, link.created_by) == (member, contact, manager)
    url_in_mail = next(line for line in message.body.splitlines() if "/update/" in line).strip()
    assert url_in_mail.split("/ro/update/", 1)[1].startswith(f"{link.pk}-")
    assert url_in_mail in html
    # The link in the e-mail opens the form.
    path = url_in_mail.split("://", 1)[1].split("/", 1)[1]
    assert manager_client.get("/" + path).status_code == 200


def test_a_member_writing_only_in_english_is_written_to_in_english(manager_client, make_member):
    member = make_member(description_en="Robots.", description_ro="")
    contact = ContactPerson.objects.create(member=member, name="John Doe", email="john@example.com")
    url = reverse("admin:members_member_update_link", args=[member.pk])
    manager_client.post(url, {"send": "yes", f"contact_{member.pk}": contact.pk})
    (message,) = mail.outbox
    assert message.subject.startswith("Update the directory profile of")
    assert "/en/update/" in message.body


def test_the_bulk_action_sends_one_link_per_member_and_skips_those_without_an_address(
    manager_client, member, contact, make_member
):
    without = make_member(name="Fără Adresă SRL")
    ContactPerson.objects.create(member=without, name="Fără E-mail")
    changelist = reverse("admin:members_member_changelist")
    chosen = {"action": "send_update_links", "_selected_action": [member.pk, without.pk]}
    form = manager_client.post(changelist, chosen)
    assert "no contact person with an e-mail address" in form.content.decode()
    response = manager_client.post(changelist, {**chosen, "send": "yes", f"contact_{member.pk}": contact.pk})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ioana@roboti.example.ro"]]
    assert UpdateLink.objects.get().member == member


def test_the_manager_revokes_a_link_in_the_admin(manager_client, issued, client):
    link, key = issued
    manager_client.post(
        reverse("admin:members_updatelink_changelist"), {"action": "revoke", "_selected_action": [link.pk]}
    )
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert open_link(client, key).status_code == 410


def test_the_member_page_lists_the_links_sent(manager_client, issued, member):
    response = manager_client.get(reverse("admin:members_member_change", args=[member.pk]))
    page = response.content.decode()
    assert '<table class="update-links">' in page  # rendered, not escaped
    assert "Ioana Stan" in page and "ioana@roboti.example.ro" in page and "open" in page


def test_staff_without_rights_cannot_send_links(client, staff_without_rights, member, contact):
    client.force_login(staff_without_rights)
    url = reverse("admin:members_member_update_link", args=[member.pk])
    response = client.post(url, {"send": "yes", f"contact_{member.pk}": contact.pk})
    assert response.status_code in (302, 403)
    assert not mail.outbox and not UpdateLink.objects.exists()
