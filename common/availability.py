"""503 with Retry-After, not 500, while the database cannot be reached.

When PostgreSQL is down, restarting or out of connections, every query raises
django.db.OperationalError (or InterfaceError for a connection that died): that is an outage
the visitor can wait out, not a bug. The middleware answers such a request with our 503 page
and `Retry-After`, and logs the error once. The page (templates/503.html) is rendered with no
request and no context processors, so it needs nothing from the database.

Errors raised by a view or while rendering its template reach the middleware's
process_exception; an error raised by another middleware (loading the session, the user)
reaches Django's 500 handler first, which hands it to `database_unavailable_response` too
(distretto.views.server_error).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

RETRY_AFTER_SECONDS = 30
logger = logging.getLogger("distretto.availability")


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError))


def database_unavailable_response() -> HttpResponse:
    """Our 503 page, asking to come back in RETRY_AFTER_SECONDS."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database outage met while serving a request into a 503 with Retry-After.

    Last in MIDDLEWARE, so that its process_exception is the first to see a view's error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("Database unavailable: %s", exception, exc_info=exception)
        return database_unavailable_response()
