"""Refuse, before any view runs, input that the database cannot store.

PostgreSQL text can hold neither the NUL character nor the halves of a UTF-16 surrogate pair
(psycopg refuses them while sending the query): a view that filtered or saved such a value
would fail with a server error on PostgreSQL (SQLite just stores it). Browsers never send
them, nor percent-escapes of bytes that are not UTF-8, so a request carrying any of them in
its path, its query string or its form fields (names and values, not the contents of
uploaded files) gets a 400 page of ours (distretto.views.bad_request) and goes no further.
Bytes of the path that are not UTF-8 need no check: Django turns them back into `%XX`.
"""

import re
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest

# NUL and lone surrogates: what PostgreSQL text (or its UTF-8 encoding) cannot hold.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def is_storable(text: str) -> bool:
    """Whether PostgreSQL can store `text` in a text column."""
    return not UNSTORABLE.search(text)


def _wsgi_bytes(value: str) -> bytes | None:
    """The bytes behind a WSGI string (decoded as ISO-8859-1); None if it is real text."""
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:
        return None


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def is_clean_query(raw: str) -> bool:
    """Whether every name and value of a url-encoded string decodes to storable UTF-8 text.

    Django decodes broken escapes to replacement characters: the raw string is looked at
    here so that `%C0%AF` or an encoded surrogate (`%ED%A0%80`) is refused, not guessed at.
    """
    encoded = _wsgi_bytes(raw)
    if encoded is None:
        return is_storable(raw)
    for pair in encoded.split(b"&"):
        for part in pair.split(b"=", 1):
            decoded = unquote_to_bytes(part.replace(b"+", b" "))
            if not _is_utf8(decoded) or b"\x00" in decoded:
                return False
    return True


def _is_clean_form(request) -> bool:
    if request.content_type == FORM_CONTENT_TYPE and not is_clean_query(
        request.body.decode("iso-8859-1")
    ):
        return False
    for name, values in request.POST.lists():
        if not is_storable(name) or not all(is_storable(value) for value in values):
            return False
    for name, files in request.FILES.lists():
        if not is_storable(name) or not all(is_storable(file.name or "") for file in files):
            return False
    return True


class UnstorableInputMiddleware:
    """Answer 400 to a request whose path, query string or form holds unstorable text.

    Put it after the authentication and message middleware (the 400 page shows the usual
    header) and before any middleware that reads the form for a view. A session cookie that
    cannot be a session key counts as no session at all, rather than a query that fails.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and not is_storable(session.session_key or ""):
            request.session = type(session)()
        # Django has already turned bytes of the path that are not UTF-8 back into %XX.
        if not is_storable(request.path_info):
            raise BadRequest("The address holds characters that cannot be stored.")
        if not is_clean_query(request.META.get("QUERY_STRING", "")):
            raise BadRequest("The query string holds characters that cannot be stored.")
        if request.method == "POST" and not _is_clean_form(request):
            raise BadRequest("The form holds characters that cannot be stored.")
        return self.get_response(request)
