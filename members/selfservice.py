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
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

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


# --- Approval ----------------------------------------------------------------------------------

# simple-history keeps a change reason in 100 characters.
REASON_LENGTH = 100


@dataclass(frozen=True)
class Proposal:
    """One field of a pending change beside today's value, for the manager's review."""

    field: str
    label: str
    today: str
    proposed: str
    # An admin edit since the submission: today's value is no longer what the member saw.
    changed_since: bool


def shown(name, value):
    """A JSON value of a member field as the manager reads it (names, not ids)."""
    field = Member._meta.get_field(name)
    if field.many_to_many:
        names = field.related_model.objects.filter(pk__in=value or []).order_by("pk")
        return ", ".join(str(row) for row in names) or "—"
    if field.is_relation:
        row = field.related_model.objects.filter(pk=value).first() if value else None
        return str(row) if row else "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)) or "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return "—" if value in (None, "") else str(value)


def proposals(change):
    """The change's fields beside today's values (a query per many-valued or related field)."""
    member = change.member
    rows = []
    for name, value in change.proposed.items():
        today = json_value(member, name)
        rows.append(
            Proposal(
                field=name,
                label=str(Member._meta.get_field(name).verbose_name),
                today=shown(name, today),
                proposed=shown(name, value),
                changed_since=today != change.before.get(name),
            )
        )
    return rows


class ApprovalRefused(Exception):
    pass


def approve(change, fields, user, overwrite=False, contacts=True, logo=True):
    """Apply the chosen `fields` of `change` to its member in one save (one history entry,
    "self-service by <contact>, approved by <manager>"), set verified_on, apply the contact
    persons' changes and the logo if chosen, and e-mail the outcome.

    A field an admin changed since the submission is refused unless `overwrite`.
    """
    from .models import ContactPerson, PendingChange

    fields = [name for name in change.proposed if name in set(fields)]
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=change.member_id)
        clashes = [name for name in fields if json_value(member, name) != change.before.get(name)]
        if clashes and not overwrite:
            labels = ", ".join(str(Member._meta.get_field(name).verbose_name) for name in clashes)
            raise ApprovalRefused(
                gettext("Changed in the admin since the member sent this: %(fields)s.") % {"fields": labels}
            )
        reason = approval_reason(change, user)
        for name in fields:
            field = Member._meta.get_field(name)
            if field.many_to_many:
                getattr(member, name).set(change.proposed[name])
            else:
                setattr(member, field.attname, change.proposed[name])
        if logo and change.logo:
            with change.logo.open("rb") as stored:
                member.logo.save(change.logo.name.rsplit("/", 1)[-1], File(stored), save=False)
        member.verified_on = timezone.localdate()
        # The member's own rules for the fields approved (others are the admin's business).
        member.clean_fields(exclude=[f.name for f in Member._meta.concrete_fields if f.name not in fields])
        member._history_user = user
        member._change_reason = reason
        member.save()
        if contacts:
            for entry in change.contacts:
                apply_contact(member, entry, user, reason, ContactPerson)
        everything = set(fields) == set(change.proposed) and (contacts or not change.contacts)
        change.status = PendingChange.Status.APPROVED if everything else PendingChange.Status.PARTLY
        change.decided_at, change.decided_by = timezone.now(), user
        change.save(update_fields=["status", "decided_at", "decided_by"])
    send_outcome(change, approved=[str(Member._meta.get_field(n).verbose_name) for n in fields])
    return member


def approval_reason(change, user):
    manager = user.get_full_name() or user.get_username()
    text = f"self-service by {change.submitted_by}, approved by {manager}"
    return text[:REASON_LENGTH]


def apply_contact(member, entry, user, reason, ContactPerson):
    contact = member.contacts.filter(pk=entry["id"]).first() if entry["id"] else None
    contact = contact or ContactPerson(member=member)
    for attr in ["name", "role", "email", "phone"]:
        setattr(contact, attr, entry[attr])
    if entry["public"]:
        if entry.get("consent_given_at"):
            contact.public_consent = True
            contact.consent_given_at = datetime.datetime.fromisoformat(entry["consent_given_at"])
            contact.consent_method = entry["consent_method"][:200]
    else:
        contact.public_consent, contact.consent_given_at, contact.consent_method = False, None, ""
    contact._history_user = user
    contact._change_reason = reason
    contact.save()


def reject(change, reason, user):
    from .models import PendingChange

    change.status = PendingChange.Status.REJECTED
    change.reason = reason
    change.decided_at, change.decided_by = timezone.now(), user
    change.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    send_outcome(change, approved=[])


def send_outcome(change, approved):
    """Tell the person who sent the change what became of it, in their language."""
    link = change.link
    if link is None:
        return
    context = {
        "change": change,
        "member": change.member,
        "approved": approved,
        "name": link.recipient_name,
        "site_name": settings.SITE_NAME,
        "profile_url": settings.SITE_URL + change.member.get_absolute_url(),
    }
    with translation.override(link.language):
        context["profile_url"] = settings.SITE_URL + change.member.get_absolute_url()
    send_templated(link.recipient_email, "members/email/outcome", context, link.language)


# --- Yearly verification -----------------------------------------------------------------------

REMIND_AFTER = datetime.timedelta(days=14)
VERIFY_EVERY = datetime.timedelta(days=365)


def confirm_unchanged(link):
    """ "Nothing has changed": the member's data is verified today, the link answered."""
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=link.member_id)
        member.verified_on = timezone.localdate()
        member._change_reason = f"confirmed unchanged by {link.recipient_name} (self-service)"[:REASON_LENGTH]
        member.save()
        mark_used(link)


def recipient(member):
    """Whom to ask: the first contact person with an e-mail address, publicly shown ones first."""
    contacts = [c for c in member.contacts.all() if c.email]
    return min(contacts, key=lambda c: (not c.is_public, c.name), default=None)


def yearly_round(now=None):
    """Ask each published member not verified in the last 12 months; remind those asked 14 days
    ago who have not answered (with a new link; the first one keeps working). Returns counts.

    Safe to re-run: a member asked in the last 12 months is not asked again, and reminded once.
    """
    now = now or timezone.now()
    since = now - VERIFY_EVERY
    due = (
        Member.objects.published()
        .filter(Q(verified_on__isnull=True) | Q(verified_on__lt=timezone.localdate(now) - VERIFY_EVERY))
        .prefetch_related("contacts")
        .order_by("name_key")
    )
    counts = {"asked": 0, "reminded": 0, "waiting": 0, "no_contact": 0}
    for member in due:
        asked = list(member.update_links.filter(purpose=UpdateLink.Purpose.YEARLY, created_at__gte=since))
        contact = recipient(member)
        if contact is None:
            counts["no_contact"] += 1
            continue
        if not asked:
            link, key = issue(member, contact, purpose=UpdateLink.Purpose.YEARLY)
            send_link(link, key)
            counts["asked"] += 1
            continue
        first = min(asked, key=lambda link: link.created_at)
        if any(link.used_at for link in asked) or any(link.reminded_at for link in asked):
            counts["waiting"] += 1
            continue
        if now - first.created_at < REMIND_AFTER:
            counts["waiting"] += 1
            continue
        link, key = issue(member, contact, purpose=UpdateLink.Purpose.YEARLY)
        send_link(link, key, reminder=True)
        first.reminded_at = now
        first.save(update_fields=["reminded_at"])
        counts["reminded"] += 1
    return counts
