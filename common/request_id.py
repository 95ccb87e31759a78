"""A request id for every request, and one log line per request.

The id comes from the `X-Request-ID` header set by the reverse proxy (nginx passes on its
`$request_id`) when it looks like an id, otherwise a new one is made here. It goes back on the
response as `X-Request-ID`, and common.logging.RequestIdFilter puts it on every log record
written while the request is served: one grep finds the proxy's line, the request line and
any traceback of the same request.
"""

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar

from django.contrib.auth import SESSION_KEY
from django.utils.functional import empty

HEADER = "X-Request-ID"
# Letters, digits and a few separators, at most 128 characters: anything else (spaces,
# quotes, newlines, a megabyte of text) is not put into the logs; a fresh id replaces it.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,127}", re.ASCII)

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
logger = logging.getLogger("distretto.requests")


def current_request_id() -> str | None:
    """The id of the request being served by this thread or task, if any."""
    return _request_id.get()


def request_id_from(header: str | None) -> str:
    """The incoming id when it is sane, else a new random one."""
    if header and SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _user_id(request):
    """The signed-in user's id, only if already known: logging never costs a query."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is not None and wrapped is not empty:
        return getattr(wrapped, "pk", None)
    session = getattr(request, "session", None)
    cache = getattr(session, "_session_cache", None)
    if isinstance(cache, dict) and cache.get(SESSION_KEY):
        return cache[SESSION_KEY]
    return None


class RequestIdMiddleware:
    """Give the request an id, answer with it, and log one line when the answer is ready.

    First in MIDDLEWARE: it sees every answer, redirects and static files included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            sentry = sys.modules.get("sentry_sdk")
            if sentry is not None:
                sentry.set_tag("request_id", request_id)
            response = self.get_response(request)
            response[HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.info(
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "user_id": _user_id(request),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            _request_id.reset(token)
