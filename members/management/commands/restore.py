from django.core.management.base import BaseCommand, CommandError

from members.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the database of DATABASE_URL, which must be "
        "empty (create it first; do not migrate it), and copy its media into MEDIA_ROOT. "
        "Reports the row counts recorded at backup time next to those restored."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            manifest, restored = restore_backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for table, count in restored.items():
            self.stdout.write(f"{table}: {count} rows (backup recorded {manifest['counts'][table]})")
        if restored != manifest["counts"]:
            raise CommandError("The restored row counts differ from the backup's manifest.")
        self.stdout.write(self.style.SUCCESS(f"Restored the backup of {manifest['created_at']}."))
