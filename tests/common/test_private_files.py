"""Private files (minutes, non-public agreement documents): stored apart from public uploads,
with no address of their own, handed out only by views that check who is asking."""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.static import serve

from agreements.actions import agreement_update
from agreements.models import Agreement
from common.private_files import PrivateURLRefused, private_storage, serve_private_file
from meetings.actions import meeting_update
from meetings.models import Meeting
from tests import factories

PDF = factories.pdf_bytes()


def pdf(name="documento.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def referents_meeting(org_a):
    """A meeting of a group only organisation A belongs to, with its signed minutes."""
    group = factories.make_group(name="Sotto-gruppo riservato", slug="riservato")
    group.members.add(org_a)
    return factories.make_meeting(group, minutes_file=pdf("verbale.pdf"))


@pytest.fixture
def private_agreement(org_a):
    """A public agreement signed by A whose signed document is not public."""
    agreement = factories.make_agreement(
        slug="accordo-riservato", document_is_public=False, signatories=[org_a]
    )
    agreement.document = pdf("firmato.pdf")
    agreement.save()
    return agreement


def minutes_url(meeting):
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("meetings:meeting-minutes", kwargs={"pk": meeting.pk})


def document_url(agreement):
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("agreements:agreement-document", kwargs={"slug": agreement.slug})


def body(response):
    content = b"".join(response.streaming_content)
    response.close()
    return content


def all_files(root) -> list[Path]:
    root = Path(root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- Where private files live -----------------------------------------------------------------


def test_minutes_meant_for_referents_have_no_address_under_media(client, referents_meeting):
    name = referents_meeting.minutes_file.name
    # Nothing was written where /media/ is served from; the file is in the private folder.
    assert all_files(settings.MEDIA_ROOT) == []
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes() == PDF
    # The private storage gives no address at all...
    with pytest.raises(PrivateURLRefused):
        referents_meeting.minutes_file.url  # noqa: B018
    # ...and /media/ (as the development server and nginx serve it) has no such file, by
    # its stored name or by any other spelling of it.
    media_url = "/" + settings.MEDIA_URL.lstrip("/")
    request = RequestFactory().get(f"{media_url}{name}")
    for path in [name, quote(name), f"./{name}"]:
        with pytest.raises(Http404):
            serve(request, path, document_root=settings.MEDIA_ROOT)
    assert client.get(f"{media_url}{name}").status_code == 404


def test_public_uploads_stay_in_the_public_storage_with_an_address(org_a):
    org_a.logo.save("logo.png", SimpleUploadedFile("logo.png", b"png"), save=True)
    assert org_a.logo.url == "/" + settings.MEDIA_URL.lstrip("/") + org_a.logo.name
    assert (Path(settings.MEDIA_ROOT) / org_a.logo.name).exists()
    assert all_files(settings.PRIVATE_MEDIA_ROOT) == []


def test_private_fields_use_the_private_storage_and_public_ones_the_default():
    assert Meeting._meta.get_field("minutes_file").storage is private_storage()
    assert Agreement._meta.get_field("document").storage is private_storage()
    # The migration names the callable, not whatever the environment chose.
    assert Meeting._meta.get_field("minutes_file").deconstruct()[3]["storage"] is private_storage
    from partners.models import Organization
    from services.models import WelfareService

    assert Organization._meta.get_field("logo").storage is default_storage
    assert WelfareService._meta.get_field("image").storage is default_storage


# --- Minutes: who may download them --------------------------------------------------------


def test_anonymous_visitors_get_the_login_page_not_the_minutes(client, referents_meeting):
    response = client.get(minutes_url(referents_meeting))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "role, status",
    [
        ("unaffiliated", 404),
        ("employee_a", 404),  # an employee of a member of the group, not a referent
        ("referent_b", 404),  # a referent of an organisation outside the group
    ],
)
def test_those_without_the_right_do_not_get_the_minutes(as_role, referents_meeting, role, status):
    response = as_role(role).get(minutes_url(referents_meeting))
    assert response.status_code == status
    assert PDF not in response.content


@pytest.mark.parametrize("role", ["referent_a", "coordinator"])
def test_a_referent_of_a_member_and_the_coordinator_download_the_minutes(
    as_role, referents_meeting, role
):
    response = as_role(role).get(minutes_url(referents_meeting))
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]


def test_minutes_missing_from_storage_are_not_found(as_role, referents_meeting):
    private_storage().delete(referents_meeting.minutes_file.name)
    assert as_role("referent_a").get(minutes_url(referents_meeting)).status_code == 404


# --- Agreement documents ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 404),
        ("unaffiliated", 404),
        ("employee_a", 404),  # an employee of a signatory: documents are for its referents
        ("referent_b", 404),  # a referent of an organisation that did not sign
        ("referent_a", 200),  # a referent of a signatory
        ("coordinator", 200),
    ],
)
def test_a_private_agreement_document_is_for_signatories_referents_and_the_coordinator(
    as_role, private_agreement, role, status
):
    response = as_role(role).get(document_url(private_agreement))
    assert response.status_code == status
    if status == 200:
        assert body(response) == PDF
        assert "private" in response["Cache-Control"]
    else:
        assert PDF not in response.content


def test_the_document_of_a_private_agreement_is_for_its_signatories_too(
    as_role, private_agreement, org_b
):
    Agreement.objects.filter(pk=private_agreement.pk).update(is_public=False)
    assert as_role("anonymous").get(document_url(private_agreement)).status_code == 404
    assert body(as_role("referent_a").get(document_url(private_agreement))) == PDF


