from django.db import migrations

from common.roles import sync_coordinator_group


def forwards(apps, schema_editor):
    # The coordinator invites referents: give the group the new model's permissions.
    sync_coordinator_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_referentinvitation"),
        ("distretto", "0001_coordinator_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
