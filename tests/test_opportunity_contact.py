"""Messages to the cluster office: the express-interest form on an opportunity, the contact form
of a member profile, the honeypot, the per-address limit, and what the office receives."""

import datetime
import email
import email.policy
import json
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import ContactPerson
from opportunities.models import Message, Opportunity

S = Opportunity.Status


@pytest.fixture
def call(publish, competences):
    return publish(
        title_en="Partner for a digital twin pilot line",
        call_identifier="HORIZON-CL4-2027-TWIN-TRANSITION-01",
        competences=competences[:2],
    )


@pytest.fixture
def firm(make_member):
    """A member with an organisation address and a private contact person (no consent)."""
    member = make_member(name="Precizie Ilfov SRL", email="office@precizie.example.ro")
    ContactPerson.objects.create(member=member, name="Radu Ionescu", email="radu@precizie.example.ro")
    return member


FILLED = {
    "name": "Maria Dinu",
    "organisation": "Robotix Cluj SRL",
    "email": "maria@robotix.example.ro",
    "text": "We build cobots and would like to join as a partner.",
    "consent": "on",
}


def test_an_opportunity_page_holds_the_form_and_is_never_stored_by_a_cache(client, call):
    response = client.get(call.get_absolute_url())
    assert response.status_code == 200
    assert f'action="{reverse("opportunities:contact", args=[call.slug])}"' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}


def test_expressing_interest_stores_the_message_mails_the_office_and_confirms(
    client, call, settings, django_capture_on_commit_callbacks
):
    settings.CLUSTER_OFFICE_EMAIL = "birou@mechatrec.example"
    response = client.post(reverse("opportunities:contact", args=[call.slug]), FILLED)
    assert response.status_code == 302
    assert response["Location"] == reverse("opportunities:contact_sent")

    message = Message.objects.get()
    assert (message.opportunity, message.member, message.status) == (call, None, Message.Status.NEW)
    assert message.consent and message.organisation == "Robotix Cluj SRL"
    assert len(message.address_hash) == 64 and "127.0.0.1" not in message.address_hash

    (sent,) = mail.outbox
    assert sent.to == ["birou@mechatrec.example"]
    assert sent.reply_to == ["maria@robotix.example.ro"]
    assert "Partner for a digital twin pilot line" in sent.subject
    assert "We build cobots" in sent.body
    assert settings.SITE_URL + reverse("admin:opportunities_message_change", args=[message.pk]) in sent.body

    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    assert "The cluster office has received your message" in confirmation.text


def test_consent_is_required(client, call):
    data = {**FILLED}
    del data["consent"]
    response = client.post(reverse("opportunities:contact", args=[call.slug]), data)
    assert response.status_code == 400
    assert "Without your consent the office cannot pass your message on." in response.text
    assert "Nothing was sent" in response.text
    assert not Message.objects.exists() and not mail.outbox


