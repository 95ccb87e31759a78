"""The Redis cache of the stack: a Redis restart costs cache misses, never a 500 or a logout."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from common import cache as cache_module
from common.cache import TolerantRedisCache
from tests import factories


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tolerant_cache(port: int) -> TolerantRedisCache:
    return TolerantRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )


@pytest.fixture
def redis_away(settings):
    """Settings as in the stack, with Redis on a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert isinstance(caches["default"], TolerantRedisCache)


def test_an_unreachable_redis_answers_like_an_empty_cache(caplog):
    cache = tolerant_cache(free_port())
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        assert cache.get("key", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("key") is False
        assert cache.set("key", 1) is None
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.delete("key") is False
        assert cache.touch("key") is False
        cache.delete_many(["a"])
        cache.clear()
    assert "Redis cache unavailable during get" in caplog.text


def test_add_succeeds_when_redis_is_away_so_allauth_locks_do_not_wait():
    # allauth's rate-limit lock loops on add() for a second: True lets the login go on.
    assert tolerant_cache(free_port()).add("lock", True) is True


def test_incr_without_redis_is_a_missing_key():
    with pytest.raises(ValueError):
        tolerant_cache(free_port()).incr("counter")


@pytest.mark.django_db
def test_pages_and_logins_work_while_redis_is_away(client, redis_away, caplog):
    user = factories.make_user("persona@example.org")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("account_login")).status_code == 200
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    # The session was kept in the database: the next page knows who this is.
    profile = client.get(reverse("account:profile"))
    assert profile.status_code == 200
    assert profile.wsgi_request.user == user
    assert "Redis cache unavailable" in caplog.text


@pytest.fixture
def redis_server(tmp_path):
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    cache = tolerant_cache(port)
    for _ in range(100):
        try:
            cache._cache.get_client().ping()
            break
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.05)
    yield process, port
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.django_db
def test_a_session_outlives_a_redis_restart(client, settings, redis_server):
    process, port = redis_server
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache = caches["default"]
    cache.set("greeting", "ciao")
    assert cache.get("greeting") == "ciao"
    user = factories.make_user("persona@example.org")
    client.force_login(user)
    cache.clear()  # what a Redis restart without persistence leaves
    assert client.get(reverse("account:profile")).wsgi_request.user == user


@pytest.fixture(autouse=True)
def no_outage_remembered():
    cache_module._outages.clear()
    yield
    cache_module._outages.clear()


def test_an_outage_is_logged_once_and_redis_is_left_alone_for_a_moment(caplog):
    """`make drill`: 20 s of Redis away wrote one warning per cache operation (over 500)."""
    cache = tolerant_cache(free_port())
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        assert cache.get("a") is None
        client_calls = []
        original = cache._cache.get
        cache._cache.get = lambda *args: client_calls.append(args) or original(*args)
        for _ in range(50):
            assert cache.get("a", "default") == "default"
            assert cache.add("lock", True) is True
    # No connection attempt while Redis is left alone, and one line in the log.
    assert client_calls == []
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1


def test_redis_is_tried_again_after_the_pause_and_its_return_is_logged(
    redis_server, caplog, monkeypatch
):
    _, port = redis_server
    cache = tolerant_cache(port)
    address = str(cache._servers)
    clock = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    cache_module._outages[address] = clock[0] + cache_module.RETRY_SECONDS
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        assert cache.set("greeting", "ciao") is None  # not tried: still left alone
        assert cache.get("greeting") is None
        clock[0] += cache_module.RETRY_SECONDS + 0.1
        cache.set("greeting", "ciao")
        assert cache.get("greeting") == "ciao"
    assert address not in cache_module._outages
    assert "Redis cache reachable again" in caplog.text
