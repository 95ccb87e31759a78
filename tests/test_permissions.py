"""The security matrix: every URL of the site × every role → the expected answer.

The table below has one row per URL name of the URL conf (a few names have several rows, one
per kind of object: a draft, a service open to everyone, a service reserved to A...). The
completeness test walks the resolver, includes and i18n_patterns too, so a URL added tomorrow
without a row here fails, and a row left behind by a removed URL fails as well.

The world: two active partners A and B. A provides a draft, a published service open to
everyone and a published service reserved to A's employees; B's employee asked A for the
service open to everyone; A's employee saved the reserved service; A has a second referent and
a pending affiliation request; somebody outside has an open invitation to become referent of A.

The rules the table spells out, role by role:
- pages for a signed-in person send anonymous visitors to the login page;
- another organisation's objects are 404, never 403: nobody learns that they exist;
- the wrong role is 403 (a non-referent in the partner area, a visitor asking for a service);
- state-changing views are POST-only: GET is 405 for everyone, before anything else;
- POSTs that are refused change nothing in the database.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from meetings.models import (
    Action,
    ActionItem,
    AgendaDocument,
    AgendaItem,
    Attendance,
    CalendarSubscription,
    Decision,
    Meeting,
    MeetingNotice,
    ProgressNote,
    hash_feed_token,
)
from partners.access import SESSION_KEY
from partners.models import Affiliation, Organization, Person, ReferentInvitation
from services.hsds import hsds_id
from services.models import NeedsSurvey, SavedService, ServiceRequest, WelfareService
from tests import factories
from tests.accounts.softkey import stored_key
from tests.area.helpers import pending_affiliation, service_data
from tests.permission_rows import ACTING_FOR, ADMIN_ROWS, POST_ONLY, ROLES, ROWS, Redirect


def _ids(rows, method):
    return [f"{row.label}-{role}" for row in rows for role in getattr(row, method)]


GET_CASES = [(row, role) for row in ROWS for role in ROLES]
POST_CASES = [(row, role) for row in ROWS for role in row.post]
ALLOWED_CASES = [row for row in ROWS if row.allowed]


# --- The world -------------------------------------------------------------------------------


@pytest.fixture
def staff(db):
    return factories.make_user("ufficio@comune.trento.it", is_staff=True)


@pytest.fixture
def referent_ab(org_a, org_b):
    user = factories.make_user("elena@alfa.example")
    factories.affiliate(user, org_a, role=Affiliation.Role.REFERENT)
    factories.affiliate(user, org_b, role=Affiliation.Role.REFERENT)
    return user


@pytest.fixture
def employee_suspended(db):
    org_c = factories.make_organization(
        "Organizzazione Gamma", slug="gamma", domain="gamma.example"
    )
    user = factories.make_user("gino@gamma.example")
    factories.affiliate(user, org_c)
    Organization.objects.filter(pk=org_c.pk).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    return user


@pytest.fixture
def as_role(client, request, org_a, org_b):
    """A client logged in as the named role; the two-organisation referent works for A or B."""

    def login(role):
        if role == "anonymous":
            return client
        if role in ACTING_FOR:
            client.force_login(request.getfixturevalue("referent_ab"))
            session = client.session
            session[SESSION_KEY] = (org_a if role.endswith("_a") else org_b).pk
            session.save()
            return client
        client.force_login(request.getfixturevalue(role))
        return client

    return login


@pytest.fixture(autouse=True)
def _default_language():
    # A request under /en/ elsewhere may leave English active: reverse() would follow it.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def world(org_a, org_b, employee_a, employee_b, referent_a):
    category = factories.make_category("Infanzia", slug="infanzia")
    draft_a = factories.make_service(
        org_a,
        category=category,
        title="Bozza di Alfa",
        slug="bozza-alfa",
        status=WelfareService.Status.DRAFT,
    )
    public_a = factories.make_service(
        org_a,
        category=category,
        title="Nido di Alfa",
        slug="nido-alfa",
        address="Via Belenzani 19",
        area="Centro storico",
    )
    reserved_a = factories.make_service(
        org_a,
        category=category,
        title="Palestra riservata ad Alfa",
        slug="palestra-alfa",
        eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS,
    )
    reserved_a.eligible_organizations.add(org_a)
    second_referent = factories.make_user("franco@alfa.example")
    agreement = factories.make_agreement(title="Accordo volontario di area", slug="area-2018")
    agreement.document = SimpleUploadedFile(
        "firmato.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
    )
    agreement.save()
    private_agreement = factories.make_agreement(
        slug="riservato", is_public=False, signatories=[org_a]
    )
    private_agreement.document = SimpleUploadedFile(
        "riservato.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
    )
    private_agreement.save()
    SavedService.objects.create(user=employee_a, service=reserved_a)
    main_group = factories.make_group(name="Gruppo di lavoro del Distretto", slug="gruppo")
    main_group.members.add(org_a, org_b)
    subgroup = factories.make_group(
        name="Sotto-gruppo 0-14", slug="sotto-gruppo", parent=main_group
    )
    subgroup.members.add(org_a)
    minutes = SimpleUploadedFile(
        "verbale.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
    )
    world = SimpleNamespace(
        org_a=org_a,
        category=category,
        # The open data's identifiers of the same records.
        hsds=SimpleNamespace(
            public_service=hsds_id("service", public_a.pk),
            reserved_service=hsds_id("service", reserved_a.pk),
            organization=hsds_id("organization", org_a.pk),
            place=hsds_id("service-at-location", public_a.pk),
            taxonomy=hsds_id("taxonomy", "category"),
            term=hsds_id("category", category.pk),
        ),
        draft_a=draft_a,
        public_a=public_a,
        reserved_a=reserved_a,
        request_b=ServiceRequest.objects.create(
            service=public_a,
            requester=employee_b,
            requester_organization=org_b,
            message="Vorrei iscrivere mia figlia.",
        ),
        membership_a=Affiliation.objects.get(user=employee_a, organization=org_a),
        second_referent_a=factories.affiliate(
            second_referent, org_a, role=Affiliation.Role.REFERENT
        ),
        pending_a=pending_affiliation(org_a, "gina@alfa.example"),
        invitation=ReferentInvitation.objects.create_with_token(
            organization=org_a,
            email="nuovo.referente@alfa.example",
            expires_at=timezone.now() + timedelta(days=14),
        ),
        applicant=factories.make_organization(
            "Candidata", slug="candidata", membership_status="applicant"
        ),
        agreement=agreement,
        private_agreement=private_agreement,
        programme=factories.make_programme(),
        needs_survey=NeedsSurvey.objects.create(
            year=timezone.localdate().year,
            opens_on=timezone.localdate() - timedelta(days=1),
            closes_on=timezone.localdate() + timedelta(days=30),
        ),
        group_meeting=factories.make_meeting(main_group, minutes_file=minutes),
        subgroup_meeting=factories.make_meeting(subgroup, minutes_file=minutes),
        key_a=stored_key(referent_a),
        join=_applications(),
        reconfirm=_reconfirmations(org_a),
    )
    world.org_b = org_b
    AgendaItem.objects.create(meeting=world.group_meeting, position=1, title="Apertura")
    world.agenda_item = AgendaItem.objects.create(
        meeting=world.group_meeting, position=2, title="Programma"
    )
    world.agenda_document = AgendaDocument.objects.create(
        item=world.agenda_item,
        title="Bozza",
        file=SimpleUploadedFile("bozza.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    world.past_meeting = factories.make_meeting(
        main_group, starts_at=timezone.now() - timedelta(days=2)
    )
    world.decision = Decision.objects.create(meeting=world.past_meeting, text="Deciso.")
    world.action_item = ActionItem.objects.create(meeting=world.past_meeting, what="Da fare")
    world.action_item.owners.add(org_a)
    world.action_a = factories.make_action(world.programme, org_a)
    CalendarSubscription.objects.create(
        user=referent_a, token_hash=hash_feed_token("feed-token-of-a")
    )
    return world


def _reconfirmations(org_a):
    """Two of A's employees asked this year's confirmation: by their work address, and by
    a referent (approved by hand)."""
    from partners.models import hash_invitation_token

    asked = {"reconfirm_requested_at": timezone.now()}
    factories.affiliate(
        factories.make_user("paola@alfa.example"),
        org_a,
        verified_via=Affiliation.VerifiedVia.EMAIL_DOMAIN,
        reconfirm_token_hash=hash_invitation_token("token-di-conferma"),
        **asked,
    )
    approved = factories.affiliate(
        factories.make_user("luca@example.net"),
        org_a,
        verified_via=Affiliation.VerifiedVia.REFERENT_APPROVAL,
        **asked,
    )
    return SimpleNamespace(token="token-di-conferma", reapprove_a=approved.pk)


def _applications():
    """An application waiting for its e-mail confirmation, and one waiting for an answer."""
    from partners.actions import membership_application_confirmation_key
    from partners.models import MembershipApplication, hash_invitation_token

    fields = {"kind": "cooperative", "contact_name": "Giulia Rossi"}
    unconfirmed = MembershipApplication.objects.create(
        organization_name="Cooperativa Nuova",
        contact_email="giulia@nuova.example",
        status=MembershipApplication.Status.UNCONFIRMED,
        **fields,
    )
    waiting = MembershipApplication.objects.create(
        organization_name="Cooperativa In Attesa",
        contact_email="giulia@attesa.example",
        status=MembershipApplication.Status.INFO_REQUESTED,
        email_confirmed_at=timezone.now(),
        status_token_hash=hash_invitation_token("token-della-domanda"),
        certificate=SimpleUploadedFile(
            "certificato.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
        ),
        **fields,
    )
    waiting.messages.create(author="coordinator", text="Quanti dipendenti avete?")
    return SimpleNamespace(
        key=membership_application_confirmation_key(unconfirmed),
        token="token-della-domanda",
        pk=waiting.pk,
    )


def url_for(row, world):
    kwargs = {}
    for key, value in row.kwargs.items():
        if isinstance(value, str) and "." in value:
            name, attribute = value.split(".")
            value = getattr(getattr(world, name), attribute)
        kwargs[key] = value
    return reverse(row.name, kwargs=kwargs or None)


def post_data(row, world):
    org_a = world.org_a
    bodies = {
        "": {},
        "service-request": {"kind": "interest", "message": "Vorrei partecipare."},
        "affiliation-request": {"organization": str(org_a.pk), "message": "Ufficio personale"},
        "account-delete": {"password": factories.PASSWORD},
        "language-update": {"language": "en"},
        "organization-edit": {
            "description": "Nuova descrizione del profilo pubblico.",
            "website": "https://www.alfa.example",
            "contact_email": "info@alfa.example",
            "contact_phone": "",
            "address": "Via Sommarive 18",
            "area": "Povo",
        },
        "organization-switch": {"organization": str(org_a.pk)},
        "service-create": service_data(world.category),
        "service-edit": service_data(world.category, title="Bozza di Alfa, rivista"),
        "request-answer": {"status": "accepted", "answer": "Ti aspettiamo lunedì."},
        "affiliation-reject": {"reason": "Non risulta tra i dipendenti."},
        "meeting-rsvp": {"status": "confirmed", "representative": "Carla Rossi"},
        "agenda-add": {"title": "Nuovo punto"},
        "agenda-move": {"direction": "up"},
        "agenda-document": {
            "title": "Allegato",
            "file": SimpleUploadedFile(
                "allegato.pdf", factories.pdf_bytes(), content_type="application/pdf"
            ),
        },
        "attendance": {
            f"org-{org_a.pk}": "attended",
            f"org-{world.org_b.pk}": "absent",
        },
        "minutes": {"minutes": "Presenti tutti."},
        "decision": {"text": "Si approva."},
        "action-item": {"what": "Raccogliere i dati", "owners": [str(org_a.pk)]},
        "progress": {
            "status": "in_progress",
            "text": "Avviata.",
            "written_on": timezone.localdate().isoformat(),
        },
    }
    return bodies[row.data]


def snapshot():
    """Everything a refused POST could have changed."""
    models = [
        Organization,
        Affiliation,
        WelfareService,
        WelfareService.eligible_organizations.through,
        ServiceRequest,
        SavedService,
        ReferentInvitation,
        Person,
        EmailAddress,
        LogEntry,
        Attendance,
        Authenticator,
        Meeting,
        AgendaItem,
        AgendaDocument,
        Decision,
        ActionItem,
        ActionItem.owners.through,
        Action,
        ProgressNote,
        CalendarSubscription,
        MeetingNotice,
    ]
    state = {
        model._meta.label: list(model.objects.order_by("pk").values_list()) for model in models
    }
    state["users"] = list(
        get_user_model().objects.order_by("pk").values_list("pk", "email", "is_active")
    )
    return state


def assert_answer(response, expected, label):
    if isinstance(expected, Redirect):
        assert response.status_code == 302, f"{label}: {response.status_code}, not {expected}"
        location = response["Location"].split("?")[0]
        if not expected.to:
            assert location.startswith("/"), f"{label}: redirected off the site to {location}"
            return
        target = expected.to if expected.to.startswith("/") else reverse(expected.to)
        assert location == target, f"{label}: redirected to {location}, not {target}"
        if expected.back:
            assert "next=" in response["Location"], f"{label}: no way back after login"
    else:
        assert response.status_code == expected, f"{label}: {response.status_code}, not {expected}"


# --- The tests -------------------------------------------------------------------------------


def _our_url_names(patterns, namespace=""):
    """Every URL name reachable from `patterns`, through includes and i18n_patterns."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _our_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_an_entry():
    names = set(_our_url_names(get_resolver().url_patterns))
    # The back office is covered here as a group (index and change lists); every admin page
    # and permission has its own tests in tests/admin.
    names = {name for name in names if not name.startswith("admin:")}
    in_table = {row.name for row in ROWS if not row.name.startswith("admin:")}
    missing = sorted(names - in_table)
    assert not missing, f"URL names without a row in the permission matrix: {missing}"
    stale = sorted(in_table - names)
    assert not stale, f"Rows for URL names that no longer exist: {stale}"


