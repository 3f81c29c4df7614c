"""The update link travels through a real SMTP server (aiosmtpd, started by the test) with
Django's SMTP backend, as in production."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from members import selfservice
from members.models import ContactPerson


class Inbox:
    """An aiosmtpd handler keeping each message's bytes as they came over the wire."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def test_an_update_link_arrives_by_smtp_as_text_and_html_in_romanian(smtp_server, make_member, manager):
    member = make_member(name="Mecatronică Ilfov SRL", description_ro="Automatizări.")
    contact = ContactPerson.objects.create(member=member, name="Ioana Stan", email="ioana@example.ro")
    link, key = selfservice.issue(member, contact, manager)
    selfservice.send_link(link, key)

    (raw,) = smtp_server.messages
    received = email.message_from_bytes(raw, policy=email.policy.default)
    assert received["To"] == "ioana@example.ro"
    # Python's email package folds an encoded subject onto its own line ("Subject: \r\n =?utf-8?…");
    # mail clients unfold it, and so does the strip.
    assert received["Subject"].strip() == "Actualizați profilul Mecatronică Ilfov SRL din catalog"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Bună ziua, Ioana Stan," in text
    assert f"/ro/update/{key}/" in text
    assert f'href="http://127.0.0.1:8000/ro/update/{key}/"' in html
