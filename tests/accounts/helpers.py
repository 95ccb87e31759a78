"""Small helpers for the account tests: links in mails, the sign-up flow."""

import quopri
import re

from django.core import mail

from tests.factories import PASSWORD

LINK = re.compile(r"https?://[^\s\"'<>]+")


def mail_body(message) -> str:
    body = message.body
    if "=\n" in body or "=3D" in body:
        body = quopri.decodestring(body.encode()).decode()
    return body


def links_in(message) -> list[str]:
    return LINK.findall(mail_body(message))


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def confirmation_path(message) -> str:
    return next(path_of(link) for link in links_in(message) if "/confirm-email/" in link)


def sign_up(client, email, password=PASSWORD, prefix=""):
    return client.post(
        f"{prefix}/account/signup/",
        {"email": email, "password1": password, "password2": password},
    )


def sign_up_and_confirm(client, email):
    """Sign up through allauth and confirm the address with the link from the mail."""
    before = len(mail.outbox)
    response = sign_up(client, email)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(mail.outbox) == before + 1
    path = confirmation_path(mail.outbox[-1])
    response = client.post(path)
    assert response.status_code == 302
    return response
