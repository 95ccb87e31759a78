"""Joining the district: /aderisci/, the confirmation link, the private status link, the
coordinator's questions and decisions (approval composed in distretto.joining)."""

import re
from datetime import date, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from common.private_files import private_storage
from distretto import joining
from partners import actions
from partners.models import (
    Affiliation,
    ApplicationMessage,
    Certification,
    EmailDomain,
    MembershipApplication,
    Organization,
    ReferentInvitation,
)
from tests import factories

Status = MembershipApplication.Status
APPLY = "/aderisci/"


def certificate(content=None, name="certificato.pdf"):
    return SimpleUploadedFile(
        name, content if content is not None else factories.pdf_bytes(), "application/pdf"
    )


def application_data(**overrides):
    data = {
        "organization_name": "Cooperativa La Rete",
        "kind": "social_cooperative",
        "sector": "private",
        "size_class": "medium",
        "certification_phase": "family_audit",
        "certification_reference": "FA-2023-117",
        "certification_registered_on": "2021-03-01",
        "certification_granted_on": "2023-02-15",
        "certification_expires_on": (date.today() + timedelta(days=700)).isoformat(),
        "certificate": certificate(),
        "email_domains": "larete.example\nlarete-coop.example",
        "contact_name": "Giulia Rossi",
        "contact_email": "giulia.rossi@larete.example",
        "motivation": "Vogliamo condividere i nostri servizi per le famiglie.",
        "privacy": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def links(message, path_start):
    """The paths of the site's links in a mail that start with `path_start`."""
    found = re.findall(re.escape(settings.SITE_URL) + r"(/\S+)", message.body)
    return [path for path in found if path.startswith(path_start)]


class _Outbox:
    """Django's test outbox, read when used: a request may replace the list itself."""

    def _list(self):
        return mail.outbox

    def __iter__(self):
        return iter(self._list())

    def __len__(self):
        return len(self._list())

    def __getitem__(self, index):
        return self._list()[index]

    def __eq__(self, other):
        return list(self._list()) == other

    def clear(self):
        mail.outbox.clear()


@pytest.fixture
def outbox(db):
    mail.outbox = []
    return _Outbox()


@pytest.fixture
def apply(client, outbox, django_capture_on_commit_callbacks):
    """Post the form; returns (response, application or None, confirmation path or None)."""

    def post(**overrides):
        outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(APPLY, application_data(**overrides))
        application = MembershipApplication.objects.order_by("-pk").first()
        confirm = None
        if outbox:
            confirm = links(outbox[-1], "/aderisci/conferma/")[0]
        return response, application, confirm

    return post


@pytest.fixture
def confirmed(client, apply, outbox, django_capture_on_commit_callbacks, coordinator):
    """An application sent and confirmed; returns (application, status path)."""
    _response, application, confirm = apply()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"confirm": "yes"})
    application.refresh_from_db()
    return application, response["Location"]


# --- The public page ---------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_page_explains_who_may_join_including_the_march_2025_rule(client, db, prefix):
    response = client.get(prefix + APPLY)
    assert response.status_code == 200
    text = response.content.decode()
    assert "2025" in text
    assert 'enctype="multipart/form-data"' in text
    assert 'name="certificate"' in text and 'name="email_domains"' in text


def test_an_application_waits_for_the_address_to_be_confirmed(apply, outbox, db):
    response, application, confirm = apply()
    assert response.status_code == 200
    assert "giulia.rossi@larete.example" in response.content.decode()
    assert application.status == Status.UNCONFIRMED
    assert application.organization_name == "Cooperativa La Rete"
    assert application.domain_list() == ["larete.example", "larete-coop.example"]
    assert application.size_class == "medium"
    # The certificate is kept in private storage, under a name that reveals nothing.
    assert application.certificate.name.startswith("applications/")
    assert "certificato" not in application.certificate.name
    assert private_storage().exists(application.certificate.name)
    # One mail, to the applicant only: the coordinator hears of it once it is confirmed.
    assert [message.to for message in outbox] == [["giulia.rossi@larete.example"]]
    assert confirm


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        # Since March 2025 a private organisation cannot start the process.
        (
            {"certification_phase": "process", "certificate": None},
            "certification_phase",
            "March 2025",
        ),
        ({"email_domains": "gmail.com"}, "email_domains", "public mail domain"),
        ({"email_domains": "not a domain!"}, "email_domains", "valid domain"),
        ({"contact_email": "giulia@gmail.com"}, "contact_email", "work address"),
        ({"certificate": None}, "certificate", "PDF"),
        (
            {"certificate": certificate(b"<html>not a pdf</html>", "finto.pdf")},
            "certificate",
            "not a PDF",
        ),
        ({"certification_granted_on": "2020-01-01"}, None, "earlier than the application"),
        ({"certification_granted_on": ""}, "certification_granted_on", "granted"),
        ({"privacy": None}, "privacy", "required"),
    ],
)
def test_a_wrong_application_gets_a_clear_message_and_nothing_is_saved(
    client, db, outbox, overrides, field, words
):
    response = client.post("/en" + APPLY, application_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field) if field else form.errors.get("__all__")
    errors = errors or [error for errors in form.errors.values() for error in errors]
    assert any(words in error for error in errors), form.errors
    assert not MembershipApplication.objects.exists()
    assert outbox == []


