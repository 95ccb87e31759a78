from django.db import migrations

from common.roles import sync_coordinator_group


def forwards(apps, schema_editor):
    sync_coordinator_group(apps)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Coordinatore").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("partners", "0001_initial"),
        ("agreements", "0001_initial"),
        ("services", "0001_initial"),
        ("meetings", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
