"""Import members from a spreadsheet, as the admin's import page does."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from members import importing


class Command(BaseCommand):
    help = (
        "Import members from an XLSX or CSV file (the columns of the admin's template). Safe to "
        "re-run: rows are matched on fiscal code, else on the name ignoring case, spaces and "
        "accents. Any error imports nothing. Recorded as one batch that can be reverted."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; save nothing.")
        parser.add_argument(
            "--user", help="Username the history records the changes under (default: no user, 'command')."
        )

    def handle(self, file, dry_run, user, **options):
        acting_user = self._user(user)
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
            self.stdout.write(f"Import #{batch.pk} saved (revert it from the admin's import batches).")
        else:
            self.stdout.write("Dry run: nothing was saved.")

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

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
