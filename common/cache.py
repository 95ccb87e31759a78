"""Django's Redis cache, tolerant of Redis being away.

Django's `RedisCache` lets redis-py's connection and timeout errors through, so a Redis
restart would turn every page that touches the cache (sessions, allauth's rate limits) into
a 500. Here each operation that fails that way is logged and answered as a cache that holds
nothing: reads miss, writes are dropped. Sessions live in the database too
(`cached_db`), so nobody is logged out; rate limits count nothing while Redis is away.

`add()` answers True when Redis is away (as if the key had been stored): allauth takes it
as "lock acquired" for its rate-limit counters and "code not used before" for TOTP codes,
so logins keep working instead of waiting on a lock that can never be taken.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, OSError)


class TolerantRedisCache(RedisCache):
    """`RedisCache` that degrades to a cache holding nothing when Redis is unreachable."""

    def _tolerate(self, operation: str, fallback, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except _redis_errors() as exc:
            logger.warning("Redis cache unavailable during %s: %s", operation, exc)
            return fallback

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
        try:
            return super().incr(key, delta, version)
        except _redis_errors() as exc:
            logger.warning("Redis cache unavailable during incr: %s", exc)
            # What Django answers for a key that is not there: callers already handle it.
            raise ValueError(f"Key {key!r} not found (cache unavailable).") from exc

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Nothing was stored: Django's contract is to return the keys that failed.
        return self._tolerate("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._tolerate("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._tolerate("clear", False, super().clear)
