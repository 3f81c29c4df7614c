"""Changes the manager makes in one go: a bulk edit of several members, and restoring chosen
fields of a member from an earlier version of its history.

Both end in `Member.save()` (the one save path: text normalised, search text rebuilt, counts
kept by the database) and write exactly one history entry per member changed, which holds the
member's many-to-many rows as they are after the change. Each runs in one transaction.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from simple_history.template_utils import HistoricalRecordContextHelper

from .dimensions import MANY
from .models import Member
from .text import comma_below

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


# --- Restoring fields from an earlier version ------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A field whose value in an earlier version differs from today's."""

    field: str
    label: str
    today: str
    then: str


def restorable_fields():
    """The member's fields a manager edits (the admin form's), in the form's order; not the ones
    the member keeps for itself (name_key, search_text, timestamps)."""
    simple = [f for f in Member._meta.concrete_fields if f.editable and not f.primary_key]
    return simple + [Member._meta.get_field(d.field) for d in MANY]


def differences(member, version):
    """[Difference] between `member` as it is and `version` (a history record of it): what
    restoring that version would change, field by field. A query per many-valued field, twice."""
    then = version.instance
    found = []
    for model_field in restorable_fields():
        today_value, then_value = _value(member, model_field), _version_value(version, then, model_field)
        if today_value != then_value:
            found.append(
                Difference(
                    model_field.name,
                    str(model_field.verbose_name),
                    _shown(member, model_field),
                    _shown(then, model_field, version),
                )
            )
    return found


def _value(member, model_field):
    if model_field.many_to_many:
        return {row.pk for row in getattr(member, model_field.name).all()}
    value = getattr(member, model_field.attname)
    return comma_below(value.name if hasattr(value, "name") and model_field.name == "logo" else value)


def _version_value(version, then, model_field):
    if model_field.many_to_many:
        return set(_version_rows(version, model_field.name, ids=True))
    return _value(then, model_field)


def _version_rows(version, name, ids=False):
    """The reference rows (or their ids) a history record holds for the many-valued field `name`."""
    dimension = next(d for d in MANY if d.field == name)
    rows = getattr(version, name).all()
    if ids:
        return [getattr(row, dimension.link_column) for row in rows]
    return [getattr(row, dimension.link_field) for row in rows.select_related(dimension.link_field)]


def _shown(member, model_field, version=None):
    """A value as the preview shows it."""
    if model_field.many_to_many:
        rows = (
            _version_rows(version, model_field.name) if version else getattr(member, model_field.name).all()
        )
        return ", ".join(sorted(str(row) for row in rows)) or "—"
    return shown_value(model_field, getattr(member, model_field.name))


def shown_value(model_field, value):
    """A field's value as a person reads it, in the active language: a choice by its label, a
    flag as yes/no, a date as dates are written, a logo by its file name, nothing as "—"."""
    if model_field.choices and value not in (None, ""):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if model_field.name == "logo":
        name = getattr(value, "name", value)
        return name.rsplit("/", 1)[-1] if name else "—"
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


class HistoryDisplay(HistoricalRecordContextHelper):
    """simple-history's list of changes in a history entry, as the revert preview writes values
    (shown_value): "da → nu", "Întreprindere mică", "1 decembrie 2026", competences by their
    names in full, where simple-history writes False → True, small, 2026-12-01 and cuts lists to
    "[30 chars]"."""

    LONGEST = 300  # characters of a long text (a description) shown before "…"

    def prepare_delta_change_value(self, change, value):
        model_field = self.model._meta.get_field(change.field)
        if model_field.many_to_many:
            held = super().prepare_delta_change_value(change, value)  # rows, or their ids
            ids = [item for item in held if not hasattr(item, "pk")]
            rows = [item for item in held if hasattr(item, "pk")]
            rows += model_field.related_model.objects.in_bulk(ids).values() if ids else []
            return ", ".join(sorted(str(row) for row in rows)) or "—"
        return shown_value(model_field, value)

    def stringify_delta_change_values(self, change, old, new):
        return tuple(
            conditional_escape(text if len(text) <= self.LONGEST else text[: self.LONGEST] + "…")
            for text in (str(old), str(new))
        )


class RestoreRefused(Exception):
    """The chosen values cannot be restored as they are (say, a name another member took since)."""

    def __init__(self, error):
        super().__init__(" ".join(error.messages))
        self.error = error


def restore_fields(member, version, names, user, reason):
    """Put back the fields `names` of `member` from `version`, validated as any edit is, in one
    transaction with one history entry (reason: `reason`). Raises RestoreRefused."""
    then = version.instance
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        simple = [f for f in restorable_fields() if f.name in names and not f.many_to_many]
        for model_field in simple:
            setattr(member, model_field.attname, getattr(then, model_field.attname))
        untouched = [f.name for f in restorable_fields() if f.name not in names]
        try:
            member.full_clean(exclude=untouched)
        except ValidationError as error:
            raise RestoreRefused(error) from None
        for dimension in MANY:
            if dimension.field in names:
                with history_paused(member):
                    ids = _version_rows(version, dimension.field, ids=True)
                    # A row deleted since (a competence removed from the taxonomy) cannot come back.
                    getattr(member, dimension.field).set(dimension.model.objects.filter(pk__in=ids))
        save_with_history(member, user, reason)
    return member
