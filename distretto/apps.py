from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrettoConfig(AppConfig):
    name = "distretto"
    verbose_name = _("District")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        import common.lookups  # noqa: F401 - registers lookups safe for hostile values
        from common.roles import ensure_coordinator_group

        # post_migrate is only sent for apps with models; distretto has none, so listen to
        # the last of the district's apps.
        post_migrate.connect(ensure_coordinator_group, sender=apps.get_app_config("meetings"))
        post_migrate.connect(create_cache_tables, sender=apps.get_app_config("meetings"))
        connect_public_version()


# What visitors see is made of these models (the home page, the catalogue, service and
# partner pages, the directory, the sitemaps): any write to one of them makes the cached
# pages and figures out of date (common.page_cache). Publishing, archiving, editing a
# service, changing who may use it (its eligibility and eligible organisations), suspending,
# reactivating or withdrawing an organisation, a request (places left), an edit of the
# synonyms all save one of these rows.
PUBLIC_MODELS = (
    "partners.Organization",
    "partners.Certification",
    "services.WelfareService",
    "services.Category",
    "services.Audience",
    # A service's page shows its bookings against its places and minimum.
    "services.ServiceRequest",
    # The catalogue's search expands words by the synonym groups.
    "services.SynonymGroup",
    "agreements.Agreement",
    "agreements.Signature",
    "meetings.Meeting",
    "meetings.WorkingGroup",
)


def connect_public_version():
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from common.page_cache import bump_public_version

    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        post_save.connect(bump_public_version, sender=model, dispatch_uid=f"public:{label}:s")
        post_delete.connect(bump_public_version, sender=model, dispatch_uid=f"public:{label}:d")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                bump_public_version,
                sender=field.remote_field.through,
                dispatch_uid=f"public:{label}:{field.name}",
            )


def create_cache_tables(sender, using="default", **kwargs):
    """post_migrate: `migrate` alone creates the database cache's table (allauth's rate
    limits need it from the first sign-up). createcachetable skips tables that exist and
    caches that are not in the database (Redis), so this is cheap after every migrate."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
