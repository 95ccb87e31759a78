"""The needs survey's rules and figures: who answers, and needs set against supply.

Figures are counts of answers, never people, and every figure shown is suppressed under
``services.balance.PRIVACY_THRESHOLD`` (5): a small organisation's three answers must not
let anybody guess who asked for what.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from partners.models import Organization
from partners.rules import member_affiliations
from services.balance import PRIVACY_THRESHOLD, offered_services, suppressed
from services.models import Category, NeedsAnswer, NeedsSurvey, WelfareService


def may_answer(user) -> bool:
    """Verified employees of active partners answer the survey (the coordinator does not)."""
    return user.is_authenticated and member_affiliations(user).exists()


def respondent_organization(user) -> Organization | None:
    """The organisation an answer counts for: the person's first member organisation."""
    affiliation = (
        member_affiliations(user).select_related("organization").order_by("organization__name")
    ).first()
    return affiliation.organization if affiliation else None


def open_survey(day) -> NeedsSurvey | None:
    return NeedsSurvey.objects.open_on(day).order_by("-year").first()


def answers(survey: NeedsSurvey, organization: Organization | None = None):
    found = NeedsAnswer.objects.filter(survey=survey)
    return found.filter(organization=organization) if organization else found


def supply(organization: Organization | None = None):
    """Services on offer: to the whole network, or to one organisation's employees."""
    services = offered_services()
    if organization is None:
        return services
    return services.filter(
        Q(
            eligibility__in=[
                WelfareService.Eligibility.EVERYONE,
                WelfareService.Eligibility.ALL_PARTNERS,
            ]
        )
        | Q(
            eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS,
            eligible_organizations=organization,
        )
    ).distinct()


@dataclass
class Gap:
    category: Category
    needs: int | None  # answers asking for the area (None: under the threshold)
    needs_share: float | None  # of all answers
    services: int
    services_share: float  # of all services on offer

    @property
    def gap(self) -> float | None:
        """How much more the area is asked for than it is offered (shares, -1 to 1)."""
        if self.needs_share is None:
            return None
        return self.needs_share - self.services_share

    @property
    def much_asked_little_offered(self) -> bool:
        return self.gap is not None and self.gap >= 0.2


@dataclass
class NeedsReport:
    survey: NeedsSurvey
    organization: Organization | None
    answer_count: int
    shown: bool  # False when there are fewer than 5 answers: nothing is broken down
    gaps: list[Gap]
    age_bands: list[tuple[str, int | None]]


def needs_report(survey: NeedsSurvey, organization: Organization | None = None) -> NeedsReport:
    """Needs against supply, per area, for the network or one organisation."""
    from services.models import AgeBand

    found = answers(survey, organization)
    total = found.count()
    shown = total >= PRIVACY_THRESHOLD
    asked = dict(
        found.order_by()
        .values_list("categories")
        .annotate(total=Count("pk"))
        .values_list("categories", "total")
    )
    on_offer = dict(
        supply(organization)
        .order_by()
        .values_list("category")
        .annotate(total=Count("pk", distinct=True))
        .values_list("category", "total")
    )
    all_services = sum(on_offer.values())
    gaps = []
    for category in Category.objects.order_by("position", "name"):
        needs = suppressed(asked.get(category.pk, 0)) if shown else None
        gaps.append(
            Gap(
                category=category,
                needs=needs,
                needs_share=(needs / total) if needs is not None and total else None,
                services=on_offer.get(category.pk, 0),
                services_share=(on_offer.get(category.pk, 0) / all_services)
                if all_services
                else 0.0,
            )
        )
    gaps.sort(key=lambda gap: (gap.gap is None, -(gap.gap or 0), str(gap.category.name)))
    bands = {}
    if shown:
        for answer_bands in found.values_list("age_bands", flat=True):
            for band in answer_bands or []:
                bands[band] = bands.get(band, 0) + 1
    age_bands = [
        (str(band.label), suppressed(bands.get(band.value, 0)) if shown else None)
        for band in AgeBand
    ]
    return NeedsReport(
        survey=survey,
        organization=organization,
        answer_count=total,
        shown=shown,
        gaps=gaps,
        age_bands=age_bands,
    )


def organizations_answering(survey: NeedsSurvey):
    """Organisations with at least one answer, for the coordinator's choice."""
    return Organization.objects.filter(
        pk__in=NeedsAnswer.objects.filter(survey=survey).values("organization")
    ).order_by("name")
