from django.conf import settings


def site(request):
    """Values every template needs: the canonical site address for absolute links."""
    return {"SITE_URL": settings.SITE_URL}
