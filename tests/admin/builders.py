"""Data for the back-office tests: one object of each model, or many rows with their relations.

``one(model)`` makes a single valid object; ``rows(model, n)`` makes ``n`` more rows of the
model, each with the related data its change list shows (domains, certifications,
signatures, members...), so a query per row would show up in the query counts.
"""

import itertools
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from agreements.models import Agreement, Signature
from background.models import OutgoingMail, PeriodicJob
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Meeting,
    WorkingGroup,
    WorkProgramme,
)
from partners.models import (
    Affiliation,
    Certification,
    EmailDomain,
    MembershipApplication,
    Organization,
)
from services.models import (
    Audience,
    Category,
    NeedsSurvey,
    SavedService,
    ServiceRequest,
    SynonymGroup,
    WelfareService,
)
from tests import factories

User = get_user_model()
_counter = itertools.count(1)


def make_application(**fields):
    n = next(_counter)
    defaults = {
        "organization_name": f"Cooperativa Richiedente {n}",
        "kind": Organization.Kind.COOPERATIVE,
        "contact_name": "Giulia Rossi",
        "contact_email": f"giulia{n}@richiedente.example",
        "certification_reference": f"Determinazione n. {n}/2025",
    }
    return MembershipApplication.objects.create(**(defaults | fields))


def make_service_request(service=None, **fields):
    service = service or factories.make_service(factories.make_organization())
    requester = fields.pop("requester", None) or factories.make_user()
    return ServiceRequest.objects.create(
        service=service, requester=requester, message="Vorrei informazioni.", **fields
    )


def _organization_with_everything():
    n = next(_counter)
    organization = factories.make_organization(domain=f"dominio{n}.example")
    EmailDomain.objects.create(organization=organization, domain=f"altro{n}.example")
    factories.make_certification(organization)
    factories.make_certification(
        organization,
        phase=Certification.Phase.PROCESS,
        status=Certification.Status.IN_PROGRESS,
        granted_on=None,
        expires_on=None,
        registered_on=date(2024, 1, n % 28 + 1),
    )
    factories.affiliate(factories.make_user(), organization)
    return organization


def _invitation():
    from partners.models import ReferentInvitation

    n = next(_counter)
    return ReferentInvitation.objects.create_with_token(
        organization=factories.make_organization(),
        email=f"invitato{n}@example.org",
        invited_by=factories.make_user(),
        expires_at=timezone.now() + timedelta(days=14),
    )


def _user():
    return factories.make_user()


def _email_address():
    return EmailAddress.objects.get(user=factories.make_user())


def _email_domain():
    n = next(_counter)
    return EmailDomain.objects.create(
        organization=factories.make_organization(), domain=f"d{n}.example"
    )


def _certification():
    return factories.make_certification(factories.make_organization())


def _affiliation():
    return factories.affiliate(
        factories.make_user(), factories.make_organization(), verified_by=factories.make_user()
    )


def _agreement():
    return factories.make_agreement(
        signatories=[factories.make_organization(), factories.make_organization()],
        predecessor=factories.make_agreement(),
    )


def _signature():
    return factories.make_agreement(signatories=[factories.make_organization()]).signatures.get()


def _audience():
    return factories.make_audience()


def _service():
    service = factories.make_service(factories.make_organization())
    service.audiences.add(factories.make_audience())
    return service


def _saved_service():
    return SavedService.objects.create(
        user=factories.make_user(), service=factories.make_service(factories.make_organization())
    )


_survey_years = iter(range(2040, 3000))


def _needs_survey():
    year = next(_survey_years)
    return NeedsSurvey.objects.create(
        year=year, opens_on=date(year, 3, 1), closes_on=date(year, 3, 31)
    )


def _group():
    parent = factories.make_group()
    group = factories.make_group(parent=parent, coordinator=factories.make_organization())
    group.members.add(factories.make_organization())
    return group


def _meeting():
    meeting = factories.make_meeting()
    AgendaItem.objects.create(meeting=meeting, title="Apertura", position=1)
    Attendance.objects.create(meeting=meeting, organization=factories.make_organization())
    return meeting


def _agenda_item():
    return AgendaItem.objects.create(meeting=factories.make_meeting(), title="Varie ed eventuali")


def _attendance():
    return Attendance.objects.create(
        meeting=factories.make_meeting(), organization=factories.make_organization()
    )


def _next_year() -> int:
    return (WorkProgramme.objects.aggregate(last=Max("year"))["last"] or 2013) + 1


def _programme():
    programme = factories.make_programme(_next_year())
    factories.make_action(programme, factories.make_organization())
    return programme


