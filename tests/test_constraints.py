"""The database enforces the domain's rules: each constraint rejects what it should.

Each case builds a valid object, breaks one rule, and checks that both model validation
(what the admin and forms run) and the database itself refuse it.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.models import Signature
from meetings.models import Attendance, WorkProgramme
from partners.models import Affiliation, Certification, EmailDomain, MembershipApplication
from services.models import SavedService, WelfareService
from tests import factories

pytestmark = pytest.mark.django_db

D = dt.date


def assert_rejected(instance):
    """full_clean() refuses the object, and so does the database when saving skips it."""
    with pytest.raises(ValidationError):
        instance.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_an_organisation_cannot_leave_before_it_joined():
    org = factories.make_organization()
    org.joined_on, org.left_on = D(2019, 3, 19), D(2018, 10, 10)
    assert_rejected(org)


@pytest.mark.parametrize(("field", "value"), [("latitude", 91), ("longitude", -181)])
def test_coordinates_stay_on_the_globe(field, value):
    org = factories.make_organization()
    setattr(org, field, value)
    assert_rejected(org)


def test_organisation_slugs_and_names_are_unique():
    first = factories.make_organization("Fondazione Esempio", slug="fondazione-esempio")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_organization("Altro nome", slug=first.slug)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_organization("Fondazione Esempio", slug="altro-slug")


def test_an_email_domain_belongs_to_one_organisation_only():
    factories.make_organization(domain="fbk.eu")
    other = factories.make_organization()
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailDomain.objects.create(organization=other, domain="fbk.eu")


def test_an_email_domain_is_stored_lowercase_and_validated():
    org = factories.make_organization()
    domain = EmailDomain.objects.create(organization=org, domain="@UniTN.IT")
    assert domain.domain == "unitn.it"
    with pytest.raises(ValidationError):
        EmailDomain(organization=org, domain="not a domain").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailDomain.objects.filter(pk=domain.pk).update(domain="UNITN.IT")


@pytest.mark.parametrize(
    ("registered", "granted", "expires"),
    [
        (D(2020, 1, 1), D(2019, 12, 31), None),  # granted before the application
        (D(2020, 1, 1), D(2020, 6, 1), D(2020, 6, 1)),  # expires the day it is granted
        (None, D(2020, 6, 1), D(2020, 1, 1)),  # expires before it is granted
    ],
)
def test_certification_dates_follow_each_other(registered, granted, expires):
    certification = Certification(
        organization=factories.make_organization(),
        phase=Certification.Phase.FAMILY_AUDIT,
        registered_on=registered,
        granted_on=granted,
        expires_on=expires,
    )
    assert_rejected(certification)


def test_a_person_has_one_open_affiliation_per_organisation(employee_a, org_a):
    duplicate = Affiliation(
        user=employee_a,
        organization=org_a,
        status=Affiliation.Status.PENDING,
    )
    assert_rejected(duplicate)


def test_an_ended_affiliation_does_not_block_a_new_one(employee_a, org_a):
    Affiliation.objects.filter(user=employee_a).update(
        status=Affiliation.Status.ENDED, ended_at=timezone.now()
    )
    Affiliation.objects.create(user=employee_a, organization=org_a)  # pending again


def test_an_active_affiliation_must_say_when_it_was_verified(org_a):
    user = factories.make_user()
    affiliation = Affiliation(user=user, organization=org_a, status=Affiliation.Status.ACTIVE)
    assert_rejected(affiliation)


def test_a_reviewed_application_has_a_review_date():
    application = MembershipApplication(
        organization_name="Cooperativa Esempio",
        kind="cooperative",
        contact_name="Anna Bianchi",
        contact_email="anna@example.org",
        status=MembershipApplication.Status.APPROVED,
    )
    assert_rejected(application)


def test_an_agreement_validity_cannot_end_before_it_starts():
    agreement = factories.make_agreement()
    agreement.valid_from, agreement.valid_until = D(2019, 3, 19), D(2019, 3, 18)
    assert_rejected(agreement)


def test_an_agreement_cannot_be_its_own_predecessor():
    agreement = factories.make_agreement()
    agreement.predecessor = agreement
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_an_organisation_signs_an_agreement_once(org_a):
    agreement = factories.make_agreement(signatories=[org_a])
    assert_rejected(Signature(agreement=agreement, organization=org_a, signed_on=D(2019, 1, 1)))


def test_a_signature_cannot_be_withdrawn_before_it_was_signed(org_a):
    agreement = factories.make_agreement(signed_on=D(2018, 10, 10))
    signature = Signature(
        agreement=agreement,
        organization=org_a,
        signed_on=D(2018, 10, 10),
        withdrawn_on=D(2018, 10, 9),
    )
    assert_rejected(signature)


def test_a_service_availability_cannot_end_before_it_starts(org_a):
    service = factories.make_service(org_a)
    service.available_from, service.available_until = D(2026, 9, 4), D(2026, 6, 15)
    assert_rejected(service)


def test_a_published_service_has_a_publication_date(org_a):
    service = factories.make_service(org_a, status=WelfareService.Status.DRAFT)
    service.status = WelfareService.Status.PUBLISHED
    assert_rejected(service)


def test_service_slugs_are_unique(org_a):
    service = factories.make_service(org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_service(org_a, slug=service.slug)


def test_a_service_is_saved_once_per_person(org_a, employee_a):
    service = factories.make_service(org_a)
    SavedService.objects.create(user=employee_a, service=service)
    assert_rejected(SavedService(user=employee_a, service=service))


def test_a_meeting_ends_after_it_starts():
    starts = timezone.now()
    meeting = factories.make_meeting(starts_at=starts)
    meeting.ends_at = starts
    assert_rejected(meeting)


def test_a_group_cannot_be_its_own_subgroup():
    group = factories.make_group()
    group.parent = group
    with pytest.raises(IntegrityError), transaction.atomic():
        group.save()


def test_an_organisation_attends_a_meeting_once(org_a):
    meeting = factories.make_meeting()
    Attendance.objects.create(meeting=meeting, organization=org_a)
    assert_rejected(Attendance(meeting=meeting, organization=org_a))


def test_one_work_programme_a_year_within_the_districts_lifetime():
    factories.make_programme(2026)
    assert_rejected(WorkProgramme(year=2026, title="Doppione"))
    assert_rejected(WorkProgramme(year=2013, title="Prima del Distretto"))
