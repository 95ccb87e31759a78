"""The S3 path for real: uploads, access-checked downloads and deletions against a local
S3-compatible server (moto's server mode, installed with the dev extras)."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from distretto.settings import file_storages
from meetings.actions import meeting_update
from tests import factories

PDF = factories.pdf_bytes()
PUBLIC_BUCKET, PRIVATE_BUCKET = "distretto-public", "distretto-private"


def _moto_server() -> str | None:
    beside_python = Path(sys.executable).with_name("moto_server")
    return str(beside_python) if beside_python.exists() else shutil.which("moto_server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """A moto S3 server on a free loopback port, with a public and a private bucket."""
    command = _moto_server()
    if command is None:
        pytest.skip("moto_server is not installed: pip install 'moto[server]' (dev extras)")
    import boto3

    port = _free_port()
    process = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start on port {port}")
                time.sleep(0.1)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
            client.create_bucket(Bucket=bucket)
        yield endpoint, client
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def on_s3(settings, s3_endpoint):
    """STORAGES as STORAGE_BACKEND=s3 makes them, pointed at the local server."""
    endpoint, client = s3_endpoint
    environ = {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_PUBLIC_BUCKET": PUBLIC_BUCKET,
        "S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
    }
    settings.STORAGES = {**settings.STORAGES, **file_storages(environ)}
    return client


def object_exists(client, bucket, key) -> bool:
    return "Contents" in client.list_objects_v2(Bucket=bucket, Prefix=key)


def fetch(url) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.read()


@pytest.fixture
def meeting_with_minutes(on_s3, org_a):
    group = factories.make_group(name="Sotto-gruppo riservato", slug="riservato")
    group.members.add(org_a)
    return factories.make_meeting(
        group, minutes_file=SimpleUploadedFile("verbale.pdf", PDF, "application/pdf")
    )


def minutes_url(meeting):
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("meetings:meeting-minutes", kwargs={"pk": meeting.pk})


def test_minutes_go_to_the_private_bucket_and_out_through_a_short_lived_signed_url(
    as_role, on_s3, meeting_with_minutes
):
    name = meeting_with_minutes.minutes_file.name
    assert object_exists(on_s3, PRIVATE_BUCKET, name)
    assert not object_exists(on_s3, PUBLIC_BUCKET, name)
    response = as_role("referent_a").get(minutes_url(meeting_with_minutes))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(on_s3.meta.endpoint_url + f"/{PRIVATE_BUCKET}/")
    query = parse_qs(urlparse(location).query)
    assert "X-Amz-Signature" in query
    assert int(query["X-Amz-Expires"][0]) <= 300
    assert "private" in response["Cache-Control"]
    assert fetch(location) == PDF


def test_those_without_the_right_get_no_signed_url(as_role, meeting_with_minutes):
    response = as_role("referent_b").get(minutes_url(meeting_with_minutes))
    assert response.status_code == 404
    assert "Location" not in response


def test_replaced_and_removed_minutes_leave_the_bucket(
    on_s3, meeting_with_minutes, coordinator, django_capture_on_commit_callbacks
):
    first = meeting_with_minutes.minutes_file.name
    new = SimpleUploadedFile("nuovo.pdf", PDF, "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=meeting_with_minutes, minutes_file=new, actor=coordinator)
    second = meeting_with_minutes.minutes_file.name
    assert not object_exists(on_s3, PRIVATE_BUCKET, first)
    assert object_exists(on_s3, PRIVATE_BUCKET, second)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_with_minutes.delete()
    assert not object_exists(on_s3, PRIVATE_BUCKET, second)


def test_minutes_missing_from_the_bucket_are_not_found(as_role, on_s3, meeting_with_minutes):
    on_s3.delete_object(Bucket=PRIVATE_BUCKET, Key=meeting_with_minutes.minutes_file.name)
    assert as_role("referent_a").get(minutes_url(meeting_with_minutes)).status_code == 404


def test_public_images_go_to_the_public_bucket_with_a_plain_url(
    on_s3, org_a, django_capture_on_commit_callbacks
):
    service = factories.make_service(org_a)
    service.image.save("foto.png", SimpleUploadedFile("foto.png", b"png"), save=True)
    url = service.image.url
    assert url == f"{on_s3.meta.endpoint_url}/{PUBLIC_BUCKET}/{service.image.name}"
    assert "Signature" not in url
    with django_capture_on_commit_callbacks(execute=True):
        service.delete()
    assert not object_exists(on_s3, PUBLIC_BUCKET, service.image.name)
