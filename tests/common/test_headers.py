"""Permissions-Policy on every response: nothing powerful but security keys and passkeys."""

import pytest
from django.test import Client

from common.headers import permissions_policy

EXPECTED = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "publickey-credentials-get=(self), publickey-credentials-create=(self)"
)


@pytest.mark.parametrize(
    "path", ["/", "/en/", "/healthz", "/pagina-che-non-esiste/", "/robots.txt"]
)
def test_every_page_has_the_permissions_policy(client, db, path):
    assert client.get(path)["Permissions-Policy"] == EXPECTED


def test_https_redirects_have_it_too(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/")
    assert response.status_code == 301
    assert response["Permissions-Policy"] == EXPECTED


def test_origins_are_quoted_and_keywords_are_not():
    policy = {"fullscreen": ["self", "https://video.example"], "camera": []}
    assert permissions_policy(policy) == 'fullscreen=(self "https://video.example"), camera=()'