def test_every_row_is_distinct_and_every_post_only_view_is_posted_to():
    labels = [row.label for row in ROWS]
    assert len(labels) == len(set(labels))
    assert all(set(row.get) == set(ROLES) for row in ROWS)
    post_only = [row.label for row in ROWS if row.get == POST_ONLY]
    assert post_only
    assert not [label for label in post_only if not ROWS[labels.index(label)].post]


def test_the_admin_rows_cover_the_index_and_every_model_of_our_apps():
    names = set(_our_url_names(get_resolver().url_patterns))
    admin_rows = {row.name for row in ADMIN_ROWS}
    assert "admin:index" in admin_rows
    assert len(admin_rows) > 10
    assert admin_rows <= names


@pytest.mark.parametrize(("row", "role"), GET_CASES, ids=_ids(ROWS, "get"))
def test_get(as_role, world, row, role):
    client = as_role(role)
    response = client.get(url_for(row, world))
    assert_answer(response, row.get[role], f"GET {row.label} as {role}")


@pytest.mark.parametrize(("row", "role"), POST_CASES, ids=_ids(ROWS, "post"))
def test_refused_post_changes_nothing(as_role, world, row, role):
    client = as_role(role)
    url = url_for(row, world)
    before = snapshot()
    response = client.post(url, post_data(row, world))
    assert_answer(response, row.post[role], f"POST {row.label} as {role}")
    assert snapshot() == before


@pytest.mark.parametrize("row", ALLOWED_CASES, ids=[row.label for row in ALLOWED_CASES])
def test_the_same_post_from_the_right_person_does_change_something(as_role, world, row):
    """The control for the refusals above: the body is valid and the snapshot would notice."""
    role, expected = row.allowed
    client = as_role(role)
    url = url_for(row, world)
    before = snapshot()
    response = client.post(url, post_data(row, world))
    assert_answer(response, expected, f"POST {row.label} as {role}")
    assert snapshot() != before
