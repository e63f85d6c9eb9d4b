from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # The "counters" cache lives in the database on a laptop (config/settings.py): its table is
    # made here, so that migrate alone prepares everything; a cache elsewhere (Redis) needs none.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("statistics", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
