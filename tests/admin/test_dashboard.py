"""The back office's home page: what needs the coordinator's attention, with links."""

from datetime import timedelta

from django.utils import timezone

from background.models import OutgoingMail
from partners.models import Affiliation, Certification, MembershipApplication, Organization
from services.models import ServiceRequest, WelfareService
from tests import factories
from tests.admin import builders


def attention(client) -> dict[str, tuple[int, str]]:
    response = client.get("/en/admin/")
    assert response.status_code == 200
    return {
        item.url.split("?")[0]: (item.count, item.url)
        for item in response.context["attention_items"]
    }


def make_mail(status, **fields):
    return OutgoingMail.objects.create(
        to="x@example.org", from_email="f@example.org", subject="S", status=status, **fields
    )


def test_the_home_page_counts_what_needs_attention(coordinator_client, org_a, org_b):
    today = timezone.localdate()
    # Membership applications: two waiting, one already reviewed.
    builders.make_application()
    builders.make_application()
    builders.make_application(status="rejected", reviewed_at=timezone.now())
    # Certifications: expiring soon, expired (still on file as valid), far away, and one of a
    # member that has left.
    factories.make_certification(org_a, expires_on=today + timedelta(days=30))
    factories.make_certification(org_b, expires_on=today - timedelta(days=3))
    factories.make_certification(org_a, expires_on=today + timedelta(days=400))
    gone = factories.make_organization(
        membership_status=Organization.MembershipStatus.WITHDRAWN, left_on=today
    )
    factories.make_certification(gone, expires_on=today + timedelta(days=10))
    # Services in draft.
    factories.make_service(org_a, status=WelfareService.Status.DRAFT, published_at=None)
    factories.make_service(org_a)
    # Requests: one waiting for ten days, one fresh, one answered long ago.
    service = factories.make_service(org_b)
    old = builders.make_service_request(service)
    ServiceRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    builders.make_service_request(service)
    answered = builders.make_service_request(service, status=ServiceRequest.Status.ACCEPTED)
    ServiceRequest.objects.filter(pk=answered.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    # Affiliations waiting for approval.
    Affiliation.objects.create(user=factories.make_user(), organization=org_a)
    # Mail: one given up, one sent, one waiting.
    make_mail(OutgoingMail.Status.FAILED)
    make_mail(OutgoingMail.Status.SENT, sent_at=timezone.now())
    make_mail(OutgoingMail.Status.QUEUED)

    items = attention(coordinator_client)

    assert items[builders.admin_url(MembershipApplication, "changelist")][0] == 2
    assert items[builders.admin_url(Certification, "changelist")][0] == 2
    assert items[builders.admin_url(WelfareService, "changelist")][0] == 1
    assert items[builders.admin_url(ServiceRequest, "changelist")][0] == 1
    assert items[builders.admin_url(Affiliation, "changelist")][0] == 1
    assert items[builders.admin_url(OutgoingMail, "changelist")][0] == 1


def test_each_count_links_to_the_same_rows(coordinator_client, org_a):
    today = timezone.localdate()
    factories.make_certification(org_a, expires_on=today + timedelta(days=30))
    factories.make_certification(org_a, expires_on=today + timedelta(days=300))
    old = builders.make_service_request()
    ServiceRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    builders.make_service_request()
    factories.make_service(org_a, status=WelfareService.Status.DRAFT, published_at=None)
    builders.make_application()
    Affiliation.objects.create(user=factories.make_user(), organization=org_a)
    make_mail(OutgoingMail.Status.FAILED)
    make_mail(OutgoingMail.Status.QUEUED)

    for count, url in attention(coordinator_client).values():
        response = coordinator_client.get(url)
        assert response.status_code == 200
        assert response.context["cl"].result_count == count == 1, url


def test_the_home_page_shows_the_counts_and_links(coordinator_client):
    builders.make_application()
    response = coordinator_client.get("/en/admin/")
    page = response.content.decode()
    assert 'id="attention-module"' in page
    assert "?status__exact=submitted" in page
    assert "Distretto Family Audit" in page


def test_the_home_page_answers_in_the_default_language(coordinator_client):
    response = coordinator_client.get("/admin/")
    assert response.status_code == 200
    assert response.context["attention_items"]


def test_a_staff_account_without_permissions_sees_no_counts(client, db):
    clerk = factories.make_user("impiegato@comune.trento.it", is_staff=True)
    client.force_login(clerk)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response.context["attention_items"] == []