def test_a_public_organisation_may_apply_while_its_process_is_under_way(apply):
    response, application, _confirm = apply(
        sector="public",
        kind="public_body",
        certification_phase="process",
        certification_granted_on="",
        certification_expires_on="",
        certificate=None,
        certification_reference="",
    )
    assert response.status_code == 200
    assert application.status == Status.UNCONFIRMED
    assert not application.certificate


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"organization_name": "organizzazione alfa"}, "already on file as a member"),
        ({"email_domains": "alfa.example"}, "alfa.example is already registered"),
    ],
)
def test_a_member_of_the_district_is_told_it_is_one_already(client, org_a, overrides, words):
    response = client.post("/en" + APPLY, application_data(**overrides))
    assert response.status_code == 200
    assert any(words in error for error in response.context["form"].non_field_errors())
    assert not MembershipApplication.objects.exists()


def test_an_application_under_review_cannot_be_sent_twice(client, confirmed):
    response = client.post("/en" + APPLY, application_data(email_domains="altro.example"))
    assert any(
        "already under review" in error for error in response.context["form"].non_field_errors()
    )
    response = client.post(
        "/en" + APPLY, application_data(organization_name="Altra", email_domains="larete.example")
    )
    assert any(
        "another application under review" in error
        for error in response.context["form"].non_field_errors()
    )
    assert MembershipApplication.objects.count() == 1


def test_an_unconfirmed_application_blocks_nobody(apply):
    apply()
    response, application, _confirm = apply()
    assert response.status_code == 200
    assert MembershipApplication.objects.filter(status=Status.UNCONFIRMED).count() == 2


# --- Confirmation and the private status link ----------------------------------------------


def test_opening_the_confirmation_link_only_shows_a_button(client, apply):
    _response, application, confirm = apply()
    response = client.get(confirm)
    assert response.status_code == 200
    assert "Cooperativa La Rete" in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]
    application.refresh_from_db()
    assert application.status == Status.UNCONFIRMED


def test_confirming_sends_the_application_to_the_coordinator_and_a_private_link(
    client, apply, outbox, django_capture_on_commit_callbacks, coordinator
):
    _response, application, confirm = apply()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"confirm": "yes"})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.email_confirmed_at is not None
    status_path = response["Location"]
    assert status_path.startswith("/aderisci/domanda/")
    by_recipient = {message.to[0]: message for message in outbox}
    assert set(by_recipient) == {"giulia.rossi@larete.example", coordinator.email}
    # The applicant's mail carries the same link the browser was sent to.
    assert links(by_recipient["giulia.rossi@larete.example"], "/aderisci/domanda/") == [status_path]
    review = reverse("admin:partners_membershipapplication_change", args=[application.pk])
    assert review in by_recipient[coordinator.email].body
    # The token is stored only as its hash.
    token = status_path.rstrip("/").rsplit("/", 1)[1]
    assert token not in application.status_token_hash

    page = client.get("/en" + status_path)
    assert page.status_code == 200
    assert "Submitted" in page.content.decode()
    assert page["Cache-Control"].startswith("private") or "private" in page["Cache-Control"]
    # Confirming again only says so.
    again = client.post("/en" + confirm, {"confirm": "yes"})
    assert again.status_code == 200
    assert "already been confirmed" in again.content.decode()


