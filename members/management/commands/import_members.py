"""Import members from a spreadsheet, as the admin's import page does.

An import must say who made it: the history and the import batch are how an auditor answers
"who changed what", and a row with no user answers nothing. There is no default user: even when
one account could import, the person at the terminal may be someone else, so guessing would
record a wrong name, which is worse than none. `--dry-run` saves nothing and needs no user.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

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
            "--user",
            help=(
                "Username of the person importing: the history and the import batch record the "
                "changes under it. Required unless --dry-run; the account must be active and allowed "
                "to add and change members."
            ),
        )

    def handle(self, file, dry_run, user, **options):
        # A dry run saves nothing, so needs no user; a name given anyway is checked all the same.
        acting_user = self._user(user) if user or not dry_run else None
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            if dry_run:
                preview, batch = importing.preview_file(content, file.name), None
            else:
                preview, batch = importing.import_file(content, file.name, acting_user)
        except importing.ImportFileError as error:
            raise CommandError(str(error)) from error
        except importing.ImportRefused as refused:
            self._report(refused.preview)
            raise CommandError(f"{len(refused.preview.errors)} error(s); nothing was imported.") from None
        self._report(preview)
        if preview.has_errors:
            raise CommandError(f"{len(preview.errors)} error(s); importing this file would import nothing.")
        if batch:
            self.stdout.write(
                f"Import #{batch.pk} saved under {acting_user.get_username()} "
                "(revert it from the admin's import batches)."
            )
        else:
            self.stdout.write("Dry run: nothing was saved.")

    def _user(self, username):
        """The account the import is recorded under: named, active, allowed to import."""
        if not username:
            raise CommandError(
                "Say who is importing: --user USERNAME (the history and the import batch record "
                f"it). {self._who_may_import()} Use --dry-run to only preview."
            )
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}. {self._who_may_import()}") from None
        if not (user.is_active and user.is_staff and user.has_perms(IMPORT_PERMISSIONS)):
            raise CommandError(
                f"{username!r} may not import members (not active staff with permission to add "
                f"and change members). {self._who_may_import()}"
            )
        return user

    def _who_may_import(self):
        """The accounts that may import, as the admin's import page allows: a hint, not a default."""
        users = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("pk")
        names = [user.get_username() for user in users if user.has_perms(IMPORT_PERMISSIONS)]
        if not names:
            return "No active user may import members yet; create one (manage.py createsuperuser)."
        return "Users who may import: " + ", ".join(names) + "."

    def _report(self, preview):
        for row in preview.rows:
            if row.status in ("new", "updated"):
                self.stdout.write(f"row {row.number}: {row.status} {row.name}")
                for change in row.changes:
                    old = f"{change.old!r} → " if row.status == "updated" else ""
                    self.stdout.write(f"    {change.column}: {old}{change.new!r}")
            for error in row.errors:
                self.stderr.write(str(error))
        self.stdout.write(preview.summary())
