"""Yearly verification: the command asks members not verified in 12 months, reminds after 14
days, and "nothing has changed" is one click that sets the verified date."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members import selfservice
from members.models import ContactPerson, UpdateLink


@pytest.fixture
def stale(make_member):
    member = make_member(name="Veche SRL", verified_on=timezone.localdate() - datetime.timedelta(days=400))
    ContactPerson.objects.create(member=member, name="Ana Vechi", email="ana@veche.example.ro")
    return member


@pytest.fixture
def fresh(make_member):
    member = make_member(name="Proaspăt SRL", verified_on=timezone.localdate() - datetime.timedelta(days=30))
    ContactPerson.objects.create(member=member, name="Dan Nou", email="dan@nou.example.ro")
    return member


def run():
    from io import StringIO

    out = StringIO()
    call_command("ask_yearly_verification", stdout=out)
    return out.getvalue()


def test_only_members_not_verified_in_a_year_are_asked_once(stale, fresh):
    assert run().startswith("1 asked, 0 reminded")
    assert [m.to for m in mail.outbox] == [["ana@veche.example.ro"]]
    assert "Vă rugăm să confirmați" in mail.outbox[0].subject
    assert run().startswith("0 asked, 0 reminded, 1 waiting")
    assert len(mail.outbox) == 1


def test_a_reminder_follows_after_fourteen_days_once(stale):
    run()
    UpdateLink.objects.update(created_at=timezone.now() - datetime.timedelta(days=15))
    assert run().startswith("0 asked, 1 reminded")
    assert mail.outbox[-1].subject.startswith("Reamintire:")
    assert run().startswith("0 asked, 0 reminded")
    first = UpdateLink.objects.order_by("created_at").first()
    assert first.reminded_at is not None


def test_nothing_has_changed_is_one_click_that_sets_the_verified_date(client, stale, manager_client):
    link, key = selfservice.issue(stale, stale.contacts.get(), purpose=UpdateLink.Purpose.YEARLY)
    page = client.get(reverse("members:self_service", kwargs={"key": key}))
    assert "Nothing has changed" in page.content.decode()
    response = client.post(reverse("members:self_service", kwargs={"key": key}), {"unchanged": "yes"})
    assert response.status_code == 302
    stale.refresh_from_db()
    assert stale.verified_on == timezone.localdate()
    assert stale.history.first().history_change_reason == "confirmed unchanged by Ana Vechi (self-service)"
    link.refresh_from_db()
    assert link.used_at is not None
    admin_page = manager_client.get(reverse("admin:members_member_change", args=[stale.pk])).content.decode()
    assert "yearly verification" in admin_page and "answered" in admin_page
    assert run().startswith("0 asked, 0 reminded, 0 waiting")
