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


def create_cache_tables(sender, using="default", **kwargs):
    """post_migrate: `migrate` alone creates the database cache's table (allauth's rate
    limits need it from the first sign-up). createcachetable skips tables that exist and
    caches that are not in the database (Redis), so this is cheap after every migrate."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
