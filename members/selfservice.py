"""Members keep their own profiles: personal update links (issued, e-mailed, resolved,
revoked). The form a link opens and the approval of what it sends build on these.

A link is a random token (`secrets.token_urlsafe`, 256 bits) of which only a SHA-256 digest is
stored; the URL carries "<id>-<token>". Resolving finds the row by id and compares digests with
`hmac.compare_digest`, so a guess learns nothing from timing, and a token only ever opens the
member its row names.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import UpdateLink


class LinkRefused(Exception):
    """The link does not open the form; `reason` says why (shown to the person who has it)."""

    def __init__(self, reason, link=None):
        super().__init__(reason)
        self.reason = reason
        self.link = link


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue(member, contact, user=None, purpose=UpdateLink.Purpose.UPDATE, language=None):
    """A new link for `member`, to `contact` (who must have an e-mail address); returns
    (link, key), the key being what the URL carries. Earlier open links of the member stay
    valid until they expire, are revoked or used."""
    if contact.member_id != member.pk:
        raise ValueError("the contact person belongs to another member")
    if not contact.email:
        raise ValueError("the contact person has no e-mail address")
    token = secrets.token_urlsafe(32)
    link = UpdateLink.objects.create(
        member=member,
        contact=contact,
        recipient_name=contact.name,
        recipient_email=contact.email,
        language=language or preferred_language(member),
        purpose=purpose,
        token_digest=_digest(token),
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=settings.UPDATE_LINK_DAYS),
    )
    return link, f"{link.pk}-{token}"


def preferred_language(member):
    """Romanian, the cluster's language, unless the member writes only in English."""
    if member.description_en and not member.description_ro:
        return "en"
    return "ro"


def resolve(key, now=None):
    """The open link `key` names, or LinkRefused("unknown" | "expired" | "revoked" | "used").

    One query. A malformed key, an unknown id and a wrong token are all "unknown".
    """
    link_id, _, token = (key or "").partition("-")
    if not link_id.isdigit() or not token or len(link_id) > 18:
        raise LinkRefused("unknown")
    link = UpdateLink.objects.select_related("member", "contact").filter(pk=int(link_id)).first()
    # Compare even when there is no row, so a missing id takes as long as a wrong token.
    stored = link.token_digest if link else _digest("")
    if not hmac.compare_digest(stored, _digest(token)) or link is None:
        raise LinkRefused("unknown")
    state = link.state(now)
    if state != UpdateLink.State.OPEN:
        raise LinkRefused(str(state), link)
    return link


def revoke(link, user):
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])


def mark_used(link):
    """The link has done its work: its changes were submitted (or "nothing has changed")."""
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])


def link_url(key, language):
    with translation.override(language):
        return settings.SITE_URL + reverse("members:self_service", kwargs={"key": key})


def send_link(link, key, reminder=False):
    """E-mail the link to its recipient, in the recipient's language, as text and HTML."""
    context = {
        "link": link,
        "member": link.member,
        "url": link_url(key, link.language),
        "days": settings.UPDATE_LINK_DAYS,
        "expires_at": link.expires_at,
        "reminder": reminder,
        "yearly": link.purpose == UpdateLink.Purpose.YEARLY,
        "site_name": settings.SITE_NAME,
    }
    send_templated(link.recipient_email, "members/email/update_link", context, link.language)


def send_templated(to, template, context, language):
    """Render `<template>_subject.txt`, `.txt` and `.html` in `language` and send them."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()
