"""The sitemaps: the public pages, partners, agreements and services, in both languages.

`/sitemap.xml` is an index of `/sitemap-<section>.xml` files, each of at most
URLS_PER_FILE addresses (`?p=2`, ... for the next ones): search engines take at most 50,000
per file, and a file must stay quick to build (a 50,000-service district has 40,000 public
service addresses). Pages of a section are read from the database a slice at a time, never
the whole table. Addresses are built on SITE_URL (not on the request's host), like the
canonical links. The views are cached (common.page_cache) until something public changes.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from agreements.models import Agreement
from common.page_cache import cache_public_page
from partners.models import Organization
from services.models import WelfareService

# Addresses per sitemap file, each with its language alternates: about 1 MB of XML.
URLS_PER_FILE = 2000


class _LanguagePairs:
    """The (row, language) pairs of a queryset, as Django's i18n sitemaps list them, read
    from the database one slice at a time (Django's own list holds every row)."""

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, list(languages)

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        per_row = len(self.languages)
        start = index.start or 0
        stop = index.stop if index.stop is not None else self.count()
        rows = self.queryset[start // per_row : -(-stop // per_row)]
        pairs = [(row, language) for row in rows for language in self.languages]
        skip = start - (start // per_row) * per_row
        return pairs[skip : skip + (stop - start)]


class SiteSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = URLS_PER_FILE

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class QuerySetSitemap(SiteSitemap):
    """A sitemap of database rows: paginated by the database, last change by an aggregate."""

    lastmod_field = None

    @property
    def paginator(self):
        return Paginator(_LanguagePairs(self.items(), self._languages()), self.limit)

    def get_latest_lastmod(self):
        if self.lastmod_field is None:
            return None
        return self.items().aggregate(latest=Max(self.lastmod_field))["latest"]


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


class OrganizationSitemap(QuerySetSitemap):
    changefreq = "monthly"
    lastmod_field = "updated_at"

    def items(self):
        return Organization.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, organization):
        return organization.updated_at


class AgreementSitemap(QuerySetSitemap):
    changefreq = "yearly"

    def items(self):
        return Agreement.objects.public().only("slug").order_by("pk")


class WelfareServiceSitemap(QuerySetSitemap):
    """The services an anonymous visitor may open: the same rule as every other page."""

    changefreq = "weekly"
    lastmod_field = "updated_at"

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


@require_safe
@cache_public_page(everyone=True)
def sitemap_index(request):
    """`/sitemap.xml`: the address of every sitemap file (each section, each of its pages)."""
    files = []
    for section, sitemap_class in sitemaps.items():
        site = sitemap_class()
        address = settings.SITE_URL + reverse("sitemap-section", kwargs={"section": section})
        lastmod = site.get_latest_lastmod()
        for page in range(1, site.paginator.num_pages + 1):
            files.append(
                {"location": address if page == 1 else f"{address}?p={page}", "last_mod": lastmod}
            )
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": files},
        content_type="application/xml",
    )


@require_safe
@cache_public_page(everyone=True)
def sitemap_section(request, section):
    """`/sitemap-<section>.xml?p=N`: one file of addresses (Django's view, our sitemaps)."""
    return sitemap_view(request, sitemaps, section=section)
