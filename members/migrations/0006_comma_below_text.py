"""Text stored before every save normalised it: cedilla ş ţ Ş Ţ become comma-below ș ț Ș Ț.

Every text column of the app's tables, the history's included: the old versions then read as
the current ones do, so the history shows no spelling change that nobody made, and reverting to
an old version brings back no cedilla letter. Safe to re-run; changes nothing once done.
"""

from django.db import migrations, models
from django.db.models import Q

from members.text import CEDILLA_LETTERS, comma_below


def text_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]


def fix_stored_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Every text of every member is read: at 100,000 members longer than a page may take.
        schema_editor.execute("SET LOCAL statement_timeout = 0")
    for model in apps.get_app_config("members").get_models():
        fields = text_fields(model)
        if not model._meta.managed or not fields:
            continue
        with_cedilla = Q()
        for field in fields:
            for letter in CEDILLA_LETTERS:
                with_cedilla |= Q(**{f"{field.attname}__contains": letter})
        rows = list(model._base_manager.filter(with_cedilla))
        for row in rows:
            for field in fields:
                setattr(row, field.attname, comma_below(getattr(row, field.attname)))
        model._base_manager.bulk_update(rows, [field.attname for field in fields], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("members", "0005_certification_data_and_counting")]
    operations = [migrations.RunPython(fix_stored_text, migrations.RunPython.noop)]
