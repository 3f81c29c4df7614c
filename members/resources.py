"""The admin's spreadsheet export, in django-import-export's terms.

The columns and their text come from `members.columns` (the importer reads exactly that), so
an exported file imports back with no changes. Staff see two more columns the public exports
never carry: when the data was verified and the contact persons (private unless consented).
"""

import tablib
from django.utils.translation import gettext as _
from import_export import fields, resources

from .columns import COLUMNS, member_row, neutralise_formula
from .models import reference_fields

STAFF_COLUMNS = ["verified_on", "contacts"]


def staff_row(member):
    """The private columns. Uses `member.contacts`: prefetch it."""
    contacts = [
        " / ".join(part for part in (c.name, c.role, c.email, c.phone) if part)
        + ("" if c.is_public else f" ({_('private')})")
        for c in member.contacts.all()
    ]
    return {
        "verified_on": member.verified_on.isoformat() if member.verified_on else "",
        "contacts": "; ".join(contacts),
    }


class MemberExportResource(resources.Resource):
    def __init__(self, with_contacts=False, **kwargs):
        # Contact persons are personal data: their column only for staff who may see them.
        super().__init__(**kwargs)
        self.columns = COLUMNS + [c for c in STAFF_COLUMNS if with_contacts or c != "contacts"]

    @classmethod
    def get_display_name(cls):
        return "members"

    def get_user_visible_fields(self):
        """The columns the export page lists: those `export` writes."""
        return [fields.Field(column_name=column) for column in self.columns]

    def export(self, queryset=None, **kwargs):
        """One row per member: COLUMNS then STAFF_COLUMNS, formula-looking cells neutralised."""
        queryset = queryset.select_related("locality").prefetch_related(*reference_fields(), "contacts")
        dataset = tablib.Dataset(headers=self.columns)
        for member in queryset:
            row = member_row(member) | staff_row(member)
            dataset.append([neutralise_formula(row[column]) for column in dataset.headers])
        return dataset