def test_a_forged_or_expired_confirmation_link_confirms_nothing(client, apply):
    _response, application, confirm = apply()
    assert client.get(confirm[:-3] + "xyz/").status_code == 404
    assert client.post("/aderisci/conferma/not-a-key/", {"confirm": "yes"}).status_code == 404
    later = timezone.now() + timedelta(days=actions.APPLICATION_CONFIRM_DAYS, hours=1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.post(confirm, {"confirm": "yes"})
    assert response.status_code == 410
    application.refresh_from_db()
    assert application.status == Status.UNCONFIRMED


def test_an_unknown_status_link_is_not_found(client, db):
    assert client.get("/aderisci/domanda/not-a-token/").status_code == 404


# --- Questions and answers -----------------------------------------------------------------


def test_the_coordinator_asks_and_the_applicant_answers_through_the_link(
    client, confirmed, coordinator, outbox, django_capture_on_commit_callbacks
):
    application, first_link = confirmed
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.membership_application_request_information(
            application=application,
            question="Potete inviare la delibera di adesione?",
            actor=coordinator,
        )
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    [mail] = outbox
    assert "Potete inviare la delibera" in mail.body
    [new_link] = links(mail, "/aderisci/domanda/")
    # The link of the latest mail works; the earlier one no longer does.
    assert client.get(first_link).status_code == 404
    page = client.get(new_link)
    assert "Potete inviare la delibera" in page.content.decode()
    assert 'name="answer"' in page.content.decode()

    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(new_link, {"answer": "Certo, la allego alla mail."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert list(application.messages.values_list("author", "text")) == [
        ("coordinator", "Potete inviare la delibera di adesione?"),
        ("applicant", "Certo, la allego alla mail."),
    ]
    assert [message.to for message in outbox] == [[coordinator.email]]
    assert LogEntry.objects.filter(object_id=str(application.pk), user=coordinator).exists()

    # No question pending: an answer is refused and nothing changes.
    response = client.post(new_link, {"answer": "Ancora una cosa."})
    assert response.status_code == 302
    assert application.messages.count() == 2


def test_an_empty_answer_is_refused_with_a_message(client, confirmed, coordinator):
    application, _link = confirmed
    actions.membership_application_request_information(
        application=application, question="Quanti dipendenti?", actor=coordinator
    )
    # The raw token is only in the mail; a fresh one is made for the test.
    link = reverse("join:application-status", args=[_new_token(application)])
    response = client.post(link, {"answer": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert application.messages.count() == 1


def _new_token(application):
    from partners.models import hash_invitation_token

    MembershipApplication.objects.filter(pk=application.pk).update(
        status_token_hash=hash_invitation_token("token-di-prova")
    )
    return "token-di-prova"


def test_only_the_coordinator_asks_questions(confirmed, referent_a):
    from django.core.exceptions import PermissionDenied

    application, _link = confirmed
    with pytest.raises(PermissionDenied):
        actions.membership_application_request_information(
            application=application, question="?", actor=referent_a
        )
    assert not application.messages.exists()


# --- The decision ------------------------------------------------------------------------


@pytest.fixture
def working_groups(db, org_b):
    main = factories.make_group(name="Gruppo di lavoro del Distretto", slug="gruppo")
    main.members.add(org_b)
    sub = factories.make_group(name="Sotto-gruppo 0-14", slug="sotto", parent=main)
    meeting = factories.make_meeting(
        main, title="Incontro di primavera", starts_at=timezone.now() + timedelta(days=20)
    )
    return main, sub, meeting


def test_approving_makes_a_member_with_domains_certificate_referent_and_working_group(
    client,
    confirmed,
    coordinator,
    working_groups,
    referent_b,
    outbox,
    django_capture_on_commit_callbacks,
):
    application, status_link = confirmed
    main, sub, meeting = working_groups
    already_there = factories.make_user("mario@larete.example")
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organization = joining.membership_application_approve(
            application=application, actor=coordinator
        )
    organization.refresh_from_db()
    assert organization.membership_status == Organization.MembershipStatus.ACTIVE
    assert organization.kind == "social_cooperative"
    assert set(
        EmailDomain.objects.filter(organization=organization).values_list("domain", flat=True)
    ) == {
        "larete.example",
        "larete-coop.example",
    }
    certification = Certification.objects.get(organization=organization)
    assert certification.phase == "family_audit"
    assert certification.status == Certification.Status.VALID
    assert certification.reference == "FA-2023-117"
    assert certification.granted_on == date(2023, 2, 15)
    # Somebody who had already verified an address on the domain is now an employee.
    assert Affiliation.objects.current().filter(user=already_there, organization=organization)
    # The contact person is invited to be referent.
    invitation = ReferentInvitation.objects.get(organization=organization)
    assert invitation.email == "giulia.rossi@larete.example"
    # A seat in the district working group, not in the sub-groups.
    assert organization in main.members.all()
    assert organization not in sub.members.all()
    by_subject = {(message.to[0], message.subject) for message in outbox}
    to_applicant = [m for m in outbox if m.to == ["giulia.rossi@larete.example"]]
    assert len(to_applicant) == 2  # the invitation and the welcome
    welcome = next(m for m in to_applicant if "Welcome" in m.subject or "Benvenut" in m.subject)
    assert "Incontro di primavera" in welcome.body
    assert any(to == referent_b.email for to, _subject in by_subject)
    assert LogEntry.objects.filter(object_id=str(main.pk), user=coordinator).exists()
    # The applicant's page says so.
    assert "Approved" in client.get("/en" + status_link).content.decode()
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.organization == organization


def test_the_new_referent_sees_the_working_groups_meetings(confirmed, coordinator, working_groups):
    from meetings.models import Meeting

    application, _link = confirmed
    _main, _sub, meeting = working_groups
    organization = joining.membership_application_approve(
        application=application, actor=coordinator
    )
    invitation = ReferentInvitation.objects.get(organization=organization)
    referent = factories.make_user(invitation.email)
    actions.invitation_accept(invitation=invitation, actor=referent)
    assert list(Meeting.objects.visible_to(referent)) == [meeting]


def test_an_unconfirmed_application_cannot_be_approved(apply, coordinator):
    _response, application, _confirm = apply()
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError, match="not confirmed"):
        joining.membership_application_approve(application=application, actor=coordinator)
    assert not Organization.objects.filter(name="Cooperativa La Rete").exists()


def test_a_domain_taken_in_the_meantime_stops_the_approval_whole(
    confirmed, coordinator, org_a, working_groups
):
    application, _link = confirmed
    EmailDomain.objects.create(organization=org_a, domain="larete-coop.example")
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError, match="already registered"):
        joining.membership_application_approve(application=application, actor=coordinator)
    assert not Organization.objects.filter(name="Cooperativa La Rete").exists()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_rejecting_tells_the_applicant_why(
    client, confirmed, coordinator, outbox, django_capture_on_commit_callbacks
):
    application, status_link = confirmed
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.membership_application_reject(
            application=application,
            reason="Il certificato risulta scaduto.",
            actor=coordinator,
        )
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    [mail] = outbox
    assert mail.to == ["giulia.rossi@larete.example"]
    assert "Il certificato risulta scaduto." in mail.body
    page = client.get(status_link).content.decode()
    assert "Il certificato risulta scaduto." in page
    assert ApplicationMessage.objects.filter(application=application).count() == 1


# --- The coordinator's copy of the certificate ---------------------------------------------


def test_only_the_coordinator_downloads_the_certificate(client, confirmed, coordinator, referent_a):
    application, _link = confirmed
    url = reverse("join:application-certificate", args=[application.pk])
    assert client.get(url).status_code == 302
    client.force_login(referent_a)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- The back office -----------------------------------------------------------------------


def test_the_coordinator_asks_for_information_from_the_back_office(
    client, confirmed, coordinator, outbox, django_capture_on_commit_callbacks
):
    application, _link = confirmed
    client.force_login(coordinator)
    url = reverse("admin:partners_membershipapplication_change", args=[application.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("join:application-certificate", args=[application.pk]) in page.content.decode()
    body = {"CHANGE_FORM-action": "request_information", "_selected_action": [application.pk]}
    assert client.post(url, body).status_code == 200
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**body, "post": "yes", "message": "Qual è la sede?"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert [message.to for message in outbox] == [["giulia.rossi@larete.example"]]


def test_approving_from_the_back_office_seats_the_member_in_the_working_group(
    client, confirmed, coordinator, working_groups
):
    application, _link = confirmed
    main, _sub, _meeting = working_groups
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:partners_membershipapplication_changelist"),
        {"action": "approve", "_selected_action": [application.pk], "index": 0},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.organization in main.members.all()
