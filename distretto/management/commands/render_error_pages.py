"""`manage.py render_error_pages`: the portal's 503 page as a static file, for nginx.

When no app server answers (all of them down or restarting, or the one handling a request
died with it), nginx itself answers. Instead of its bare 502 it sends this page with 503 and
`Retry-After` (deploy/nginx/distretto.conf, `error_page 502 504 =503`), the same page the app
shows while the database is away. Run it after `collectstatic`: the page links the static
files by their hashed names. It writes STATIC_ROOT/errors/503.html.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template import loader
from django.utils import translation

UNAVAILABLE_PAGE = Path("errors") / "503.html"


class Command(BaseCommand):
    help = "Render the 503 page into STATIC_ROOT/errors/503.html for nginx (after collectstatic)."

    def handle(self, *args, **options):
        target = Path(settings.STATIC_ROOT) / UNAVAILABLE_PAGE
        target.parent.mkdir(parents=True, exist_ok=True)
        with translation.override(settings.LANGUAGE_CODE):
            page = loader.get_template("503.html").render()
        target.write_text(page, encoding="utf-8")
        self.stdout.write(f"Wrote {target}")
