"""The daily command: expired opportunities are closed, posters are warned once a week ahead."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import dateformat, timezone, translation

from opportunities.models import Opportunity

S = Opportunity.Status


@pytest.fixture
def publish(db):
    def make(**fields):
        fields.setdefault("kind", Opportunity.Kind.SUBCONTRACTING)
        opportunity = Opportunity(**fields)
        opportunity.move_to(S.AWAITING)
        opportunity.move_to(S.PUBLISHED)
        opportunity.save()
        return opportunity

    return make


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def run():
    out = io.StringIO()
    call_command("close_expired_opportunities", stdout=out)
    return out.getvalue().strip()


def test_expired_ones_are_closed_and_open_ones_are_left(publish):
    expired = publish(title_en="Expired", deadline=days(-1))
    today = publish(title_en="Last day", deadline=days(0))
    later = publish(title_en="Later", deadline=days(30))
    assert run().startswith("1 closed")
    expired.refresh_from_db(), today.refresh_from_db(), later.refresh_from_db()
    assert expired.status == S.WITHDRAWN and expired.closed_at is not None
    assert today.status == later.status == S.PUBLISHED


def test_posters_are_warned_once_a_week_before_expiry(publish, make_member, settings):
    settings.CLUSTER_OFFICE_EMAIL = "birou@mechatrec.example"
    firm = make_member(name="Precizie SRL", email="office@precizie.example.ro")
    publish(title_en="Milling of 500 brackets", deadline=days(7), poster=firm)
    publish(title_en="Office call", deadline=days(3))
    publish(title_en="Far off", deadline=days(8), poster=firm)

    assert run() == "0 closed, 2 posters warned, 0 warnings not sent"
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {("office@precizie.example.ro",), ("birou@mechatrec.example",)}
    warning = by_recipient[("office@precizie.example.ro",)]
    assert warning.reply_to == ["birou@mechatrec.example"]
    with translation.override("ro"):  # the site's language, whoever runs the command
        date = dateformat.format(days(7), "j E Y")
    assert warning.subject == f"„Milling of 500 brackets” se închide pe {date}"
    assert f"{settings.SITE_URL}/ro/opportunities/milling-of-500-brackets/" in warning.body
    assert "scrieți biroului clusterului: birou@mechatrec.example" in warning.body

    assert run() == "0 closed, 0 posters warned, 0 warnings not sent"
    assert len(mail.outbox) == 2


def test_a_poster_without_an_address_is_warned_through_the_office(publish, make_member, settings):
    settings.CLUSTER_OFFICE_EMAIL = "birou@mechatrec.example"
    publish(title_en="Lab time", deadline=days(2), poster=make_member(email=""))
    run()
    assert [m.to for m in mail.outbox] == [["birou@mechatrec.example"]]


def test_a_failed_warning_is_tried_again_the_next_run(publish, settings):
    publish(title_en="Lab time", deadline=days(2))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    assert run() == "0 closed, 0 posters warned, 1 warnings not sent"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run() == "0 closed, 1 posters warned, 0 warnings not sent"


def test_closing_drops_the_opportunity_from_member_profiles_and_admin_queue(publish, client):
    gone = publish(title_en="Expired", deadline=days(-3))
    run()
    assert not Opportunity.objects.expired().exists()
    assert client.get(gone.get_absolute_url()).status_code == 404
