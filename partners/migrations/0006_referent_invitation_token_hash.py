"""Referent invitation tokens are stored as their SHA-256 hash, never in clear.

Existing tokens are hashed in place, so links already sent keep working: the view hashes
the token it is given and looks the hash up.
"""

import hashlib

from django.db import migrations, models


def hash_existing_tokens(apps, schema_editor):
    ReferentInvitation = apps.get_model("partners", "ReferentInvitation")
    for invitation in ReferentInvitation.objects.only("pk", "token_hash").iterator():
        token_hash = hashlib.sha256(
            invitation.token_hash.encode("utf-8", "surrogatepass")
        ).hexdigest()
        ReferentInvitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0005_text_limits"),
    ]

    operations = [
        migrations.RenameField(
            model_name="referentinvitation",
            old_name="token",
            new_name="token_hash",
        ),
        migrations.AlterField(
            model_name="referentinvitation",
            name="token_hash",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="token hash"
            ),
        ),
        # Not reversible in meaning (a hash cannot be undone); going back leaves the hashes.
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop),
    ]
