"""Whole pages for visitors, and figures that are dear to compute, kept in the cache.

Every key holds the *public version*, a number that changes whenever something visitors
could see changes (a service published, archived or edited, an organisation suspended or
reactivated, an eligibility changed...): `bump_public_version()` is called once the
transaction that wrote it commits (distretto.apps connects it to the models' signals), and
from then on every page is built afresh. Nothing is ever stale for longer than the commit;
old entries simply expire.

- `cache_public_page`: a view decorator. A request from a visitor without a session or a
  pending message (so nothing in the page is about them) gets the page cached for its
  language, path and query string; the middleware still runs on every response (security
  headers, request id). Responses that set a cookie, use a CSRF token or are not a plain 200
  are never cached.
- `cached(key_parts, compute)`: any value (a count, a list of choices) under the version.

The version starts at the clock's nanoseconds, so that a cache that lost the key (eviction,
Redis restarted) can never come back to a version whose old pages are still stored.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

VERSION_KEY = "public:version"
PAGE_TIMEOUT = 10 * 60
VALUE_TIMEOUT = 10 * 60
# Response headers worth keeping with a page (the middleware adds the others each time).
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")


# The version read by the request being served: asked of the cache once per request (and
# every time outside requests: a worker or a command never keeps it).
_seen = Local()


def _request_started(**_signal_arguments) -> None:
    _seen.version, _seen.in_request = None, True


def _request_finished(**_signal_arguments) -> None:
    _seen.version, _seen.in_request = None, False


request_started.connect(_request_started, dispatch_uid="common.page_cache.request_started")
request_finished.connect(_request_finished, dispatch_uid="common.page_cache.request_finished")


def public_version() -> int:
    version = getattr(_seen, "version", None)
    if version is not None and getattr(_seen, "in_request", False):
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    _seen.version = version
    return version


def _bump() -> None:
    _seen.version = None
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or the cache is away): start a new one
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def bump_public_version(**_signal_arguments) -> None:
    """Make every cached page and value out of date, now and once the transaction commits.

    Now, so that the writer's own next page shows the change (and tests, which never
    commit); again on commit, so that a page built by another request from the data before
    the commit, and stored under the version of the first bump, is never served.
    """
    _bump()
    transaction.on_commit(_bump)


def _digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]


def cached(key_parts: tuple, compute: Callable, *, timeout: int = VALUE_TIMEOUT, version=None):
    """`compute()`, or its value stored under `key_parts` for the current public version.

    The key also holds the day (what is available, ended or expired changes at midnight) and
    the active language (labels, choices and names are in it).
    """
    version = public_version() if version is None else version
    key = f"public:value:{_digest(version, timezone.localdate(), get_language(), *key_parts)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


class CachedCountPaginator(Paginator):
    """A paginator whose total (a COUNT over every matching row) comes from the cache.

    `count_key` must say everything the count depends on (who sees what, the filters): the
    public version is added to it.
    """

    def __init__(self, object_list, per_page, *, count_key: tuple, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return cached(("count", *self.count_key), self.object_list.count)


def content_cache_key(request, visibility: str) -> str:
    """The key of a page's main content for a signed-in person (base.html's `content` block,
    through the `cached_content` tag), or "" for visitors (their whole page is cached).

    Only for pages whose content depends on nothing about the person but what they may see
    (`visibility`, services.rules.visibility_key) and that they are signed in: the
    catalogue, the home page, a partner's page. The header (their name, the logout form and
    its CSRF token) is rendered afresh each time.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.method not in ("GET", "HEAD"):
        return ""
    return "public:content:" + _digest(
        public_version(),
        get_language(),
        timezone.localdate(),
        visibility,
        request.get_full_path(),
    )


class ChromeKeys:
    """The cache keys of the parts of every page around its content (`site` context processor).

    The header's language menu and main navigation, and the `hreflang` links, depend on the
    page's address and language only; the footer on the language, whether the person is
    signed in and the district's contacts. All carry the public version, which `migrate`
    also bumps, so that a new release never shows an older release's parts. None of them
    holds anything about the person, whose name, logout form and CSRF token are rendered
    afresh each time. Only for GET and HEAD; empty keys (render as usual) otherwise.
    """

    def __init__(self, request):
        self.request = request
        self._found = None

    def fragment(self, key: str, render: Callable[[], str], *, also: str = "") -> str:
        """`render()`, or the text stored under `key`. The first call reads every part of
        the page (and `also`, its content) in one trip to the cache, except what the view
        has already read (`content_facts`)."""
        if key and self._found is None:
            self._found = dict(getattr(self.request, "_page_cache_found", {}))
            parts = (self.alternates, self.languages, self.navigation, self.footer, also)
            self._found |= cache.get_many([p for p in parts if p and p not in self._found])
        return cached_fragment(key, render, found=self._found)

    @cached_property
    def _place(self) -> tuple:
        request = self.request
        if request is None or request.method not in ("GET", "HEAD"):
            return ()
        return (public_version(), get_language(), request.get_full_path())

    def _key(self, part: str, *more) -> str:
        if not self._place:
            return ""
        return f"public:chrome:{part}:" + _digest(*self._place, *more)

    @property
    def alternates(self) -> str:
        return self._key("alternates")

    @property
    def languages(self) -> str:
        return self._key("languages")

    @property
    def navigation(self) -> str:
        return self._key("navigation")

    @property
    def footer(self) -> str:
        if not self._place:
            return ""
        user = getattr(self.request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        return "public:chrome:footer:" + _digest(public_version(), get_language(), signed_in)


def content_facts(request, key: str) -> dict | None:
    """What a page needs besides its cached content (its title's page number...), stored by
    `keep_content_facts` next to the content under `key`; None when either is missing, and
    the page must be built in full. The content read here is kept on the request for the
    template (ChromeKeys.fragment), which does not read it again."""
    if not key:
        return None
    found = cache.get_many([key, key + ":facts"])
    request._page_cache_found = found
    if key not in found or key + ":facts" not in found:
        return None
    return found[key + ":facts"]


def keep_content_facts(key: str, facts: dict, *, timeout: int = PAGE_TIMEOUT) -> None:
    if key:
        cache.set(key + ":facts", facts, timeout)


def cached_fragment(
    key: str, render: Callable[[], str], *, found: dict | None = None, timeout: int = PAGE_TIMEOUT
) -> str:
    """`render()`, or the text stored under `key` (from `content_cache_key`). `found`: what
    was already read from the cache for this page (and where a fresh rendering is noted)."""
    if not key:
        return render()
    text = found.get(key) if found is not None else cache.get(key)
    if text is None:
        text = render()
        cache.set(key, text, timeout)
        if found is not None:
            found[key] = text
    return text


def _is_anonymous_visit(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _is_cacheable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
    )


def cache_public_page(view=None, *, everyone: bool = False, timeout: int = PAGE_TIMEOUT):
    """Cache the page for visitors (see the module's docstring).

    `everyone=True`: the page says nothing about who asks (a sitemap), so it is cached and
    served from the cache for signed-in people too.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not (everyone and request.method in ("GET", "HEAD")) and not _is_anonymous_visit(
                request
            ):
                return view(request, *args, **kwargs)
            key = "public:page:" + _digest(
                public_version(),
                get_language(),
                timezone.localdate(),
                request.get_full_path(),
            )
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                response = HttpResponse(content)
                for name, value in headers.items():
                    response[name] = value
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _is_cacheable(request, response):
                headers = {name: response[name] for name in KEPT_HEADERS if name in response}
                cache.set(key, (response.content, headers), timeout)
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator if view is None else decorator(view)
