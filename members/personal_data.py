"""Everything held about one person, found and erased by e-mail address (GDPR art. 15 and 17).

Personal data lives in: contact persons and their history, a member's public e-mail (when it is
a person's address) and its history, user accounts, failed-login records, the admin's change
log (which names contact persons added or changed through a member's page), and the messages
visitors sent to the cluster office (opportunities.Message).
"""

import json

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from . import cache
from .models import ContactPerson, Member

ERASED = "[erased]"
LOGIN_RECORDS = (AccessAttempt, AccessLog, AccessFailureLog)


def _messages(email):
    """Messages sent to the cluster office from this address (the opportunities app's)."""
    return apps.get_model("opportunities", "Message").objects.filter(email__iexact=email)


def _usernames(email):
    users = get_user_model().objects.filter(email__iexact=email)
    return {email, *users.values_list("username", flat=True)}


def _login_records(model, usernames):
    query = Q()
    for username in usernames:
        query |= Q(username__iexact=username)
    return model.objects.filter(query)


def _json_text(text):
    # LogEntry.change_message is JSON: non-ASCII letters (ş, ţ) are stored as \u escapes.
    return json.dumps(text)[1:-1]


def _admin_log_entries(contact_ids, texts):
    """Change-log entries about these contacts: their own (by object id), and a member's whose
    message names one of them as a whole (an inline added, changed or deleted on the member's
    page). Whole names only: erasing "Ion Pop" leaves "Ion Popescu"'s entries alone."""
    own = Q(content_type__model="contactperson", object_id__in=[str(pk) for pk in contact_ids])
    mentions = Q()
    for text in texts:
        mentions |= Q(change_message__contains=_json_text(text))
    candidates = LogEntry.objects.filter(own | mentions) if texts else LogEntry.objects.filter(own)
    ids = {str(pk) for pk in contact_ids}
    return [
        entry
        for entry in candidates
        if (entry.content_type.model == "contactperson" and entry.object_id in ids)
        or _named_objects(entry) & set(texts)
    ]


def _message_parts(entry):
    try:
        message = json.loads(entry.change_message or "[]")
    except ValueError:  # a hand-written message, not the admin's JSON
        return []
    return message if isinstance(message, list) else []


def _named_objects(entry):
    """The objects (as text) an admin change message names: {"added": {"object": "Ion Pop"}}."""
    return {
        detail.get("object")
        for part in _message_parts(entry)
        if isinstance(part, dict)
        for detail in part.values()
        if isinstance(detail, dict)
    }


def export_person(email):
    """A JSON-ready dict of every row that holds `email` or belongs to the person behind it."""
    contacts = ContactPerson.objects.filter(email__iexact=email)
    contact_ids = list(contacts.values_list("pk", flat=True))
    names = set(contacts.values_list("name", flat=True))
    usernames = _usernames(email)
    return {
        "email": email,
        "contact_persons": list(contacts.values()),
        "contact_person_history": list(
            ContactPerson.history.filter(Q(id__in=contact_ids) | Q(email__iexact=email))
            .order_by("history_date")
            .values()
        ),
        "members_with_this_email": list(
            Member.objects.filter(email__iexact=email).values("name", "slug", "email")
        ),
        "member_history_with_this_email": list(
            Member.history.filter(email__iexact=email).values("id", "name", "email", "history_date")
        ),
        "users": list(
            get_user_model()
            .objects.filter(email__iexact=email)
            .values("username", "first_name", "last_name", "email", "date_joined", "last_login", "is_staff")
        ),
        "login_records": {
            model._meta.model_name: list(_login_records(model, usernames).values()) for model in LOGIN_RECORDS
        },
        "messages_to_the_cluster_office": list(
            _messages(email).values("created_at", "name", "organisation", "email", "text", "status")
        ),
        "admin_log_mentions": [
            {"action_time": e.action_time, "object_repr": e.object_repr, "change_message": e.change_message}
            for e in _admin_log_entries(contact_ids, names | {email})
        ],
    }


@transaction.atomic
def erase_person(email):
    """Remove `email` and the contact persons it belongs to from every table; returns counts.

    Contact persons are deleted with all their history rows; where the address is a member's or a
    user's, the address alone is blanked (the organisation or account stays).
    """
    removed = {}
    contacts = ContactPerson.objects.filter(email__iexact=email)
    contact_ids = list(contacts.values_list("pk", flat=True))
    names = set(contacts.values_list("name", flat=True))
    usernames = _usernames(email)

    removed["contact persons"] = contacts.delete()[0]  # bumps the cache version (signals)
    # After the delete: simple-history has just written a "deleted" row holding the data too.
    removed["contact person history rows"] = ContactPerson.history.filter(
        Q(id__in=contact_ids) | Q(email__iexact=email)
    ).delete()[0]
    removed["member e-mails blanked"] = Member.objects.filter(email__iexact=email).update(email="")
    removed["member history e-mails blanked"] = Member.history.filter(email__iexact=email).update(email="")
    removed["user e-mails blanked"] = get_user_model().objects.filter(email__iexact=email).update(email="")
    removed["messages to the cluster office"] = _messages(email).delete()[0]
    removed["login records"] = sum(_login_records(model, usernames).delete()[0] for model in LOGIN_RECORDS)
    removed["admin log entries scrubbed"] = _scrub_admin_log(contact_ids, names | {email})
    # Queryset updates send no signals: make every cached public page stale explicitly.
    cache.bump_version()
    return removed


def _scrub_admin_log(contact_ids, texts):
    """Erase the names in the admin's change log, which keeps them as text: a contact's own
    entries lose their title, a member's entries the names of the contacts they mention."""
    ids = {str(pk) for pk in contact_ids}
    entries = _admin_log_entries(contact_ids, texts)
    for entry in entries:
        if entry.content_type.model == "contactperson" and entry.object_id in ids:
            entry.object_repr = ERASED
        parts = _message_parts(entry)
        for part in parts:
            for detail in part.values() if isinstance(part, dict) else ():
                if isinstance(detail, dict) and detail.get("object") in texts:
                    detail["object"] = ERASED
        if parts:
            entry.change_message = json.dumps(parts)
        entry.save(update_fields=["object_repr", "change_message"])
    return len(entries)
