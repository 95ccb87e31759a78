"""The network's balance: does reciprocity work?

Every partner offers what it can to everybody's employees. These functions say, over a
period, what each partner offers and to whom its services went, and what its own employees
asked of the others. They count requests *between* partners: a request from an employee of
organisation A for a service of organisation B (A ≠ B). A request to one's own employer's
service is not reciprocity and is left out. Requests of deleted accounts keep their
organisation and count; requests whose organisation is unknown do not.

The figures are counts of requests and services, never people. The public page shows only
the network's totals and suppresses any figure under ``PRIVACY_THRESHOLD`` (``suppressed``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from partners.models import Organization
from services.models import Audience, Category, ServiceRequest, WelfareService

PRIVACY_THRESHOLD = 5
# How far back a period may start (the District was founded in 2018).
EARLIEST_YEAR = 2018


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in the site's time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware moments: the start of ``start`` and the start of the day after ``end``."""
        first = datetime.datetime.combine(self.start, datetime.time.min)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(first), timezone.make_aware(after)


def selectable_years(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, EARLIEST_YEAR - 1, -1))


def requests_between_partners(period: Period):
    """Requests sent in ``period`` by an employee of one organisation to another's service."""
    start, after = period.bounds()
    return ServiceRequest.objects.filter(
        created_at__gte=start,
        created_at__lt=after,
        requester_organization__isnull=False,
    ).exclude(requester_organization=F("service__provider"))


def _answered():
    return ~Q(status=ServiceRequest.Status.OPEN)


@dataclass
class PartnerFigures:
    organization: Organization
    services_offered: int = 0
    received: int = 0
    received_answered: int = 0
    sent: int = 0

    @property
    def offers_nothing(self) -> bool:
        return self.services_offered == 0

    @property
    def never_uses_the_network(self) -> bool:
        return self.sent == 0


@dataclass
class NetworkBalance:
    period: Period
    partners: list[PartnerFigures]
    # (requesting organisation id, providing organisation id) -> requests
    matrix: dict[tuple[int, int], int] = field(default_factory=dict)

    @property
    def total_requests(self) -> int:
        return sum(self.matrix.values())

    @property
    def offering_nothing(self) -> list[PartnerFigures]:
        return [figures for figures in self.partners if figures.offers_nothing]

    @property
    def never_using(self) -> list[PartnerFigures]:
        return [figures for figures in self.partners if figures.never_uses_the_network]

    def matrix_rows(self):
        """[(requesting partner, [requests to each partner in ``partners`` order], total)]."""
        rows = []
        for requester in self.partners:
            cells = [
                self.matrix.get((requester.organization.pk, provider.organization.pk), 0)
                for provider in self.partners
            ]
            rows.append((requester.organization, cells, sum(cells)))
        return rows


def offered_services():
    """Services counted as offered: published services of active members, whoever may see
    them (a service reserved to partners' employees is still an offer to the network)."""
    return WelfareService.objects.published().filter(
        provider__membership_status=Organization.MembershipStatus.ACTIVE
    )


def network_balance(period: Period) -> NetworkBalance:
    """Every active member's figures and the who-serves-whom matrix, in four queries."""
    members = list(
        Organization.objects.filter(membership_status=Organization.MembershipStatus.ACTIVE)
        .only("name", "short_name", "slug")
        .order_by("name")
    )
    offered = dict(
        offered_services()
        .order_by()
        .values_list("provider")
        .annotate(total=Count("pk"))
        .values_list("provider", "total")
    )
    matrix = {
        (requester, provider): total
        for requester, provider, total in requests_between_partners(period)
        .order_by()
        .values_list("requester_organization", "service__provider")
        .annotate(total=Count("pk"))
        .values_list("requester_organization", "service__provider", "total")
    }
    answered = dict(
        requests_between_partners(period)
        .filter(_answered())
        .order_by()
        .values_list("service__provider")
        .annotate(total=Count("pk"))
        .values_list("service__provider", "total")
    )
    partners = []
    for organization in members:
        partners.append(
            PartnerFigures(
                organization=organization,
                services_offered=offered.get(organization.pk, 0),
                received=sum(t for (_r, p), t in matrix.items() if p == organization.pk),
                received_answered=answered.get(organization.pk, 0),
                sent=sum(t for (r, _p), t in matrix.items() if r == organization.pk),
            )
        )
    member_ids = {organization.pk for organization in members}
    matrix = {key: total for key, total in matrix.items() if set(key) <= member_ids}
    return NetworkBalance(period=period, partners=partners, matrix=matrix)


