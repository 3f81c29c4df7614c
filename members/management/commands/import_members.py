"""Import members from a spreadsheet, as the admin's import page does.

An import must say who made it: the history and the import batch are how an auditor answers
"who changed what", and a row with no user answers nothing. There is no default user: even when
one account could import, the person at the terminal may be someone else, so guessing would
record a wrong name, which is worse than none. `--dry-run` saves nothing and needs no user.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members import importing

# The admin's import page asks for the same: active staff who may add and change members.
IMPORT_PERMISSIONS = ["members.add_member", "members.change_member"]


class Command(BaseCommand):
    help = (
        "Import members from an XLSX or CSV file (the columns of the admin's template). Safe to "
        "re-run: rows are matched on fiscal code, else on the name ignoring case, spaces and "
        "accents. Any error imports nothing. Recorded as one batch that can be reverted, under "
        "--user (required unless --dry-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; save nothing.")
        parser.add_argument(
            "--overwrite-their-changes",
            action="store_true",
            help=(
                "Also set the fields someone changed after the value the file holds (listed as "
                "kept); without it they keep their values."
            ),
        )
        parser.add_argument(
            "--user",
            help=(
                "Username of the person importing: the history and the import batch record the "
                "changes under it. Required unless --dry-run; the account must be active and allowed "
                "to add and change members."
            ),
        )

    def handle(self, file, dry_run, user, overwrite_their_changes, **options):
        # A dry run saves nothing, so needs no user; a name given anyway is checked all the same.
        acting_user = self._user(user) if user or not dry_run else None
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        try:
            if dry_run:
                preview, batch = importing.preview_file(content, file.name), None
            else:
                preview, batch = importing.import_file(
                    content, file.name, acting_user, overwrite_their_changes=overwrite_their_changes
                )
        except importing.ImportFileError as error:
            raise CommandError(str(error)) from error
        except importing.ImportRefused as refused:
            self._report(refused.preview)
            count = len(refused.preview.errors)
            raise CommandError(
                ngettext("%(n)d error; nothing was imported.", "%(n)d errors; nothing was imported.", count)
                % {"n": count}
            ) from None
        self._report(preview)
        if preview.has_errors:
            count = len(preview.errors)
            raise CommandError(
                ngettext(
                    "%(n)d error; importing this file would import nothing.",
                    "%(n)d errors; importing this file would import nothing.",
                    count,
                )
                % {"n": count}
            )
        if batch:
            self.stdout.write(
                _("Import #%(batch)d saved under %(user)s (revert it from the admin's import batches).")
                % {"batch": batch.pk, "user": acting_user.get_username()}
            )
        elif dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
        else:
            self.stdout.write(_("Nothing to import: no import batch was recorded."))

    def _user(self, username):
        """The account the import is recorded under: named, active, allowed to import."""
        if not username:
            raise CommandError(
                _(
                    "Say who is importing: --user USERNAME (the history and the import batch record "
                    "it). %(who)s Use --dry-run to only preview."
                )
                % {"who": self._who_may_import()}
            )
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(
                _("No user named %(name)s. %(who)s") % {"name": repr(username), "who": self._who_may_import()}
            ) from None
        if not (user.is_active and user.is_staff and user.has_perms(IMPORT_PERMISSIONS)):
            raise CommandError(
                _(
                    "%(name)s may not import members (not active staff with permission to add and "
                    "change members). %(who)s"
                )
                % {"name": repr(username), "who": self._who_may_import()}
            )
        return user

    def _who_may_import(self):
        """The accounts that may import, as the admin's import page allows: a hint, not a default."""
        users = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("pk")
        names = [user.get_username() for user in users if user.has_perms(IMPORT_PERMISSIONS)]
        if not names:
            return _("No active user may import members yet; create one (manage.py createsuperuser).")
        return _("Users who may import: %(names)s.") % {"names": ", ".join(names)}

    def _report(self, preview):
        self.stdout.write(_("Read as %(encoding)s.") % {"encoding": preview.encoding_label})
        for row in preview.rows:
            if row.status in ("new", "updated"):
                line = (
                    _("row %(number)d: new: %(name)s")
                    if row.status == "new"
                    else _("row %(number)d: updated: %(name)s")
                )
                self.stdout.write(line % {"number": row.number, "name": row.name})
                for change in row.changes:
                    old = f"{change.old!r} → " if row.status == "updated" else ""
                    self.stdout.write(f"    {change.column}: {old}{change.new!r}")
            if row.kept_spelling:
                self.stdout.write(
                    _("row %(number)d: same member, spelling kept: %(name)s (the file says %(spelling)s)")
                    % {"number": row.number, "name": row.member.name, "spelling": row.kept_spelling}
                )
            for kept in row.kept:
                self.stdout.write(_("row %(number)d: kept: %(kept)s") % {"number": row.number, "kept": kept})
            for error in row.errors:
                self.stderr.write(str(error))
        self.stdout.write(preview.summary())
