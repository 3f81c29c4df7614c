import json

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from members.personal_data import export_person


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything held about the person with this e-mail address: contact "
        "person rows and their history, members using the address, user accounts and login "
        "records (a GDPR access request). Reads only."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        self.stdout.write(json.dumps(export_person(email.strip()), cls=DjangoJSONEncoder, indent=2))
