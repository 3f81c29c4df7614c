from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from members.personal_data import erase_person


class Command(BaseCommand):
    help = (
        "Erase the person with this e-mail address everywhere (a GDPR erasure request): deletes "
        "their contact person rows with all history, blanks the address on members, history "
        "and user accounts, deletes login records and scrubs the admin log. Safe to re-run: a "
        "second run finds nothing. --dry-run reports the same counts and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--dry-run", action="store_true", help="Report what would go; change nothing.")

    def handle(self, *args, email, dry_run, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an e-mail address: {email!r}") from None
        with transaction.atomic():
            removed = erase_person(email)
            # The same work, undone: the counts are exactly what a real run would report.
            transaction.set_rollback(dry_run)
        for what, count in removed.items():
            self.stdout.write(f"{count} {what}")
        total = sum(removed.values())
        if dry_run:
            self.stdout.write(f"Dry run: {total} rows would be removed or changed; nothing was.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Done: {total} rows removed or changed."))
