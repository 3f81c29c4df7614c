"""The counting tables again, as members.counting now generates them: with the cells of each pair
of many-valued values and each many-valued value's total."""

from django.db import migrations

from members import counting


class Migration(migrations.Migration):
    dependencies = [("members", "0006_comma_below_text")]
    operations = [migrations.RunPython(counting.install, counting.uninstall)]
