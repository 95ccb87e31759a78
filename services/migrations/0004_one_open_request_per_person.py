"""One open request per person and service, held by the database.

Before the constraint, a double submit could store two identical open requests. The later
copies of an open request (same person, same service) are removed first, keeping the one
the provider was told about first.
"""

from django.conf import settings
from django.db import migrations, models


def remove_duplicate_open_requests(apps, schema_editor):
    ServiceRequest = apps.get_model("services", "ServiceRequest")
    seen = set()
    duplicates = []
    open_requests = (
        ServiceRequest.objects.filter(status="open", requester__isnull=False)
        .order_by("created_at", "pk")
        .values_list("pk", "service_id", "requester_id")
    )
    for pk, service_id, requester_id in open_requests.iterator():
        key = (service_id, requester_id)
        if key in seen:
            duplicates.append(pk)
        else:
            seen.add(key)
    if duplicates:
        ServiceRequest.objects.filter(pk__in=duplicates).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0003_text_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(remove_duplicate_open_requests, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="servicerequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("service", "requester"),
                name="servicerequest_one_open_per_requester_and_service",
                violation_error_message=(
                    "This person already has a request for this service awaiting an answer."
                ),
            ),
        ),
    ]
