"""The storage switch: STORAGE_BACKEND picks the filesystem or S3-compatible object storage
for both the public ("default") and the private storage."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from storages.backends.s3 import S3Storage

from common.private_files import PrivateFileSystemStorage, private_storage
from distretto.settings import file_storages
from tests.distretto.test_settings import run_manage

S3_ENV = {
    "STORAGE_BACKEND": "s3",
    "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "S3_ACCESS_KEY_ID": "distretto",
    "S3_SECRET_ACCESS_KEY": "segreto",
    "S3_PUBLIC_BUCKET": "distretto-public",
    "S3_PRIVATE_BUCKET": "distretto-private",
}


@pytest.mark.parametrize(
    "environ", [{}, {"STORAGE_BACKEND": ""}, {"STORAGE_BACKEND": "filesystem"}]
)
def test_the_filesystem_is_the_embedded_default(environ):
    chosen = file_storages(environ)
    assert chosen["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert chosen["private"]["BACKEND"] == "common.private_files.PrivateFileSystemStorage"


def test_the_filesystem_storages_are_media_root_and_private_media_root(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, **file_storages({})}
    public, private = storages["default"], storages["private"]
    assert type(public) is FileSystemStorage
    assert isinstance(private, PrivateFileSystemStorage)
    assert public.location == str(tmp_path / "media")
    assert private.location == str(tmp_path / "private-media")
    assert private_storage().location == private.location


def test_s3_gives_a_public_bucket_with_plain_urls_and_a_private_one_with_signed_urls():
    chosen = file_storages(S3_ENV)
    public, private = chosen["default"], chosen["private"]
    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["bucket_name"] == "distretto-public"
    assert private["OPTIONS"]["bucket_name"] == "distretto-private"
    assert public["OPTIONS"]["querystring_auth"] is False
    assert private["OPTIONS"]["querystring_auth"] is True
    assert private["OPTIONS"]["querystring_expire"] <= 300
    for options in (public["OPTIONS"], private["OPTIONS"]):
        assert options["endpoint_url"] == "http://127.0.0.1:9000"
        assert options["region_name"] == "us-east-1"
        assert options["access_key"] == "distretto"
        assert options["secret_key"] == "segreto"
        assert options["file_overwrite"] is False


def test_s3_region_and_backend_name_come_from_the_environment():
    chosen = file_storages(S3_ENV | {"STORAGE_BACKEND": " S3 ", "S3_REGION": "eu-south-1"})
    assert chosen["private"]["OPTIONS"]["region_name"] == "eu-south-1"


def test_the_s3_settings_build_s3_storages(settings):
    settings.STORAGES = {**settings.STORAGES, **file_storages(S3_ENV)}
    public, private = storages["default"], storages["private"]
    assert isinstance(public, S3Storage) and isinstance(private, S3Storage)
    assert (public.bucket_name, public.querystring_auth) == ("distretto-public", False)
    assert (private.bucket_name, private.querystring_auth) == ("distretto-private", True)
    # Model fields follow the switch: their storage is looked up, not frozen at import.
    from meetings.models import Meeting

    assert Meeting._meta.get_field("minutes_file").storage.bucket_name == "distretto-private"


@pytest.mark.parametrize("missing", ["S3_PUBLIC_BUCKET", "S3_PRIVATE_BUCKET"])
def test_s3_without_a_bucket_is_refused_with_the_variable_to_set(missing):
    with pytest.raises(ImproperlyConfigured, match=missing):
        file_storages({key: value for key, value in S3_ENV.items() if key != missing})


def test_an_unknown_backend_is_refused():
    with pytest.raises(ImproperlyConfigured, match="filesystem or s3"):
        file_storages({"STORAGE_BACKEND": "ftp"})


def test_private_files_inside_media_root_are_refused_at_start(tmp_path):
    result = run_manage(
        "check",
        env_overrides={
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "media" / "private"),
        },
    )
    assert result.returncode != 0
    assert "PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT" in result.stderr


def test_with_s3_the_public_bucket_may_show_images_under_the_csp(tmp_path):
    script = "from django.conf import settings; print(settings.SECURE_CSP['img-src'])"
    result = run_manage("shell", "-c", script, env_overrides=S3_ENV)
    assert result.returncode == 0, result.stderr
    assert "'http://127.0.0.1:9000'" in result.stdout
