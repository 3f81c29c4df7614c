from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from members.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a backup (database dump + media files + manifest) as one .tar.gz into "
        "BACKUP_DIR or --output-dir. pg_dump's custom format on PostgreSQL, the SQLite backup "
        "API on SQLite: both consistent while the site runs. Prints the file's path last."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default=settings.BACKUP_DIR)

    def handle(self, *args, output_dir, **options):
        try:
            path, manifest = create_backup(output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for table, count in manifest["counts"].items():
            self.stdout.write(f"{count} rows in {table}")
        self.stdout.write(str(path))
