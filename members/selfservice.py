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

from .models import Member, UpdateLink
from .text import comma_below


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


# --- What a submission holds -------------------------------------------------------------------


def json_value(member, name):
    """A member field's value as JSON: a foreign key as its id, many-to-many as sorted ids.

    A query for a many-to-many field of a saved member."""
    field = member._meta.get_field(name)
    if field.many_to_many:
        return sorted(row.pk for row in getattr(member, name).all())
    if field.is_relation:
        return getattr(member, field.attname)
    return getattr(member, name)


def form_value(form, name):
    """The form's cleaned value as JSON (see json_value), text in comma-below."""
    value = form.cleaned_data.get(name)
    field = form.instance._meta.get_field(name)
    if field.many_to_many:
        return sorted(row.pk for row in value or [])
    if field.is_relation:
        return value.pk if value else None
    if isinstance(value, str):
        return comma_below(value)
    return value


def contact_changes(member, formset, link, now):
    """The contact persons added or changed, each with consent given (who, when, how) or
    withdrawn; unchanged ones are left out."""
    known = {contact.pk: contact for contact in member.contacts.all()}
    changed = []
    for form in formset:
        data = form.cleaned_data
        if not data or not data.get("name"):
            continue
        contact = known.get(data.get("id"))
        public = data["consent"] == "public"
        entry = {
            "id": contact.pk if contact else None,
            "name": comma_below(data["name"]),
            "role": comma_below(data.get("role", "")),
            "email": data.get("email", ""),
            "phone": data.get("phone", ""),
            "public": public,
        }
        if public and not (contact and contact.is_public):
            entry["consent_given_at"] = now.isoformat()
            entry["consent_method"] = f"self-service form ({comma_below(data['name'])}, link #{link.pk})"
        if (
            contact
            and all(
                entry[key] == getattr(contact, attr)
                for key, attr in [("name", "name"), ("role", "role"), ("email", "email"), ("phone", "phone")]
            )
            and public == contact.is_public
        ):
            continue
        changed.append(entry)
    return changed


def submit(link, form, formset):
    """Record what the member sent as a pending change and close the link; saves nothing of
    the member. Returns the PendingChange (None when nothing differs; the link stays closed
    all the same, as the member has answered)."""
    from django.db import transaction

    from .models import PendingChange
    from .self_service_forms import SELF_SERVICE_FIELDS

    member = Member.objects.get(pk=link.member_id)
    now = timezone.now()
    proposed, before = {}, {}
    for name in SELF_SERVICE_FIELDS:
        today, new = json_value(member, name), form_value(form, name)
        if today != new and not (today in (None, "") and new in (None, "")):
            proposed[name], before[name] = new, today
    contacts = contact_changes(member, formset, link, now)
    logo = form.cleaned_data.get("logo")
    with transaction.atomic():
        mark_used(link)
        if not (proposed or contacts or logo):
            return None
        change = PendingChange(
            member=member,
            link=link,
            submitted_by=link.recipient_name,
            proposed=proposed,
            before=before,
            contacts=contacts,
        )
        if logo:
            change.logo.save(logo.name, logo, save=False)
        change.save()
    return change
