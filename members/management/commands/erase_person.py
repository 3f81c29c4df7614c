from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from members.personal_data import erase_person


class Command(BaseCommand):
    help = (
        "Erase the person with this e-mail address everywhere (a GDPR erasure request): deletes "
        "their contact person rows with all history, blanks the address on members, history "
        "and user accounts, deletes login records and scrubs the admin log. Safe to re-run: a "
        "second run finds nothing. Take a backup first (make backup) if in doubt."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an e-mail address: {email!r}") from None
        removed = erase_person(email)
        for what, count in removed.items():
            self.stdout.write(f"{count} {what}")
        self.stdout.write(self.style.SUCCESS(f"Done: {sum(removed.values())} rows removed or changed."))
