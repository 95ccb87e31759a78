"""Moderation writes on welfare services: publish and archive."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from services import actions
from services.models import WelfareService
from tests import factories

Status = WelfareService.Status


def test_publishing_a_draft_sets_the_publication_date(coordinator, org_a):
    service = factories.make_service(org_a, status=Status.DRAFT)
    actions.service_publish(service=service, actor=coordinator)
    service.refresh_from_db()
    assert service.status == Status.PUBLISHED
    assert service.published_at is not None
    assert LogEntry.objects.get(object_id=str(service.pk)).user == coordinator


def test_republishing_from_the_archive_keeps_the_first_publication_date(coordinator, org_a):
    first = timezone.now() - timedelta(days=400)
    service = factories.make_service(org_a, status=Status.ARCHIVED, published_at=first)
    actions.service_publish(service=service, actor=coordinator)
    service.refresh_from_db()
    assert service.status == Status.PUBLISHED
    assert service.published_at == first


def test_publishing_a_published_service_is_refused(coordinator, org_a):
    service = factories.make_service(org_a)
    with pytest.raises(ValidationError):
        actions.service_publish(service=service, actor=coordinator)


def test_archiving_takes_the_service_out_of_the_catalogue(coordinator, org_a):
    service = factories.make_service(org_a)
    actions.service_archive(service=service, actor=coordinator)
    service.refresh_from_db()
    assert service.status == Status.ARCHIVED
    assert not WelfareService.objects.visible_to(None).filter(pk=service.pk).exists()


def test_archiving_an_archived_service_is_refused(coordinator, org_a):
    service = factories.make_service(org_a, status=Status.ARCHIVED)
    with pytest.raises(ValidationError):
        actions.service_archive(service=service, actor=coordinator)
