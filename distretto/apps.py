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