@dataclass
class PartnerBalance:
    organization: Organization
    period: Period
    offered_by_category: list[tuple[str, int]]
    offered_by_audience: list[tuple[str, int]]
    received: int
    received_answered: int
    received_from: list[tuple[str, int]]
    sent: int
    sent_to: list[tuple[str, int]]

    @property
    def services_offered(self) -> int:
        return sum(total for _name, total in self.offered_by_category)


def _named_counts(queryset, name_field: str) -> list[tuple[str, int]]:
    rows = queryset.order_by().values_list(name_field).annotate(total=Count("pk", distinct=True))
    return sorted(
        ((str(name), total) for name, total in rows.values_list(name_field, "total")),
        key=lambda row: (-row[1], row[0]),
    )


def _vocabulary_counts(queryset, field: str, model) -> list[tuple[str, int]]:
    """Counts per category or audience, named in the reader's language (their __str__)."""
    rows = queryset.order_by().values_list(field).annotate(total=Count("pk", distinct=True))
    counts = dict(rows.values_list(field, "total"))
    names = {item.pk: str(item) for item in model.objects.filter(pk__in=counts)}
    return sorted(
        ((names[pk], total) for pk, total in counts.items() if pk in names),
        key=lambda row: (-row[1], row[0]),
    )


def partner_balance(organization: Organization, period: Period) -> PartnerBalance:
    """One partner's side of the balance, as its referents see it."""
    services = offered_services().filter(provider=organization)
    between = requests_between_partners(period)
    received = between.filter(service__provider=organization)
    sent = between.filter(requester_organization=organization)
    return PartnerBalance(
        organization=organization,
        period=period,
        offered_by_category=_vocabulary_counts(services, "category", Category),
        offered_by_audience=_vocabulary_counts(
            services.filter(audiences__isnull=False), "audiences", Audience
        ),
        received=received.count(),
        received_answered=received.filter(_answered()).count(),
        received_from=_named_counts(received, "requester_organization__name"),
        sent=sent.count(),
        sent_to=_named_counts(sent, "service__provider__name"),
    )


def suppressed(value: int) -> int | None:
    """A figure fit for the public page: None when it is under PRIVACY_THRESHOLD."""
    return value if value >= PRIVACY_THRESHOLD else None


@dataclass
class PublicBalance:
    period: Period
    partners: int
    partners_offering: int | None
    partners_using: int | None
    services_offered: int | None
    requests: int | None
    requests_answered: int | None
    by_category: list[tuple[str, int | None, int | None]]


def public_balance(period: Period) -> PublicBalance:
    """The network's totals for everybody: no organisation, no person, nothing under 5."""
    network = network_balance(period)
    between = requests_between_partners(period).filter(
        service__provider__membership_status=Organization.MembershipStatus.ACTIVE,
        requester_organization__membership_status=Organization.MembershipStatus.ACTIVE,
    )
    requests_by_category = dict(_vocabulary_counts(between, "service__category", Category))
    offered_by_category = dict(_vocabulary_counts(offered_services(), "category", Category))
    categories = sorted(set(offered_by_category) | set(requests_by_category))
    return PublicBalance(
        period=period,
        partners=len(network.partners),
        partners_offering=suppressed(len(network.partners) - len(network.offering_nothing)),
        partners_using=suppressed(len(network.partners) - len(network.never_using)),
        services_offered=suppressed(sum(f.services_offered for f in network.partners)),
        requests=suppressed(network.total_requests),
        requests_answered=suppressed(sum(f.received_answered for f in network.partners)),
        by_category=[
            (
                name,
                suppressed(offered_by_category.get(name, 0)),
                suppressed(requests_by_category.get(name, 0)),
            )
            for name in categories
        ],
    )
