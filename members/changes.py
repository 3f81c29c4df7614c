"""Changes the manager makes in one go: a bulk edit of several members.

It ends in `Member.save()` (the one save path: text normalised, search text rebuilt, counts
kept by the database) and writes exactly one history entry per member changed, which holds the
member's many-to-many rows as they are after the change. It runs in one transaction.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

from .dimensions import MANY
from .models import Member

# The fields a bulk edit may set: a value, or None to leave the field as it is.
BULK_FIELDS = ["size", "offers_subcontracting", "seeks_partners", "verified_on"]


@dataclass
class BulkEdit:
    """What to do to every selected member."""

    add: dict = field(default_factory=dict)  # many-valued field ("competences") → rows to add
    remove: dict = field(default_factory=dict)  # … → rows to remove
    values: dict = field(default_factory=dict)  # a BULK_FIELDS name → its new value

    def __bool__(self):
        return any(self.add.values()) or any(self.remove.values()) or bool(self.values)


def apply_bulk_edit(members, edit, user, reason):
    """Apply `edit` to `members` in one transaction; returns the members it changed.

    A member already as asked is not saved and gets no history entry.
    """
    changed = []
    with transaction.atomic():
        ids = [member.pk for member in members]
        for member in Member.objects.filter(pk__in=ids).select_for_update().order_by("pk"):
            if _apply_one(member, edit):
                save_with_history(member, user, reason)
                changed.append(member)
    return changed


def _apply_one(member, edit):
    touched = False
    for name, value in edit.values.items():
        if getattr(member, name) != value:
            setattr(member, name, value)
            touched = True
    for dimension in MANY:
        held = set(getattr(member, dimension.field).all())
        wanted = (held | set(edit.add.get(dimension.field, []))) - set(edit.remove.get(dimension.field, []))
        if wanted != held:
            with history_paused(member):
                getattr(member, dimension.field).set(wanted)
            touched = True
    return touched


@contextmanager
def history_paused(member):
    """Many-to-many changes made inside are not recorded by simple-history on their own: the
    member's next save records them, with the other changes, as one entry."""
    member.skip_history_when_saving = True
    try:
        yield
    finally:
        del member.skip_history_when_saving


def save_with_history(member, user, reason):
    member._history_user = user
    member._change_reason = reason
    member.save()
