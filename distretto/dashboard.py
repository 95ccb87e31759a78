"""What needs the coordinator's attention: the counts on the back office's home page.

Each rule is a QuerySet method of its model, shared with the admin list filter the count links
to, so the number on the dashboard and the rows behind the link always agree.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from background.models import OutgoingMail
from partners.models import (
    CERTIFICATION_WARNING_DAYS,
    Affiliation,
    Certification,
    MembershipApplication,
)
from services.models import REQUEST_WAITING_DAYS, ServiceRequest, WelfareService


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
            Certification.objects.needing_attention,
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
            ServiceRequest.objects.overdue,
            {"waiting": "overdue"},
        ),
        (
            Affiliation,
            _("Affiliations waiting for approval"),
            lambda: Affiliation.objects.pending(),
            {"status__exact": Affiliation.Status.PENDING},
        ),
        (
            OutgoingMail,
            _("Mail that could not be sent"),
            OutgoingMail.objects.failed,
            {"status__exact": OutgoingMail.Status.FAILED},
        ),
    ]
    items = []
    for model, label, queryset, params in rules:
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        items.append(AttentionItem(str(label), queryset().count(), _changelist(model, **params)))
    return items
