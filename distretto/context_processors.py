from django.conf import settings
from django.utils.functional import SimpleLazyObject

from common.page_cache import cached
from partners.models import Organization
from partners.rules import is_referent


def _institutional_contact():
    # On every page's footer: kept in the cache until something public changes.
    return cached(("site-contact",), _read_institutional_contact)


def _read_institutional_contact():
    return (
        Organization.objects.public()
        .filter(role=Organization.Role.INSTITUTIONAL)
        .only("name", "slug", "address", "contact_email", "contact_phone", "website")
        .order_by("pk")
        .first()
    )


def site(request):
    """Values every template needs.

    `SITE_URL` is the canonical site address for absolute links. `site_contact` is the
    organisation holding the institutional role (the Comune di Trento), shown in the footer;
    it is lazy, so the query runs only on pages that print it. `user_is_referent` (lazy too)
    decides whether the header links to the partner area.
    """
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "site_contact": SimpleLazyObject(_institutional_contact),
        "user_is_referent": SimpleLazyObject(lambda: is_referent(user)),
    }
