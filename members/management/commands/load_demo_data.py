from django.core.management.base import BaseCommand

from members.demo_data import load_demo_data
from members.models import Member
from opportunities.demo_data import load_demo_opportunities


class Command(BaseCommand):
    help = (
        "Create or update 144 fictional, published demo members (13 R&D entities, 9 public authorities, "
        "22 catalyzers, 100 enterprises) with logos and contact persons, after ensuring the reference data, "
        "and 25 opportunities of every kind (a few expired, dated from today). "
        "Deterministic and safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has members."
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Member.objects.exists():
            self.stdout.write("The database has members already; demo data not loaded.")
            return
        load_demo_data(stdout=self.stdout)
        created, updated = load_demo_opportunities()
        self.stdout.write(f"{created + updated} opportunities ({created} created, {updated} updated).")
