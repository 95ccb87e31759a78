"""Service slugs: unique, readable, and never one of the fixed paths under /servizi/."""

from django.utils.text import slugify

from services.models import WelfareService

# Fixed pages under /servizi/ that sit next to `<slug>/`: a service with one of these slugs
# could never be reached.
RESERVED_SLUGS = frozenset({"mie-richieste", "salvati"})
_MAX_LENGTH = WelfareService._meta.get_field("slug").max_length


def is_reserved(slug: str) -> bool:
    return slug in RESERVED_SLUGS


def unique_service_slug(title: str, *, fallback: str = "servizio") -> str:
    """A free slug from the title: `base`, then `base-2`, `base-3`, ..."""
    base = slugify(title)[: _MAX_LENGTH - 10].strip("-") or fallback
    taken = set(WelfareService.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
