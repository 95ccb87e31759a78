from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrettoConfig(AppConfig):
    name = "distretto"
    verbose_name = _("District")
