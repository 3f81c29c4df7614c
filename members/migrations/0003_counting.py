"""The tables the directory counts from (members.counting generates them from the dimensions)."""

from django.db import migrations

from members import counting


class Migration(migrations.Migration):
    dependencies = [("members", "0002_reference_data")]
    operations = [migrations.RunPython(counting.install, counting.uninstall)]
