from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from distretto import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("account/", include("partners.account_urls")),
    path("account/", include("allauth.urls")),
    path("area-partner/", include("partners.area_urls")),
    path("partner/", include("partners.urls")),
    path("accordi/", include("agreements.urls")),
    path("servizi/", include("services.urls")),
    path("", include("meetings.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
