from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Organisations")

    def ready(self):
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin

        from common.uploads import delete_files_with_rows
        from partners import admin_invitations, signals  # noqa: F401  (registration)

        delete_files_with_rows(self.get_model("Organization"), "logo")

        # One login for everyone: the admin's own form would bypass allauth's rate limits.
        admin.site.login = secure_admin_login(admin.site.login)
