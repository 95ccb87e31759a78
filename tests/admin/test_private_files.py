"""The back office shows private files through the views that check access, never by a
storage address, and its saves and deletions clean the private storage."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agreements.models import Agreement
from common.private_files import private_storage
from meetings.models import Meeting
from tests import factories
from tests.admin import builders
from tests.admin.form_data import page_data

PDF = factories.pdf_bytes()


def pdf(name="verbale.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def meeting(org_a):
    return factories.make_meeting(minutes_file=pdf())


@pytest.fixture
def agreement(db):
    agreement = factories.make_agreement(slug="accordo-riservato", document_is_public=False)
    agreement.document = pdf("firmato.pdf")
    agreement.save()
    return agreement


def test_the_meeting_page_links_the_minutes_through_the_access_checked_view(
    coordinator_client, meeting
):
    response = coordinator_client.get(builders.admin_url(Meeting, "change", meeting.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/incontri/{meeting.pk}/verbale.pdf"' in html
    assert "/media/" not in html
    download = coordinator_client.get(f"/incontri/{meeting.pk}/verbale.pdf")
    assert b"".join(download.streaming_content) == PDF
    # The same link is nothing for someone without the right.
    assert Client().get(f"/incontri/{meeting.pk}/verbale.pdf").status_code == 302


def test_the_agreement_page_links_the_document_through_the_access_checked_view(
    coordinator_client, agreement
):
    response = coordinator_client.get(builders.admin_url(Agreement, "change", agreement.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/accordi/accordo-riservato/documento.pdf"' in html
    assert "/media/" not in html
    download = coordinator_client.get("/accordi/accordo-riservato/documento.pdf")
    assert b"".join(download.streaming_content) == PDF
    assert Client().get("/accordi/accordo-riservato/documento.pdf").status_code == 404


def test_the_add_pages_show_an_empty_file_input(coordinator_client):
    for model in (Meeting, Agreement):
        assert coordinator_client.get(builders.admin_url(model, "add")).status_code == 200


def test_new_minutes_uploaded_in_the_admin_replace_the_old_file(
    coordinator_client, meeting, django_capture_on_commit_callbacks
):
    url = builders.admin_url(Meeting, "change", meeting.pk)
    old = meeting.minutes_file.name
    data = page_data(coordinator_client.get(url)) | {"minutes_file": pdf("nuovo.pdf")}
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_file.name != old
    assert private_storage().exists(meeting.minutes_file.name)
    assert not private_storage().exists(old)


def test_clearing_the_document_in_the_admin_removes_the_file(
    coordinator_client, agreement, django_capture_on_commit_callbacks
):
    url = builders.admin_url(Agreement, "change", agreement.pk)
    old = agreement.document.name
    data = page_data(coordinator_client.get(url)) | {"document-clear": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert not agreement.document
    assert not private_storage().exists(old)


def test_deleting_a_meeting_in_the_admin_removes_its_minutes(
    coordinator_client, meeting, django_capture_on_commit_callbacks
):
    name = meeting.minutes_file.name
    url = builders.admin_url(Meeting, "delete", meeting.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not private_storage().exists(name)


def test_a_logo_replaced_in_the_admin_leaves_the_public_storage(
    coordinator_client, org_a, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from partners.models import Organization

    org_a.logo.save("logo.png", SimpleUploadedFile("logo.png", b"png"), save=True)
    old = org_a.logo.name
    url = builders.admin_url(Organization, "change", org_a.pk)
    data = page_data(coordinator_client.get(url)) | {"logo-clear": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not default_storage.exists(old)
