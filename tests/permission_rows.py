"""The permission matrix's table: every role, the answer shapes, and one row per URL.

Data only: tests/test_permissions.py builds the world and walks these rows (and
tests/test_hostile_input.py sweeps the same URLs). A URL added without a row fails there.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib import admin

ROLES = [
    "anonymous",
    "unaffiliated",
    "employee_a",
    "employee_b",
    "referent_a",
    "referent_b",
    "coordinator",
    # A staff account outside the Coordinatore group: an ordinary person everywhere.
    "staff",
    # One person, referent of both A and B, working for A or for B in the partner area.
    "referent_ab_for_a",
    "referent_ab_for_b",
    # A verified employee of C, a suspended member: no partner rights while suspended.
    "employee_suspended",
]
# The two-organisation referent acts like A's referent, or like B's, where the session counts.
ACTING_FOR = {"referent_ab_for_a": "referent_a", "referent_ab_for_b": "referent_b"}


@dataclass(frozen=True)
class Redirect:
    """A 302 to the page named `to` (a URL name, or a path when it starts with `/`).

    With `back`, the address also carries `next`, to come back once signed in.
    """

    to: str
    back: bool = False

    def __str__(self):
        return f"302->{self.to}"


LOGIN = Redirect("account_login", back=True)
# Back to the page the form was on, with the refusal as a message (the person may see it).
BACK = Redirect("")
ADMIN_LOGIN = Redirect("admin:login")


def expect(default, **per_role):
    """The answer for every role: `default`, except the roles named.

    The referent of A and B gets what the referent of the organisation it works for gets,
    unless named.
    """
    unknown = set(per_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    for role, like in ACTING_FOR.items():
        if role not in per_role and like in per_role:
            per_role[role] = per_role[like]
    return {role: per_role.get(role, default) for role in ROLES}


# Where a signed-in person is sent by the pages for visitors only: where their role works.
LANDING = expect(
    Redirect("account:profile"),
    employee_a=Redirect("services:service-list"),
    employee_b=Redirect("services:service-list"),
    referent_a=Redirect("area:dashboard"),
    referent_b=Redirect("area:dashboard"),
    coordinator=Redirect("admin:index"),
)


def landing(**per_role):
    return {**LANDING, **per_role}


# The usual shapes of a row.
PUBLIC = expect(200)
SIGNED_IN = expect(200, anonymous=LOGIN)
# require_POST wraps the login check: a GET is refused before anything else, for everyone.
POST_ONLY = expect(405)
# Partner area pages about the referent's own organisation (the session's one).
AREA = expect(403, anonymous=LOGIN, referent_a=200, referent_b=200)
# Partner area pages about one of A's objects: B's referent must not learn it exists.
AREA_OF_A = expect(403, anonymous=LOGIN, referent_a=200, referent_b=404)
# What the refused roles get when they POST to a state-changing view of the partner area.
AREA_POST_OF_A = expect(403, anonymous=LOGIN, referent_b=404)
AREA_POST = expect(403, anonymous=LOGIN)
NOT_FOUND = expect(404)
# Meetings pages: the referents of the groups' members and the coordinator.
MEETINGS = expect(403, anonymous=LOGIN, referent_a=200, referent_b=200, coordinator=200)
# A private file (the minutes): 404 for every signed-in person without the right, as if
# it did not exist; the login page for visitors, whatever the number.
PRIVATE_FILE = expect(404, anonymous=LOGIN, referent_a=200, referent_b=200, coordinator=200)
PRIVATE_FILE_OF_A = expect(
    404, anonymous=LOGIN, referent_a=200, coordinator=200, referent_ab_for_b=200
)
MEETINGS_OF_A = expect(
    403,
    anonymous=LOGIN,
    referent_a=200,
    referent_b=404,
    coordinator=200,
    # Meetings are seen for every organisation the person is referent of.
    referent_ab_for_b=200,
)
ANONYMOUS_ONLY = {"anonymous": LOGIN}
# The coordinator's pages about a meeting: referents who see the meeting get 403 (wrong role).
COORDINATOR_PAGE = expect(403, anonymous=LOGIN, coordinator=200)
COORDINATOR_POST = expect(403, anonymous=LOGIN)
# Changing one's second factors: allauth first asks to confirm the password (a session left
# open is not enough), and only then looks at the object (tests/accounts/test_mfa.py).
CONFIRM_FIRST = expect(Redirect("account_reauthenticate", back=True), anonymous=LOGIN)


def only(expected, *roles):
    return {role: expected[role] for role in roles}


def refused(expected, *allowed):
    """The POST expectations of the roles not in `allowed` (nor acting like one of them)."""
    allowed = {*allowed, *(role for role, like in ACTING_FOR.items() if like in allowed)}
    return {role: answer for role, answer in expected.items() if role not in allowed}


@dataclass(frozen=True)
class Row:
    """One URL (with its arguments) and the answer each role gets.

    `kwargs` values "object.attribute" are read from the world; other values are literal.
    `post` lists the roles refused on POST and what they get; `data` is a POST body that a
    permitted role could send successfully (so a refusal is about the role, not the data);
    `allowed` is one role whose same POST does change the database: it proves that the
    refusals are not vacuous.
    """

    name: str
    get: dict
    kwargs: dict = field(default_factory=dict)
    variant: str = ""
    post: dict = field(default_factory=dict)
    data: str = ""
    allowed: tuple = ()

    @property
    def label(self):
        return f"{self.name}@{self.variant}" if self.variant else self.name


OUR_APPS = {"partners", "agreements", "services", "meetings", "distretto", "background"}
# What the coordinator may add: a request of a coordinator, for has_add_permission.
_COORDINATOR = SimpleNamespace(user=SimpleNamespace(has_perm=lambda permission: True))
ADMIN_ROWS = [
    # Django lets any staff account into the index; it lists nothing they may not see.
    Row("admin:index", expect(ADMIN_LOGIN, coordinator=200, staff=200)),
    *(
        Row(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}",
            expect(ADMIN_LOGIN, coordinator=200, staff=403),
            variant=view,
        )
        for view in ("changelist", "add")
        for model in sorted(admin.site._registry, key=lambda model: model._meta.label)
        if model._meta.app_label in OUR_APPS
        and (view != "add" or admin.site._registry[model].has_add_permission(_COORDINATOR))
    ),
    # The coordinator's exports (distretto/exports.py): personal data, the coordinator only;
    # POST is 405 for everyone in the back office.
    *(
        Row(
            "admin:export",
            expect(ADMIN_LOGIN, coordinator=200, staff=403),
            {"kind": kind},
            variant=kind,
            post=expect(ADMIN_LOGIN, coordinator=405, staff=405),
        )
        for kind in ("people", "requests", "signatures", "attendance")
    ),
]

ROWS = [
    # --- The site's own pages ---------------------------------------------------------------
    Row("home", PUBLIC),
    Row("about", PUBLIC),
    Row("accessibility", PUBLIC),
    Row("privacy", PUBLIC),
    Row("healthz", PUBLIC),
    Row("readyz", PUBLIC),
    Row("robots-txt", PUBLIC),
    Row("sitemap", PUBLIC),
    Row("sitemap-section", PUBLIC, {"section": "services"}, "services"),
    Row("sitemap-section", NOT_FOUND, {"section": "nothing"}, "unknown"),
    # --- The network's balance: totals for all, the whole network for the coordinator ----
    Row("balance", PUBLIC),
    Row("balance-network", expect(403, anonymous=LOGIN, coordinator=200)),
    Row("area:balance", AREA),
    # --- Open data: the same for everybody; reserved services do not exist there -----------
    Row("open-data", PUBLIC),
    Row("open-data-dcat", PUBLIC),
    Row("hsds:root", PUBLIC),
    Row("hsds:service-list", PUBLIC),
    Row("hsds:service-detail", PUBLIC, {"identifier": "hsds.public_service"}, "everyone"),
    Row("hsds:service-detail", NOT_FOUND, {"identifier": "hsds.reserved_service"}, "reserved"),
    Row("hsds:organization-list", PUBLIC),
    Row("hsds:organization-detail", PUBLIC, {"identifier": "hsds.organization"}),
    Row("hsds:service-at-location-list", PUBLIC),
    Row("hsds:service-at-location-detail", PUBLIC, {"identifier": "hsds.place"}),
    Row("hsds:taxonomy-list", PUBLIC),
    Row("hsds:taxonomy-detail", PUBLIC, {"identifier": "hsds.taxonomy"}),
    Row("hsds:taxonomy-term-list", PUBLIC),
    Row("hsds:taxonomy-term-detail", PUBLIC, {"identifier": "hsds.term"}),
    Row("hsds:data-package", PUBLIC),
    # Django's language switch: a GET only goes back (here to the home page).
    Row("set_language", expect(Redirect("/"))),
    # --- Public directory, agreements, programme --------------------------------------------
    Row("partners:organization-list", PUBLIC),
    Row("partners:organization-detail", PUBLIC, {"slug": "org_a.slug"}, "member"),
    Row("partners:organization-detail", NOT_FOUND, {"slug": "applicant.slug"}, "applicant"),
    Row("agreements:agreement-list", PUBLIC),
    Row("agreements:agreement-detail", PUBLIC, {"slug": "agreement.slug"}, "public"),
    Row("agreements:agreement-detail", NOT_FOUND, {"slug": "private_agreement.slug"}, "private"),
    Row("agreements:agreement-document", PUBLIC, {"slug": "agreement.slug"}, "public"),
    # A private agreement's document: for the referents of its signatories (A) and the
    # coordinator; whoever else asks learns nothing.
    Row(
        "agreements:agreement-document",
        expect(404, referent_a=200, referent_ab_for_b=200, coordinator=200),
        {"slug": "private_agreement.slug"},
        "private",
    ),
    Row("meetings:programme", PUBLIC),
    Row("meetings:programme-year", PUBLIC, {"year": "programme.year"}, "published"),
    Row("meetings:programme-year", NOT_FOUND, {"year": 2015}, "missing"),
    # --- Joining the district (/aderisci/): public, the links are the secrets ---------------
    Row("join:application-create", PUBLIC),
    Row("join:application-confirm", PUBLIC, {"key": "join.key"}, "open"),
    Row("join:application-confirm", NOT_FOUND, {"key": "not-a-key"}, "unknown"),
    Row("join:application-status", PUBLIC, {"token": "join.token"}, "open"),
    Row("join:application-status", NOT_FOUND, {"token": "not-a-token"}, "unknown"),
    # The applicant's certificate: for the coordinator only; nobody else learns it exists.
    Row(
        "join:application-certificate",
        expect(404, anonymous=LOGIN, coordinator=200),
        {"pk": "join.pk"},
    ),
    # --- Working-group meetings: for referents (of the groups' members) and the coordinator --
    Row("meetings:meeting-list", MEETINGS),
    Row("meetings:meeting-calendar", SIGNED_IN),
    # A and B are in the main group: both see its meetings.
    Row("meetings:meeting-detail", MEETINGS, {"pk": "group_meeting.pk"}, "main_group"),
    # Only A is in the sub-group: B's referent must not learn the meeting exists.
    Row("meetings:meeting-detail", MEETINGS_OF_A, {"pk": "subgroup_meeting.pk"}, "subgroup"),
    Row("meetings:meeting-minutes", PRIVATE_FILE, {"pk": "group_meeting.pk"}, "main_group"),
    Row("meetings:meeting-minutes", PRIVATE_FILE_OF_A, {"pk": "subgroup_meeting.pk"}, "subgroup"),
    Row(
        "meetings:meeting-rsvp",
        POST_ONLY,
        {"pk": "subgroup_meeting.pk"},
        # The coordinator sees the meeting but answers for no organisation: 403. Working for
        # B, the referent of A and B sees it too, and is told that B is not invited.
        post=refused(
            expect(403, anonymous=LOGIN, referent_b=404, referent_ab_for_b=BACK), "referent_a"
        ),
        data="meeting-rsvp",
        allowed=("referent_a", 302),
    ),
    # The personal calendar address: the token is the credential, whoever fetches it.
    Row("meetings:meeting-calendar-feed", PUBLIC, {"token": "feed-token-of-a"}, "valid"),
    Row("meetings:meeting-calendar-feed", NOT_FOUND, {"token": "not-a-token"}, "unknown"),
    # The coordinator's side of a meeting: referents see the meeting but may not change it.
    Row(
        "meetings:meeting-agenda-add",
        POST_ONLY,
        {"pk": "group_meeting.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        data="agenda-add",
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:agenda-item-move",
        POST_ONLY,
        {"pk": "group_meeting.pk", "item_pk": "agenda_item.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        data="agenda-move",
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:agenda-item-remove",
        POST_ONLY,
        {"pk": "group_meeting.pk", "item_pk": "agenda_item.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:agenda-document-add",
        POST_ONLY,
        {"pk": "group_meeting.pk", "item_pk": "agenda_item.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        data="agenda-document",
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:agenda-document",
        MEETINGS,
        {"pk": "group_meeting.pk", "document_pk": "agenda_document.pk"},
    ),
    Row(
        "meetings:agenda-document-remove",
        POST_ONLY,
        {"pk": "group_meeting.pk", "document_pk": "agenda_document.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:meeting-attendance",
        COORDINATOR_PAGE,
        {"pk": "past_meeting.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        data="attendance",
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:meeting-minutes-edit",
        COORDINATOR_PAGE,
        {"pk": "past_meeting.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        data="minutes",
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:decision-add",
        POST_ONLY,
        {"pk": "past_meeting.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        data="decision",
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:decision-remove",
        POST_ONLY,
        {"pk": "past_meeting.pk", "decision_pk": "decision.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:action-item-add",
        POST_ONLY,
        {"pk": "past_meeting.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        data="action-item",
        allowed=("coordinator", 302),
    ),
    Row(
        "meetings:action-item-remove",
        POST_ONLY,
        {"pk": "past_meeting.pk", "item_pk": "action_item.pk"},
        post=refused(COORDINATOR_POST, "coordinator"),
        allowed=("coordinator", 302),
    ),
    Row("meetings:attendance-report", COORDINATOR_PAGE, {"year": 2026}),
    # The programme's actions, for their owners (A leads this one) and the coordinator.
    Row("meetings:action-list", MEETINGS),
    Row("meetings:group-list", MEETINGS),
    Row(
        "meetings:action-progress",
        expect(403, anonymous=LOGIN, referent_a=200, referent_b=404, coordinator=200),
        {"pk": "action_a.pk"},
        post=refused(expect(403, anonymous=LOGIN, referent_b=404), "referent_a", "coordinator"),
        data="progress",
        allowed=("referent_a", 302),
    ),
    # --- Catalogue ----------------------------------------------------------------------------
    Row("services:service-list", PUBLIC),
    Row("services:provider-suggestions", PUBLIC),
    Row("services:service-detail", PUBLIC, {"slug": "public_a.slug"}, "everyone"),
    Row(
        "services:service-detail",
        # The coordinator sees every published service; other staff only what they may.
        expect(
            404,
            employee_a=200,
            referent_a=200,
            coordinator=200,
            referent_ab_for_a=200,
            referent_ab_for_b=200,
        ),
        {"slug": "reserved_a.slug"},
        "reserved_to_a",
    ),
    # A draft is never in the catalogue, not even for its referents (they have the preview).
    Row("services:service-detail", NOT_FOUND, {"slug": "draft_a.slug"}, "draft"),
    Row("services:my-requests", SIGNED_IN),
    Row("services:saved-list", SIGNED_IN),
    # The needs survey: verified employees of active partners (referents are employees too).
    Row(
        "services:needs-survey",
        expect(
            403,
            anonymous=LOGIN,
            employee_a=200,
            employee_b=200,
            referent_a=200,
            referent_b=200,
            referent_ab_for_a=200,
            referent_ab_for_b=200,
        ),
    ),
    Row("needs-results", expect(403, anonymous=LOGIN, coordinator=200)),
    # The yearly report: the form for the coordinator (a valid choice downloads the file).
    Row("district-report", expect(403, anonymous=LOGIN, coordinator=200)),
    Row("needs-gaps-export", expect(403, anonymous=LOGIN, coordinator=200)),
    Row(
        "services:service-request",
        POST_ONLY,
        {"slug": "reserved_a.slug"},
        post=refused(
            # Those who cannot see the service: 404; the coordinator sees it but belongs to no
            # partner, so may not ask for it: 403 (wrong role).
            expect(404, anonymous=LOGIN, coordinator=403),
            "employee_a",
            "referent_a",
            # A's referent, whichever organisation the partner area works for.
            "referent_ab_for_b",
        ),
        data="service-request",
        allowed=("employee_a", 302),
    ),
    Row(
        "services:service-save",
        POST_ONLY,
        {"slug": "reserved_a.slug"},
        post=only(
            expect(404, anonymous=LOGIN), "anonymous", "unaffiliated", "employee_b", "referent_b"
        ),
        allowed=("referent_a", 302),
    ),
    Row(
        "services:service-unsave",
        POST_ONLY,
        {"slug": "reserved_a.slug"},
        # Only employee_a saved it: everybody else has nothing to remove.
        post=refused(expect(404, anonymous=LOGIN), "employee_a"),
        allowed=("employee_a", 302),
    ),
    # A request's own buttons: only the person who sent it (everybody else: no such request).
    Row(
        "services:request-withdraw",
        POST_ONLY,
        {"pk": "request_b.pk"},
        post=refused(expect(404, anonymous=LOGIN), "employee_b"),
        allowed=("employee_b", 302),
    ),
    Row(
        "services:place-confirm",
        POST_ONLY,
        {"pk": "request_b.pk"},
        post=refused(expect(404, anonymous=LOGIN), "employee_b"),
    ),
    # --- The person's own pages (partners/account_urls.py) -----------------------------------
    Row("account:profile", SIGNED_IN),
    Row(
        "account:affiliation-request",
        SIGNED_IN,
        post=ANONYMOUS_ONLY,
        data="affiliation-request",
        allowed=("unaffiliated", 302),
    ),
    Row(
        "account:affiliation-end",
        POST_ONLY,
        {"pk": "membership_a.pk"},
        # employee_a's own affiliation: anybody else's is not found.
        post=refused(expect(404, anonymous=LOGIN), "employee_a"),
        allowed=("employee_a", 302),
    ),
    # The yearly confirmation mailed to a work address: the link is the proof, no sign-in.
    Row("account:affiliation-reconfirm", PUBLIC, {"token": "reconfirm.token"}, "open"),
    Row("account:affiliation-reconfirm", NOT_FOUND, {"token": "not-a-token"}, "unknown"),
    Row("account:data-export", POST_ONLY, post=ANONYMOUS_ONLY),
    # A calendar address for those who have meetings: referents and the coordinator.
    Row(
        "account:calendar-renew",
        POST_ONLY,
        post=refused(expect(403, anonymous=LOGIN), "referent_a", "referent_b", "coordinator"),
        allowed=("referent_b", 302),
    ),
    # Anybody signed in may switch their own address off (nothing happens without one).
    Row(
        "account:calendar-revoke",
        POST_ONLY,
        post=refused(expect(302, anonymous=LOGIN), "referent_a"),
        allowed=("referent_a", 302),
    ),
    Row(
        "account:language-update",
        POST_ONLY,
        post=ANONYMOUS_ONLY,
        data="language-update",
        allowed=("unaffiliated", 302),
    ),
    Row(
        "account:account-delete",
        SIGNED_IN,
        post=ANONYMOUS_ONLY,
        data="account-delete",
        allowed=("unaffiliated", 302),
    ),
    Row(
        "account:invitation-accept",
        # The link is the secret: a visitor is sent to sign up with the invited address; a
        # signed-in person sees the invitation, and may accept it only with that address.
        expect(200, anonymous=Redirect("account_signup")),
        {"token": "invitation.raw_token"},
        "open",
        post=expect(200, anonymous=Redirect("account_signup")),
    ),
    Row("account:invitation-accept", NOT_FOUND, {"token": "not-a-token"}, "unknown"),
    # --- allauth ------------------------------------------------------------------------------
    Row("account_login", landing(anonymous=200)),
    Row("account_logout", expect(200, anonymous=Redirect("home"))),
    Row("account_inactive", PUBLIC),
    Row("account_signup", landing(anonymous=200)),
    Row("account_reauthenticate", SIGNED_IN),
    Row("account_request_reauthentication_code", SIGNED_IN),
    # Without a code requested first, allauth sends the person back to ask for one.
    Row(
        "account_confirm_reauthentication_code",
        expect(Redirect("account_request_reauthentication_code"), anonymous=LOGIN),
    ),
    Row("account_email", SIGNED_IN),
    Row("account_email_verification_sent", PUBLIC),
    Row("account_change_password", SIGNED_IN),
    Row("account_set_password", expect(Redirect("account_change_password"), anonymous=LOGIN)),
    Row("account_reset_password", PUBLIC),
    Row("account_reset_password_done", PUBLIC),
    Row("account_reset_password_from_key", PUBLIC, {"uidb36": "0", "key": "not-a-key"}),
    Row("account_reset_password_from_key_done", PUBLIC),
    Row("account_confirm_email", PUBLIC, {"key": "not-a-key"}),
    # Login by code is not enabled: visitors go back to the login page (nothing to come back
    # to), people signed in to their profile, like the other pages for visitors only.
    Row(
        "account_confirm_login_code",
        landing(anonymous=Redirect("account_login")),
    ),
    # --- Two-factor authentication (allauth.mfa) -------------------------------------------
    Row("mfa_index", SIGNED_IN),
    Row("mfa_list_webauthn", SIGNED_IN),
    Row("mfa_activate_totp", CONFIRM_FIRST, post=CONFIRM_FIRST),
    Row("mfa_add_webauthn", CONFIRM_FIRST, post=CONFIRM_FIRST),
    Row("mfa_generate_recovery_codes", CONFIRM_FIRST, post=CONFIRM_FIRST),
    # referent_a's key: the others get 404 once they have confirmed access.
    Row("mfa_edit_webauthn", CONFIRM_FIRST, {"pk": "key_a.pk"}, post=CONFIRM_FIRST),
    Row("mfa_remove_webauthn", CONFIRM_FIRST, {"pk": "key_a.pk"}, post=CONFIRM_FIRST),
    # Nothing to switch off or show to people without an authenticator app.
    Row("mfa_deactivate_totp", expect(404, anonymous=LOGIN), post=expect(404, anonymous=LOGIN)),
    Row("mfa_view_recovery_codes", expect(404, anonymous=LOGIN)),
    Row("mfa_download_recovery_codes", expect(404, anonymous=LOGIN)),
    # Confirming access with a second factor is for those who have one (referent_a, a key).
    Row("mfa_reauthenticate", expect(Redirect("account_reauthenticate"), anonymous=LOGIN)),
    Row(
        "mfa_reauthenticate_webauthn",
        expect(
            Redirect("account_reauthenticate"),
            anonymous=LOGIN,
            referent_a=200,
            # Another person, without a key of their own.
            referent_ab_for_a=Redirect("account_reauthenticate"),
        ),
    ),
    # The second step of signing in and the passkey sign-in: only while signing in.
    Row(
        "mfa_authenticate",
        landing(anonymous=Redirect("account_login")),
        post=landing(anonymous=Redirect("account_login")),
    ),
    Row(
        "mfa_login_webauthn",
        landing(anonymous=Redirect("account_login")),
    ),
    # --- Partner area (partners/area_urls.py) --------------------------------------------------
    Row("area:dashboard", AREA),
    Row(
        "area:organization-edit",
        AREA,
        post=refused(AREA_POST, "referent_a", "referent_b"),
        data="organization-edit",
        allowed=("referent_a", 302),
    ),
    # Any current referent may pick among their organisations; nobody else.
    Row(
        "area:organization-switch",
        AREA,
        post=refused(AREA_POST, "referent_a", "referent_b"),
        data="organization-switch",
    ),
    Row("area:service-list", AREA),
    Row(
        "area:service-create",
        AREA,
        post=refused(AREA_POST, "referent_a", "referent_b"),
        data="service-create",
        allowed=("referent_a", 302),
    ),
    Row(
        "area:service-edit",
        AREA_OF_A,
        {"slug": "draft_a.slug"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        data="service-edit",
        allowed=("referent_a", 302),
    ),
    # The coordinator checks drafts from the back office through the preview.
    Row(
        "area:service-preview",
        # The referent of A and B previews A's draft whoever it works for (without editing).
        expect(
            403,
            anonymous=LOGIN,
            referent_a=200,
            referent_b=404,
            coordinator=200,
            referent_ab_for_b=200,
        ),
        {"slug": "draft_a.slug"},
    ),
    Row(
        "area:service-publish",
        POST_ONLY,
        {"slug": "draft_a.slug"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        allowed=("referent_a", 302),
    ),
    Row(
        "area:service-archive",
        POST_ONLY,
        {"slug": "public_a.slug"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        allowed=("referent_a", 302),
    ),
    Row(
        "area:service-duplicate",
        POST_ONLY,
        {"slug": "public_a.slug"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        allowed=("referent_a", 302),
    ),
    Row(
        "area:service-confirm",
        POST_ONLY,
        {"slug": "public_a.slug"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        allowed=("referent_a", 302),
    ),
    Row("area:request-list", AREA),
    # B's employee asked A: the request belongs to A (the provider), not to B.
    Row(
        "area:request-answer",
        AREA_OF_A,
        {"pk": "request_b.pk"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        data="request-answer",
        allowed=("referent_a", 302),
    ),
    Row("area:member-list", AREA),
    Row(
        "area:member-promote",
        POST_ONLY,
        {"pk": "membership_a.pk"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        allowed=("referent_a", 302),
    ),
    Row(
        "area:member-demote",
        POST_ONLY,
        {"pk": "second_referent_a.pk"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        allowed=("referent_a", 302),
    ),
    # A's referents confirm, once a year, the people they approved.
    Row(
        "area:member-reapprove",
        POST_ONLY,
        {"pk": "reconfirm.reapprove_a"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        allowed=("referent_a", 302),
    ),
    Row(
        "area:affiliation-approve",
        POST_ONLY,
        {"pk": "pending_a.pk"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        allowed=("referent_a", 302),
    ),
    Row(
        "area:affiliation-reject",
        POST_ONLY,
        {"pk": "pending_a.pk"},
        post=refused(AREA_POST_OF_A, "referent_a"),
        data="affiliation-reject",
        allowed=("referent_a", 302),
    ),
    # --- The coordinator's back office, as a group --------------------------------------------
    *ADMIN_ROWS,
]
