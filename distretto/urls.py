from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from distretto import balance_views, needs_views, report_views, views
from distretto.sitemaps import sitemap_index, sitemap_section
from services import hsds_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    # Open data: the HSDS API and the DCAT-AP_IT record keep one address in every language.
    path("api/hsds/", include("services.hsds_urls")),
    path("dati-aperti/dcat-ap_it.jsonld", hsds_views.dcat, name="open-data-dcat"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("distretto/", views.about, name="about"),
    path("distretto/bilancio/", balance_views.public_balance, name="balance"),
    path("distretto/bilancio/rete/", balance_views.network_balance, name="balance-network"),
    path("distretto/bisogni/", needs_views.needs_results, name="needs-results"),
    path("distretto/rapporto/", report_views.district_report, name="district-report"),
    path("distretto/bisogni/divari.csv", needs_views.needs_gaps_export, name="needs-gaps-export"),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("dati-aperti/", hsds_views.open_data_page, name="open-data"),
    path("aderisci/", include("partners.join_urls")),
    path("admin/", admin.site.urls),
    path("account/", include("distretto.account_urls")),
    path("account/", include("allauth.urls")),
    path("area-partner/", include("distretto.area_urls")),
    path("partner/", include("distretto.partner_urls")),
    path("accordi/", include("agreements.urls")),
    path("servizi/", include("services.urls")),
    path("", include("meetings.urls")),
    prefix_default_language=False,
)

handler400 = "distretto.views.bad_request"
handler403 = "distretto.views.permission_denied"
handler404 = "distretto.views.page_not_found"
handler500 = "distretto.views.server_error"

if settings.BENCH_FLOOR_VIEW:
    urlpatterns += [path("bench/floor", views.bench_floor, name="bench-floor")]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