def test_a_signatory_referent_sees_the_download_link_and_others_do_not(
    as_role, client, private_agreement
):
    link = 'id="document-download"'
    assert link not in client.get(private_agreement.get_absolute_url()).content.decode()
    page = as_role("referent_a").get(private_agreement.get_absolute_url()).content.decode()
    assert link in page


def test_a_public_document_is_for_everyone_and_may_be_cached(client, org_a):
    agreement = factories.make_agreement(slug="accordo-pubblico")
    agreement.document = pdf()
    agreement.save()
    response = client.get(document_url(agreement))
    assert response.status_code == 200
    assert body(response) == PDF
    assert "private" not in response.get("Cache-Control", "")


# --- Handing the file to nginx ---------------------------------------------------------------


def test_with_x_accel_on_nginx_sends_the_file_after_the_check(as_role, referents_meeting, settings):
    settings.PRIVATE_FILES_X_ACCEL = True
    response = as_role("referent_a").get(minutes_url(referents_meeting))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{referents_meeting.minutes_file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="verbale-incontro-{referents_meeting.pk}.pdf"'
        in (response["Content-Disposition"])
    )


def test_with_x_accel_on_those_without_the_right_still_get_nothing(
    as_role, referents_meeting, settings
):
    settings.PRIVATE_FILES_X_ACCEL = True
    response = as_role("referent_b").get(minutes_url(referents_meeting))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_x_accel_names_are_url_encoded_and_missing_files_are_404(db, settings):
    settings.PRIVATE_FILES_X_ACCEL = True
    name = private_storage().save("minutes/verbale 1%.pdf", pdf())
    field_file = Meeting(minutes_file=name).minutes_file
    response = serve_private_file(field_file, filename="v.pdf")
    assert response["X-Accel-Redirect"] == "/_private/minutes/verbale%201%25.pdf"
    private_storage().delete(name)
    with pytest.raises(Http404):
        serve_private_file(field_file, filename="v.pdf")


# --- Replaced and deleted files leave the storage ----------------------------------------------


def test_replaced_minutes_leave_the_storage(
    referents_meeting, coordinator, django_capture_on_commit_callbacks
):
    old = referents_meeting.minutes_file.name
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=referents_meeting, minutes_file=pdf("nuovo.pdf"), actor=coordinator)
    assert not private_storage().exists(old)
    assert private_storage().exists(referents_meeting.minutes_file.name)


def test_removed_minutes_leave_the_storage(
    referents_meeting, coordinator, django_capture_on_commit_callbacks
):
    old = referents_meeting.minutes_file.name
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=referents_meeting, minutes_file="", actor=coordinator)
    assert not private_storage().exists(old)


def test_minutes_stay_while_the_change_is_not_committed(
    referents_meeting, coordinator, django_capture_on_commit_callbacks
):
    old = referents_meeting.minutes_file.name
    with django_capture_on_commit_callbacks(execute=False):
        meeting_update(meeting=referents_meeting, minutes_file="", actor=coordinator)
    assert private_storage().exists(old)


def test_an_unchanged_meeting_keeps_its_minutes(
    referents_meeting, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=referents_meeting, title="Nuovo titolo", actor=coordinator)
    assert private_storage().exists(referents_meeting.minutes_file.name)


def test_a_deleted_meeting_takes_its_minutes_along(
    referents_meeting, django_capture_on_commit_callbacks
):
    name = referents_meeting.minutes_file.name
    with django_capture_on_commit_callbacks(execute=True):
        Meeting.objects.filter(pk=referents_meeting.pk).delete()
    assert not private_storage().exists(name)


def test_a_replaced_agreement_document_leaves_the_storage(
    private_agreement, coordinator, django_capture_on_commit_callbacks
):
    old = private_agreement.document.name
    with django_capture_on_commit_callbacks(execute=True):
        agreement_update(agreement=private_agreement, document=pdf("nuovo.pdf"), actor=coordinator)
    assert not private_storage().exists(old)
    assert private_storage().exists(private_agreement.document.name)


def test_a_deleted_agreement_takes_its_document_along(
    private_agreement, django_capture_on_commit_callbacks
):
    name = private_agreement.document.name
    with django_capture_on_commit_callbacks(execute=True):
        private_agreement.delete()
    assert not private_storage().exists(name)


def test_deleted_public_uploads_leave_the_public_storage(org_a, django_capture_on_commit_callbacks):
    service = factories.make_service(org_a)
    service.image.save("foto.png", SimpleUploadedFile("foto.png", b"png"), save=True)
    name = service.image.name
    with django_capture_on_commit_callbacks(execute=True):
        service.delete()
    assert not default_storage.exists(name)


def test_an_image_another_service_still_shows_is_kept(org_a, django_capture_on_commit_callbacks):
    service = factories.make_service(org_a)
    service.image.save("foto.png", SimpleUploadedFile("foto.png", b"png"), save=True)
    copy = factories.make_service(org_a, image=service.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        service.delete()
    assert default_storage.exists(copy.image.name)


# --- Files uploaded before the private storage existed ------------------------------------------


def test_the_migration_moves_old_minutes_out_of_media(referents_meeting):
    from common.private_files import move_to_private_storage

    # As before: the minutes sat in the public storage, at a /media/ address.
    old_name = default_storage.save("minutes/vecchio.pdf", pdf())
    Meeting.objects.filter(pk=referents_meeting.pk).update(minutes_file=old_name)
    assert move_to_private_storage(Meeting, "minutes_file") == 1
    assert not default_storage.exists(old_name)
    referents_meeting.refresh_from_db()
    assert private_storage().open(referents_meeting.minutes_file.name).read() == PDF
    assert all_files(settings.MEDIA_ROOT) == []
    # Running it again finds nothing left to move.
    assert move_to_private_storage(Meeting, "minutes_file") == 0
