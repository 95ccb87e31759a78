"""Uploads through the back office are judged by content and size, like the partner area's."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation

from agreements.models import Agreement
from common.admin_helpers import PdfUploadField
from common.uploads import ImageUploadField, validate_pdf_upload
from meetings.models import Meeting
from partners.models import Organization
from services.models import WelfareService
from tests import factories
from tests.admin import builders


@pytest.mark.parametrize(
    ("model", "field", "field_class"),
    [
        (Organization, "logo", ImageUploadField),
        (WelfareService, "image", ImageUploadField),
        (Agreement, "document", PdfUploadField),
        (Meeting, "minutes_file", PdfUploadField),
    ],
)
def test_admin_forms_check_uploaded_files(coordinator, model, field, field_class):
    request = RequestFactory().get("/admin/")
    request.user = coordinator
    form_class = admin.site.get_model_admin(model).get_form(request)
    assert isinstance(form_class.base_fields[field], field_class)


def agreement_data(document):
    return {
        "kind": Agreement.Kind.AREA,
        "title": "Accordo volontario di area 2026",
        "slug": "accordo-2026",
        "summary": "",
        "predecessor": "",
        "signed_on": "2026-03-19",
        "signed_on_precision": "day",
        "valid_from": "",
        "valid_until": "",
        "is_public": "on",
        "document_is_public": "on",
        "document": document,
        "signatures-TOTAL_FORMS": "0",
        "signatures-INITIAL_FORMS": "0",
    }


def test_a_signed_pdf_is_stored_under_a_random_name(coordinator_client):
    pdf = SimpleUploadedFile("firmato da Rossi.pdf", factories.pdf_bytes(), "application/pdf")
    response = coordinator_client.post(builders.admin_url(Agreement, "add"), agreement_data(pdf))
    assert response.status_code == 302
    document = Agreement.objects.get(slug="accordo-2026").document
    assert document.name.startswith("agreements/")
    assert document.name.endswith(".pdf")
    assert "Rossi" not in document.name


def test_a_file_that_is_not_a_pdf_is_refused_with_a_message(coordinator_client):
    fake = SimpleUploadedFile("accordo.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    response = coordinator_client.post(builders.admin_url(Agreement, "add"), agreement_data(fake))
    assert response.status_code == 200
    assert "document" in response.context["adminform"].form.errors
    assert not Agreement.objects.exists()


def test_an_oversized_pdf_is_refused(coordinator_client, settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 10
    pdf = SimpleUploadedFile("accordo.pdf", factories.pdf_bytes(), "application/pdf")
    response = coordinator_client.post(builders.admin_url(Agreement, "add"), agreement_data(pdf))
    assert response.status_code == 200
    assert "document" in response.context["adminform"].form.errors


NOT_A_PDF = "The file is not a PDF document, or it is damaged and cannot be opened."


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            b"%PDF-1.7\n<html><script>alert(1)</script></html>\n", id="pdf-header-then-html"
        ),
        pytest.param(b"%PDF-1.4\n%%EOF\n", id="header-and-eof-only"),
        pytest.param(factories.pdf_bytes()[:200], id="truncated"),
        pytest.param(b"", id="empty"),
    ],
)
def test_a_file_that_does_not_open_as_a_pdf_is_refused(coordinator_client, content):
    fake = SimpleUploadedFile("accordo.pdf", content, "application/pdf")
    response = coordinator_client.post(builders.admin_url(Agreement, "add"), agreement_data(fake))
    assert response.status_code == 200
    assert "document" in response.context["adminform"].form.errors
    assert not Agreement.objects.exists()


def test_the_pdf_check_opens_the_document():
    validate_pdf_upload(SimpleUploadedFile("a.pdf", factories.pdf_bytes(pages=2)))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_pdf_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.7\n<html></html>"))
    assert error.value.code == "document_not_pdf"
    with translation.override("en"):
        assert NOT_A_PDF in error.value.messages[0]


def test_a_password_protected_pdf_is_refused_with_its_own_message():
    locked = SimpleUploadedFile("a.pdf", factories.pdf_bytes(password="segreto"))
    with pytest.raises(ValidationError) as error:
        validate_pdf_upload(locked)
    assert error.value.code == "document_encrypted"


def test_the_pdf_check_leaves_the_file_ready_to_be_stored():
    content = factories.pdf_bytes()
    uploaded = SimpleUploadedFile("a.pdf", content)
    validate_pdf_upload(uploaded)
    assert uploaded.read() == content
