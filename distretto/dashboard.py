"""What needs the coordinator's attention: the counts on the back office's home page.

Each rule is a queryset function, shared with the admin list filter the count links to,
so the number on the dashboard and the rows behind the link always agree.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Affiliation, Certification, MembershipApplication, Organization
from services.models import ServiceRequest, WelfareService

CERTIFICATION_WARNING_DAYS = 90
REQUEST_WAITING_DAYS = 7


def certifications_needing_attention(today: datetime.date | None = None):
    """Certifications of active members still on file as current that have expired or
    will expire within ``CERTIFICATION_WARNING_DAYS`` days."""
    today = today or timezone.localdate()
    return Certification.objects.filter(
        organization__membership_status=Organization.MembershipStatus.ACTIVE,
        status__in=[Certification.Status.VALID, Certification.Status.IN_PROGRESS],
        expires_on__lte=today + datetime.timedelta(days=CERTIFICATION_WARNING_DAYS),
    )


def overdue_service_requests(now: datetime.datetime | None = None):
    """Requests still waiting for the provider's answer after ``REQUEST_WAITING_DAYS`` days."""
    now = now or timezone.now()
    return ServiceRequest.objects.filter(
        status=ServiceRequest.Status.OPEN,
        created_at__lt=now - datetime.timedelta(days=REQUEST_WAITING_DAYS),
    )


@dataclass(frozen=True)
class AttentionItem:
    label: str
    count: int
    url: str


def _changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def attention_items(user) -> list[AttentionItem]:
    """One count per rule the user may look at: a fixed number of queries, one per rule."""
    rules = [
        (
            MembershipApplication,
            _("Membership applications waiting for review"),
            lambda: MembershipApplication.objects.filter(
                status=MembershipApplication.Status.SUBMITTED
            ),
            {"status__exact": MembershipApplication.Status.SUBMITTED},
        ),
        (
            Certification,
            _("Certifications of active members expired or expiring within %(days)d days")
            % {"days": CERTIFICATION_WARNING_DAYS},
            certifications_needing_attention,
            {"attention": "expiring"},
        ),
        (
            WelfareService,
            _("Services in draft"),
            lambda: WelfareService.objects.filter(status=WelfareService.Status.DRAFT),
            {"status__exact": WelfareService.Status.DRAFT},
        ),
        (
            ServiceRequest,
            _("Service requests unanswered for more than %(days)d days")
            % {"days": REQUEST_WAITING_DAYS},
            overdue_service_requests,
            {"waiting": "overdue"},
        ),
        (
            Affiliation,
            _("Affiliations waiting for approval"),
            lambda: Affiliation.objects.pending(),
            {"status__exact": Affiliation.Status.PENDING},
        ),
    ]
    items = []
    for model, label, queryset, params in rules:
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        items.append(AttentionItem(str(label), queryset().count(), _changelist(model, **params)))
    return items
