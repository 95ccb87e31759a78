import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # These tests create hundreds of accounts; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client
