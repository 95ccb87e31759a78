"""Django's Redis cache, tolerant of Redis being away.

Django's `RedisCache` lets redis-py's connection and timeout errors through, so a Redis
restart would turn every page that touches the cache (sessions, allauth's rate limits) into
a 500. Here each operation that fails that way is logged and answered as a cache that holds
nothing: reads miss, writes are dropped. Sessions live in the database too
(`cached_db`), so nobody is logged out; rate limits count nothing while Redis is away.

`add()` answers True when Redis is away (as if the key had been stored): allauth takes it
as "lock acquired" for its rate-limit counters and "code not used before" for TOTP codes,
so logins keep working instead of waiting on a lock that can never be taken.

After a failure Redis is left alone for RETRY_SECONDS: the operations in between answer at
once, without a connection attempt each (a Redis that hangs instead of refusing would
otherwise cost every operation its socket timeout). The outage is logged once when it
starts and once when Redis answers again (`make drill` found some 500 warnings for 20
seconds of Redis away, one per operation).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
# Per Redis address (every thread of the process has its own cache object): until when it
# is not tried again. Absent: Redis answered last time.
_outages: dict[str, float] = {}
_MISSING = object()


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, OSError)


class TolerantRedisCache(RedisCache):
    """`RedisCache` that degrades to a cache holding nothing when Redis is unreachable."""

    def _tolerate(self, operation: str, fallback, call, *args, **kwargs):
        address = str(self._servers)
        until = _outages.get(address)
        if until is not None and time.monotonic() < until:
            return fallback
        try:
            result = call(*args, **kwargs)
        except _redis_errors() as exc:
            if until is None:
                logger.warning(
                    "Redis cache unavailable during %s: %s (cache off, tried again every %g s)",
                    operation,
                    exc,
                    RETRY_SECONDS,
                )
            _outages[address] = time.monotonic() + RETRY_SECONDS
            return fallback
        if until is not None and _outages.pop(address, None) is not None:
            logger.warning("Redis cache reachable again")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate("add", True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._tolerate("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._tolerate("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._tolerate("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._tolerate("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._tolerate("incr", _MISSING, super().incr, key, delta, version)
        if value is _MISSING:
            # What Django answers for a key that is not there: callers already handle it.
            raise ValueError(f"Key {key!r} not found (cache unavailable).")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Nothing was stored: Django's contract is to return the keys that failed.
        return self._tolerate("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._tolerate("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._tolerate("clear", False, super().clear)
