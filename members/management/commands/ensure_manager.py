import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the superuser 'manager' with a random password, printed once, if no superuser "
        "exists yet. Safe to re-run: an existing superuser is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="manager")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already; its password is unchanged.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Admin login (shown once): user '{username}', password '{password}'\n"
                "  Change it in the admin under Users, or run: python manage.py changepassword manager\n"
            )
        )
