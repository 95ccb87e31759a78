"""The referents' partner area under /area-partner/, one `area` namespace over two apps.

The organisation and people screens belong to partners, the dashboard, services and
requests screens to services (which sits above partners); the composition layer joins them.
"""

from django.urls import path

from distretto import balance_views
from partners.area_urls import urlpatterns as organization_patterns
from services.area_urls import urlpatterns as service_patterns

app_name = "area"

urlpatterns = [
    *service_patterns,
    *organization_patterns,
    path("bilancio/", balance_views.partner_balance, name="balance"),
]
