"""Images are judged by their content: type, size and name come from what the file really is."""

import re

import pytest
from django.urls import reverse

from common.uploads import validate_image_upload
from services.models import WelfareService
from tests.area.helpers import en, image_bytes, service_data, upload

HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def client_a(client, referent_a):
    client.force_login(referent_a)
    return client


def media_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP"])
def test_a_real_image_is_stored_under_a_random_name(client_a, category, settings, image_format):
    extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[image_format]
    image = upload("La mia foto.jpeg", image_bytes(image_format), "application/octet-stream")
    data = service_data(category, image=image, image_alt="Bambini che giocano in un prato")
    response = client_a.post(reverse("area:service-create"), data)
    assert response.status_code == 302
    service = WelfareService.objects.get()
    assert re.fullmatch(rf"services/[0-9a-f]{{32}}\.{extension}", service.image.name)
    assert len(media_files(settings)) == 1


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("foto.jpg", b"This is a text file, not a picture." * 20, "image/jpeg"),
        ("pagina.html", HTML, "text/html"),
        ("pagina.jpg", HTML, "image/jpeg"),
        ("animazione.gif", image_bytes("GIF"), "image/gif"),
        ("vuoto.png", b"", "image/png"),
    ],
)
def test_files_that_are_not_allowed_images_are_rejected(
    client_a, category, settings, name, content, content_type
):
    data = service_data(category, image=upload(name, content, content_type), image_alt="Foto")
    response = client_a.post(en("area:service-create"), data)
    assert response.status_code == 200
    assert "image" in response.context["form"].errors
    assert not WelfareService.objects.exists()
    assert media_files(settings) == []


def test_the_rejection_says_what_to_upload(client_a, category):
    data = service_data(category, image=upload("x.jpg", HTML, "image/jpeg"), image_alt="Foto")
    response = client_a.post(en("area:service-create"), data)
    assert "not an image in JPEG, PNG or WebP format" in response.content.decode()


def test_an_image_over_the_limit_is_rejected(client_a, category, settings):
    big = image_bytes("PNG", size=(1000, 800), noise=True)
    assert len(big) > settings.MAX_IMAGE_UPLOAD_BYTES
    data = service_data(category, image=upload("grande.png", big), image_alt="Foto")
    response = client_a.post(en("area:service-create"), data)
    assert response.status_code == 200
    assert "the limit is 2.0\xa0MB" in response.context["form"].errors["image"][0]
    assert not WelfareService.objects.exists()
    assert media_files(settings) == []


def test_the_limit_comes_from_the_settings(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    with pytest.raises(Exception, match="limit"):
        validate_image_upload(upload("a.png", image_bytes(size=(200, 200), noise=True)))


def test_an_image_needs_a_description(client_a, category):
    response = client_a.post(
        reverse("area:service-create"), service_data(category, image=upload(), image_alt="")
    )
    assert "image_alt" in response.context["form"].errors
    assert not WelfareService.objects.exists()


def test_replacing_the_image_removes_the_old_file(
    client_a, draft_a, settings, django_capture_on_commit_callbacks
):
    url = reverse("area:service-edit", kwargs={"slug": draft_a.slug})
    data = service_data(draft_a.category, image_alt="Il nido")
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(url, {**data, "image": upload()})
    first = WelfareService.objects.get(pk=draft_a.pk).image.name
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(url, {**data, "image": upload("nuova.png")})
    second = WelfareService.objects.get(pk=draft_a.pk).image.name
    assert first != second
    assert [p.name for p in media_files(settings)] == [second.split("/")[-1]]


def test_the_image_can_be_removed(client_a, draft_a, settings, django_capture_on_commit_callbacks):
    url = reverse("area:service-edit", kwargs={"slug": draft_a.slug})
    data = service_data(draft_a.category, image_alt="Il nido")
    client_a.post(url, {**data, "image": upload()})
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(url, {**data, "image-clear": "on"})
    assert not WelfareService.objects.get(pk=draft_a.pk).image
    assert media_files(settings) == []


def test_a_rejected_logo_leaves_the_profile_unchanged(client_a, org_a, settings):
    response = client_a.post(
        en("area:organization-edit"),
        {"description": "Nuova descrizione", "logo": upload("logo.png", HTML, "image/png")},
    )
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    org_a.refresh_from_db()
    assert org_a.description == ""
    assert not org_a.logo
    assert media_files(settings) == []


def test_a_valid_logo_is_stored_under_a_random_name(client_a, org_a):
    response = client_a.post(
        reverse("area:organization-edit"),
        {"logo": upload("logo aziendale.webp", image_bytes("WEBP"))},
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.webp", org_a.logo.name)
