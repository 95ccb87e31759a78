"""Log records as one JSON object per line, and the request id on every record.

Production logs go to stderr as JSON (LOG_FORMAT=json, see settings.LOGGING): one line per
event, a traceback included as the `exception` field of its event rather than as many lines,
so that journald or a log collector keeps an error in one piece. The request id of the
request being served (common.request_id) is on every record, whichever logger wrote it.
"""

import json
import logging
from datetime import UTC, datetime

from common.request_id import current_request_id

# Attributes every LogRecord has: anything else was passed with `extra=` and is logged too.
_STANDARD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "request_id", "taskName"}
    # Django's own extra: the request object (its method and path are on the request line).
    | {"request"}
)


class RequestIdFilter(logging.Filter):
    """Put the current request's id (or "-" outside a request) on the record.

    Django logs a 4xx/5xx answer ("Not Found: /x") after the middleware has finished, with
    the request in `extra`: the id is then read from the request itself.
    """

    def filter(self, record):
        if not getattr(record, "request_id", None):
            request_id = getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = request_id or current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, extras, exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
