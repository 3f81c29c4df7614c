"""Messages to the cluster office: who may send how many, and how the office hears of them.

A visitor never writes to a member directly: the office reads the message and passes it on
(with the sender's consent), so no member address appears on a page or is used by a form."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mechatrec.security import client_ip

logger = logging.getLogger(__name__)

# A message limit counts an hour from the first message.
RATE_WINDOW_SECONDS = 3600


def address_hash(request):
    """A keyed hash of the client address: it tells one sender from another (for the limit and
    in the admin) without storing anyone's address."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, client_ip(request).encode(), hashlib.sha256).hexdigest()


def _bucket(digest):
    return f"contact-rate:{digest}"


def over_limit(digest):
    """True when this address already sent CONTACT_RATE_LIMIT messages this hour."""
    return (cache.get(_bucket(digest)) or 0) >= settings.CONTACT_RATE_LIMIT


def count_message(digest):
    bucket = _bucket(digest)
    cache.add(bucket, 0, RATE_WINDOW_SECONDS)
    try:
        cache.incr(bucket)
    except ValueError:  # expired between add and incr: a new window starts with this message
        cache.set(bucket, 1, RATE_WINDOW_SECONDS)


def notify_office(message):
    """E-mail the message to the cluster office, in the site's language, with the sender as
    Reply-To. The message is already stored: a mail server that is down loses nothing, the
    manager still finds it in the admin."""
    about = message.opportunity or message.member
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "message": message,
            "admin_url": settings.SITE_URL + reverse("admin:opportunities_message_change", args=[message.pk]),
            "about_url": settings.SITE_URL + about.get_absolute_url() if about else "",
        }
        subject = " ".join(render_to_string("opportunities/email/message_subject.txt", context).split())
        body = render_to_string("opportunities/email/message.txt", context)
    email = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [settings.CLUSTER_OFFICE_EMAIL], reply_to=[message.email]
    )
    try:
        email.send()
    except Exception:  # SMTP down or refusing: the message waits in the admin
        logger.exception("Message %s could not be e-mailed to the cluster office", message.pk)