def _action():
    action = factories.make_action(
        _programme(), factories.make_organization(), subgroup=factories.make_group()
    )
    action.partners.add(factories.make_organization())
    action.services.add(factories.make_service(factories.make_organization()))
    return action


def _outgoing_mail():
    return OutgoingMail.objects.create(
        to="qualcuno@example.org",
        from_email="noreply@example.org",
        subject="Prova",
        body="Testo",
        status=OutgoingMail.Status.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


def _periodic_job():
    return PeriodicJob.objects.create(
        name=f"job-{PeriodicJob.objects.count()}", last_started_at=timezone.now()
    )


def _task_result():
    return DBTaskResult.objects.create(
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="background.mail.deliver_mail",
        backend_name="default",
        run_after=get_date_max(),
    )


_synonym_groups = itertools.count(1)


def _synonym_group():
    n = next(_synonym_groups)
    return SynonymGroup.objects.create(name=f"Sinonimi {n}", terms=f"parola{n}\nvocabolo{n}")


ONE = {
    OutgoingMail: _outgoing_mail,
    PeriodicJob: _periodic_job,
    DBTaskResult: _task_result,
    User: _user,
    EmailAddress: _email_address,
    Organization: _organization_with_everything,
    EmailDomain: _email_domain,
    Certification: _certification,
    Affiliation: _affiliation,
    MembershipApplication: lambda: make_application(),
    Agreement: _agreement,
    Signature: _signature,
    Category: lambda: factories.make_category(),
    Audience: _audience,
    WelfareService: _service,
    ServiceRequest: lambda: make_service_request(),
    SavedService: _saved_service,
    NeedsSurvey: _needs_survey,
    SynonymGroup: _synonym_group,
    WorkingGroup: _group,
    Meeting: _meeting,
    AgendaItem: _agenda_item,
    Attendance: _attendance,
    WorkProgramme: _programme,
    Action: _action,
}
try:  # the invitations model belongs to the accounts work, which may not be there yet
    from partners.models import ReferentInvitation
except ImportError:  # pragma: no cover
    pass
else:
    ONE[ReferentInvitation] = _invitation


def one(model):
    try:
        builder = ONE[model]
    except KeyError:
        raise LookupError(
            f"tests/admin/builders.py has no builder for {model._meta.label}: add one to ONE."
        ) from None
    return builder()


def _spread(i: int) -> dict:
    """Different dates for each row, so date hierarchies and orderings have work to do."""
    return {"days": i * 37}


def rows(model, n: int) -> None:
    """Make ``n`` rows of ``model``, with the relations its change list displays."""
    if model is Category:
        for _ in range(n):
            category = factories.make_category()
            factories.make_service(factories.make_organization(), category=category)
        return
    if model is WelfareService:
        category = factories.make_category()
        for i in range(n):
            service = factories.make_service(factories.make_organization(), category=category)
            WelfareService.objects.filter(pk=service.pk).update(
                published_at=timezone.now() - timedelta(**_spread(i))
            )
        return
    if model is ServiceRequest:
        service = factories.make_service(factories.make_organization())
        for _ in range(n):
            make_service_request(service, requester_organization=factories.make_organization())
        return
    if model is Agreement:
        previous = None
        for i in range(n):
            previous = factories.make_agreement(
                signatories=[factories.make_organization()],
                predecessor=previous,
                signed_on=date(2014, 1, 1) + timedelta(**_spread(i)),
            )
        return
    if model is WorkProgramme:
        for _ in range(n):
            programme = factories.make_programme(_next_year())
            factories.make_action(programme, factories.make_organization())
        return
    if model is Action:
        programme = factories.make_programme(_next_year())
        for _ in range(n):
            factories.make_action(
                programme, factories.make_organization(), subgroup=factories.make_group()
            )
        return
    if model is Affiliation:
        organization = factories.make_organization()
        for _ in range(n):
            factories.affiliate(factories.make_user(), organization)
        return
    for _ in range(n):
        one(model)


# --- The registry under test ---------------------------------------------------------------

DISTRICT_APPS = {"partners", "agreements", "services", "meetings"}
# Outside the district's apps the coordinator only looks at people and their addresses.
VIEW_ONLY_MODELS = {User, EmailAddress}


def district_model_admins():
    """Every ModelAdmin the coordinator works with, read from the admin registry."""
    from django.contrib import admin

    found = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DISTRICT_APPS or model in VIEW_ONLY_MODELS
    ]
    return sorted(found, key=lambda pair: pair[0]._meta.label)


def admin_url(model, page: str, *args) -> str:
    from django.urls import reverse

    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)
