from django.core.management.base import BaseCommand

from members import selfservice


class Command(BaseCommand):
    help = (
        "E-mail a personal link to each published member whose data was not verified in the last "
        "12 months; remind after 14 days. Safe to re-run daily (cron): nobody is asked twice a "
        "year or reminded twice."
    )

    def handle(self, *args, **options):
        counts = selfservice.yearly_round()
        self.stdout.write(
            "{asked} asked, {reminded} reminded, {waiting} waiting for an answer, "
            "{no_contact} without a contact person's e-mail address".format(**counts)
        )