def test_a_missing_name_or_a_bad_address_is_explained(client, call):
    response = client.post(
        reverse("opportunities:contact", args=[call.slug]), {**FILLED, "name": "", "email": "maria@"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "Enter a valid email address." in response.text
    assert not Message.objects.exists()


def test_a_filled_honeypot_is_thanked_but_nothing_is_stored_or_sent(client, call):
    response = client.post(
        reverse("opportunities:contact", args=[call.slug]), {**FILLED, "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert not Message.objects.exists() and not mail.outbox


def test_the_honeypot_is_hidden_from_people_and_keyboards(client, call):
    html = client.get(reverse("opportunities:contact", args=[call.slug])).text
    assert '<div class="honeypot" aria-hidden="true">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html


def test_an_address_may_send_five_messages_an_hour_then_gets_a_clear_429(client, call, settings):
    settings.CONTACT_RATE_LIMIT = 5
    url = reverse("opportunities:contact", args=[call.slug])
    for _ in range(5):
        assert client.post(url, FILLED).status_code == 302
    refused = client.post(url, FILLED)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "Too many messages were sent from your address" in refused.text
    assert Message.objects.count() == 5 and len(mail.outbox) == 5
    # Another address is not affected.
    assert client.post(url, FILLED, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_only_open_opportunities_take_messages(client, publish):
    gone = publish(title_en="Gone", deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get(reverse("opportunities:contact", args=[gone.slug])).status_code == 404
    assert client.post(reverse("opportunities:contact", args=[gone.slug]), FILLED).status_code == 404
    assert not Message.objects.exists()


def test_a_profile_links_to_the_member_contact_form(client, firm):
    response = client.get(firm.get_absolute_url())
    assert "Contact this member through the cluster office" in response.text
    assert reverse("opportunities:contact_member", args=[firm.slug]) in response.text


def test_the_member_form_exposes_none_of_the_members_contacts(client, firm):
    url = reverse("opportunities:contact_member", args=[firm.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Contact Precizie Ilfov SRL" in page.text
    assert set(page["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}
    response = client.post(url, FILLED, follow=True)
    (sent,) = mail.outbox
    for shown in (page.text, response.text, sent.body, sent.subject, str(sent.to), str(sent.reply_to)):
        for private in ("office@precizie.example.ro", "radu@precizie.example.ro", "Radu Ionescu"):
            assert private not in shown
    message = Message.objects.get()
    assert (message.member, message.opportunity) == (firm, None)
    assert "Precizie Ilfov SRL" in sent.subject


def test_unpublished_or_unknown_members_have_no_contact_form(client, make_member):
    hidden = make_member(is_published=False)
    assert client.get(reverse("opportunities:contact_member", args=[hidden.slug])).status_code == 404
    assert client.post(reverse("opportunities:contact_member", args=["nobody"]), FILLED).status_code == 404


def test_text_is_stored_with_comma_below_letters(client, call):
    client.post(reverse("opportunities:contact", args=[call.slug]), {**FILLED, "name": "Ştefan Ţurcanu"})
    assert Message.objects.get().name == "Ștefan Țurcanu"


def test_the_form_pages_query_counts_are_pinned(client, call, firm, django_assert_max_num_queries):
    # the opportunity with its poster
    with django_assert_max_num_queries(1):
        assert client.get(reverse("opportunities:contact", args=[call.slug])).status_code == 200
    # the member
    with django_assert_max_num_queries(1):
        assert client.get(reverse("opportunities:contact_member", args=[firm.slug])).status_code == 200
    # the opportunity, competences, certifications, the matching members and their two relations
    with django_assert_max_num_queries(6):
        assert client.get(call.get_absolute_url()).status_code == 200


def test_a_message_reaches_the_office_through_a_real_smtp_server(client, call, smtp_server, settings):
    settings.CLUSTER_OFFICE_EMAIL = "birou@mechatrec.example"
    client.post(reverse("opportunities:contact", args=[call.slug]), {**FILLED, "name": "Ioana Știrbu"})
    (raw,) = smtp_server.messages
    received = email.message_from_bytes(raw, policy=email.policy.default)
    assert received["To"] == "birou@mechatrec.example"
    assert received["Reply-To"] == "maria@robotix.example.ro"
    # In the site's language (Romanian), whatever the visitor's.
    assert received["Subject"].strip().startswith("Mesaj de la Ioana Știrbu")
    body = received.get_content()
    assert "We build cobots" in body
    assert "http://127.0.0.1:8000/ro/opportunities/partner-for-a-digital-twin-pilot-line/" in body


def test_a_mail_server_that_is_down_loses_no_message(client, call, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    response = client.post(reverse("opportunities:contact", args=[call.slug]), FILLED)
    assert response.status_code == 302
    assert Message.objects.count() == 1


def test_a_senders_messages_are_exported_and_erased_on_request(client, call, capsys):
    from tests.test_personal_data import text_rows_containing

    client.post(reverse("opportunities:contact", args=[call.slug]), FILLED)
    call_command("export_person", "maria@robotix.example.ro")
    exported = json.loads(capsys.readouterr().out)
    assert [m["text"] for m in exported["messages_to_the_cluster_office"]] == [FILLED["text"]]

    call_command("erase_person", "MARIA@robotix.example.ro")
    assert "1 messages to the cluster office" in capsys.readouterr().out
    assert text_rows_containing("maria@robotix.example.ro") == []
    assert text_rows_containing("Maria Dinu") == []


def test_check_deploy_warns_while_the_office_address_is_the_example(settings):
    from django.core.checks import run_checks

    settings.CLUSTER_OFFICE_EMAIL = "office@mechatrec.example"
    assert "opportunities.W001" in [w.id for w in run_checks(include_deployment_checks=True)]
    settings.CLUSTER_OFFICE_EMAIL = "birou@mechatrec.ro"
    assert "opportunities.W001" not in [w.id for w in run_checks(include_deployment_checks=True)]


def test_an_opportunity_page_shows_no_address_of_its_poster(client, publish, firm):
    posted = publish(title_en="Milling capacity", kind=Opportunity.Kind.CAPACITY, poster=firm)
    detail = client.get(posted.get_absolute_url()).text
    assert f'<a href="{firm.get_absolute_url()}">Precizie Ilfov SRL</a>' in detail
    form = client.get(reverse("opportunities:contact", args=[posted.slug])).text
    for url, html in ((posted.get_absolute_url(), detail), ("contact", form)):
        for private in ("office@precizie.example.ro", "radu@precizie.example.ro", "Radu Ionescu"):
            assert private not in html, (url, private)
        # The only address to write to is the cluster office's own (the footer's).
        assert set(re.findall(r'href="mailto:([^"]+)"', html)) <= {settings.CLUSTER_CONTACT_EMAIL}, url


def test_an_unpublished_poster_is_never_named_on_the_board(client, publish, firm):
    posted = publish(title_en="Milling capacity", kind=Opportunity.Kind.CAPACITY, poster=firm)
    firm.is_published = False
    firm.save()
    posted.refresh_search_text()
    pages = [client.get(posted.get_absolute_url()).text, client.get(reverse("opportunities:list")).text]
    for html in pages:
        assert "Precizie Ilfov SRL" not in html
        assert firm.get_absolute_url() not in html
        assert "A member of the cluster" in html
    assert "Milling capacity" not in client.get(reverse("opportunities:list") + "?q=precizie").text
