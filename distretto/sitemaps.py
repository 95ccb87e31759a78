"""sitemap.xml: the public pages, partners, agreements and services, in both languages.

Addresses are built on SITE_URL (not on the request's host), like the canonical links.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from agreements.models import Agreement
from partners.models import Organization
from services.models import WelfareService


class SiteSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class StaticPagesSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return [
            "home",
            "about",
            "partners:organization-list",
            "services:service-list",
            "agreements:agreement-list",
            "meetings:programme",
            "join:application-create",
            "accessibility",
            "privacy",
        ]

    def location(self, item):
        return reverse(item)


class OrganizationSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Organization.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, organization):
        return organization.updated_at


class AgreementSitemap(SiteSitemap):
    changefreq = "yearly"

    def items(self):
        return Agreement.objects.public().only("slug").order_by("pk")


class WelfareServiceSitemap(SiteSitemap):
    """The services an anonymous visitor may open: the same rule as every other page."""

    changefreq = "weekly"

    def items(self):
        return WelfareService.objects.visible_to(None).only("slug", "updated_at").order_by("pk")

    def lastmod(self, service):
        return service.updated_at


sitemaps = {
    "pages": StaticPagesSitemap,
    "partners": OrganizationSitemap,
    "agreements": AgreementSitemap,
    "services": WelfareServiceSitemap,
}
