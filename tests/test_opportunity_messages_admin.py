"""The manager's view of the messages sent to the cluster office."""

import pytest
from django.urls import reverse

from opportunities.models import Message, Opportunity


@pytest.fixture
def messages(db, make_member):
    opportunity = Opportunity.objects.create(kind=Opportunity.Kind.CAPACITY, title_en="Five-axis capacity")
    member = make_member(name="Precizie SRL")
    return [
        Message.objects.create(
            opportunity=opportunity,
            name="Maria Dinu",
            email="maria@robotix.example.ro",
            text="Hello",
            consent=True,
        ),
        Message.objects.create(
            member=member, name="Ion Pop", email="ion@example.ro", text="Salut", consent=True
        ),
        Message.objects.create(
            name="Ana Vlad", email="ana@example.ro", text="Old", consent=True, status=Message.Status.CLOSED
        ),
    ]


def changelist(client, **query):
    return client.get(reverse("admin:opportunities_message_changelist"), query)


def test_the_manager_sees_each_message_with_what_it_is_about(manager_client, messages):
    response = changelist(manager_client)
    assert response.status_code == 200
    for text in ("Maria Dinu", "Five-axis capacity", "Ion Pop", "Precizie SRL", "the cluster office"):
        assert text in response.text


def test_messages_filter_by_status(manager_client, messages):
    response = changelist(manager_client, status__exact="new")
    assert "Maria Dinu" in response.text and "Ion Pop" in response.text
    assert "Ana Vlad" not in response.text


def test_actions_mark_messages_forwarded_or_closed(manager_client, messages):
    maria, ion, _ = messages
    url = reverse("admin:opportunities_message_changelist")
    response = manager_client.post(
        url, {"action": "mark_forwarded", "_selected_action": [maria.pk, ion.pk]}, follow=True
    )
    assert "2 messages are now “forwarded”." in response.text
    assert set(Message.objects.filter(status="forwarded")) == {maria, ion}
    manager_client.post(url, {"action": "mark_closed", "_selected_action": [maria.pk]})
    maria.refresh_from_db()
    assert maria.status == Message.Status.CLOSED


def test_what_the_visitor_sent_cannot_be_edited_only_the_status(manager_client, messages):
    maria = messages[0]
    url = reverse("admin:opportunities_message_change", args=[maria.pk])
    page = manager_client.get(url)
    assert page.status_code == 200
    assert 'name="status"' in page.text and 'name="text"' not in page.text
    manager_client.post(url, {"status": "forwarded", "name": "Changed", "text": "Changed"})
    maria.refresh_from_db()
    assert (maria.status, maria.name, maria.text) == ("forwarded", "Maria Dinu", "Hello")


def test_messages_are_not_added_in_the_admin(manager_client, db):
    assert manager_client.get(reverse("admin:opportunities_message_add")).status_code == 403


def test_staff_without_rights_cannot_read_messages(client, staff_without_rights, messages):
    client.force_login(staff_without_rights)
    assert changelist(client).status_code == 403


def test_the_changelist_query_count_does_not_grow(manager_client, messages, django_assert_max_num_queries):
    opportunity = messages[0].opportunity
    for n in range(20):
        Message.objects.create(opportunity=opportunity, name=f"Sender {n}", email="s@example.ro", text="x")
    # session, user, the counts (filtered, total), the date hierarchy's bounds, the page's rows
    # with their opportunity and member (one JOIN), the status filter: the same for 3 or 23 rows.
    with django_assert_max_num_queries(7):
        changelist(manager_client)


def test_an_opportunitys_page_links_the_messages_about_it(manager_client, messages):
    opportunity = messages[0].opportunity
    page = manager_client.get(reverse("admin:opportunities_opportunity_change", args=[opportunity.pk]))
    link = reverse("admin:opportunities_message_changelist") + f"?opportunity__id__exact={opportunity.pk}"
    assert f'<a href="{link}">1 message</a>' in page.text
    listed = manager_client.get(link)
    assert listed.status_code == 200
    assert "Maria Dinu" in listed.text and "Ion Pop" not in listed.text


def test_message_statuses_read_in_romanian(db):
    from django.utils import translation

    with translation.override("ro"):
        labels = [str(label) for label in Message.Status.labels]
    assert labels == ["nou", "transmis", "închis"]
