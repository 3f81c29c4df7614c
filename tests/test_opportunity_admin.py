"""The manager's side of opportunities: the approval queue, bulk close, history, the match list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import Opportunity

S = Opportunity.Status


@pytest.fixture
def awaiting(db, competences):
    opportunity = Opportunity.objects.create(
        kind=Opportunity.Kind.SUBCONTRACTING,
        title_en="CNC milling of 500 brackets",
        status=S.AWAITING,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )
    opportunity.competences.set(competences[:2])
    return opportunity


def test_the_approval_queue_lists_what_awaits_approval(manager_client, awaiting):
    Opportunity.objects.create(kind=Opportunity.Kind.CAPACITY, title_en="A draft")
    response = manager_client.get(
        reverse("admin:opportunities_opportunity_changelist"), {"queue": "awaiting"}
    )
    assert response.status_code == 200
    assert "CNC milling of 500 brackets" in response.text
    assert "A draft" not in response.text


def test_the_manager_approves_and_the_opportunity_opens(manager_client, awaiting):
    response = manager_client.post(
        reverse("admin:opportunities_opportunity_changelist"),
        {"action": "publish", "_selected_action": [awaiting.pk]},
        follow=True,
    )
    assert "1 opportunity is now “published”." in response.text
    awaiting.refresh_from_db()
    assert awaiting.status == S.PUBLISHED and awaiting.published_at
    assert list(Opportunity.objects.open()) == [awaiting]


def test_bulk_close_closes_published_ones_and_leaves_drafts_with_a_warning(manager_client, awaiting):
    awaiting.move_to(S.PUBLISHED)
    awaiting.save()
    draft = Opportunity.objects.create(kind=Opportunity.Kind.CAPACITY, title_en="A draft")
    response = manager_client.post(
        reverse("admin:opportunities_opportunity_changelist"),
        {"action": "close_filled", "_selected_action": [awaiting.pk, draft.pk]},
        follow=True,
    )
    assert "1 opportunity is now “closed: filled”." in response.text
    assert "1 opportunity was left as it was" in response.text
    awaiting.refresh_from_db()
    draft.refresh_from_db()
    assert (awaiting.status, draft.status) == (S.FILLED, S.DRAFT)


def test_the_change_form_refuses_a_status_outside_the_workflow(manager_client, awaiting):
    awaiting.status = S.WITHDRAWN
    awaiting.save()
    url = reverse("admin:opportunities_opportunity_change", args=[awaiting.pk])
    response = manager_client.post(
        url,
        {"kind": awaiting.kind, "status": S.PUBLISHED, "title_en": awaiting.title_en, "title_ro": ""},
    )
    assert response.status_code == 200
    assert "cannot go from" in response.text
    awaiting.refresh_from_db()
    assert awaiting.status == S.WITHDRAWN


def test_the_change_form_shows_the_match_list_and_history_records_changes(
    manager_client, awaiting, make_member, competences
):
    make_member(name="Frezare Precisă SRL", competences=competences[:2])
    make_member(name="Doar Una SRL", competences=competences[1:2])
    response = manager_client.get(reverse("admin:opportunities_opportunity_change", args=[awaiting.pk]))
    text = response.text
    assert text.index("Frezare Precisă SRL") < text.index("Doar Una SRL")
    assert "2 of 2 competences" in text and "1 of 2 competences" in text
    awaiting.move_to(S.PUBLISHED)
    awaiting.save()
    history = manager_client.get(reverse("admin:opportunities_opportunity_history", args=[awaiting.pk]))
    assert history.status_code == 200
    statuses = [record.status for record in awaiting.history.order_by("history_date")]
    assert statuses[0] == S.AWAITING and statuses[-1] == S.PUBLISHED
