"""The update link travels through a real SMTP server (aiosmtpd, started by the test) with
Django's SMTP backend, as in production (the `smtp_server` fixture, tests/conftest.py)."""

import email
import email.policy

from members import selfservice
from members.models import ContactPerson


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
