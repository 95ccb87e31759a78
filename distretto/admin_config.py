from django.contrib.admin.apps import AdminConfig


class DistrettoAdminConfig(AdminConfig):
    """django.contrib.admin with the back office's site (distretto.admin_site) as admin.site."""

    default_site = "distretto.admin_site.DistrettoAdminSite"
