"""The hostile-input sweep: every URL of the site × values nobody should send. Never a 500.

Every named URL of the URL conf (public pages, the person's own pages, the partner area, the
meetings, allauth, the whole back office) is requested as a role that can reach it, with
hostile values in the query string (every parameter the page itself offers in its links and
GET forms, plus the usual `page`, `q`, `next`), in the URL's own arguments and, for pages
that take a POST, in every field of their forms at once:

- NUL, a surrogate half and bytes that are not UTF-8 cannot be stored by PostgreSQL: 400,
  and nothing in the database changes;
- 100,000 characters, a number too large for any column, repeated parameters: any answer
  but a server error (and, for 100,000 characters posted to a form, nothing saved).

Each request runs in a savepoint that is rolled back afterwards, so every request meets the
same world and a database error in one of them cannot hide the others. All failures are
collected and reported together. Runs on SQLite and on PostgreSQL (CI runs both).
"""

import re
import traceback
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests import test_permissions
from tests.admin import builders
from tests.test_permissions import POST_ONLY, ROWS, post_data, url_for

# The world of the permission matrix: two partners, their services, requests and meetings.
world = test_permissions.world

# --- The hostile values -----------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """A hostile value, already percent-encoded for a URL.

    `refused`: the value cannot be stored, the answer must be a 400. `repeat`: the parameter
    is sent several times with these values.
    """

    label: str
    encoded: str
    refused: bool = False
    repeat: tuple = ()

    def pairs(self, name):
        name = quote(name, safe="")
        values = self.repeat or (self.encoded,)
        return "&".join(f"{name}={value}" for value in values)

    def form_value(self):
        """The value for a form POST (None: only expressible as a raw url-encoded body)."""
        if self.repeat:
            return [value.replace("%20", " ") for value in self.repeat]
        if self.label in {"nul", "long", "huge"}:
            return {"nul": "x\x00y", "long": LONG, "huge": HUGE}[self.label]
        return None


LONG = "x" * 100_000
HUGE = "99999999999999999999"
NUL = Hostile("nul", "x%00y", refused=True)
NOT_UTF8 = Hostile("not-utf8", "%C0%AF", refused=True)
SURROGATE = Hostile("surrogate", "%ED%A0%80", refused=True)
VALUES = [
    NUL,
    NOT_UTF8,
    SURROGATE,
    Hostile("long", LONG),
    HUGE_VALUE := Hostile("huge", HUGE),
    Hostile("repeated", "", repeat=("1", "-1", HUGE, "", "a%20b")),
]
# Parameters read somewhere on the site or by Django itself (pagination, search, the admin's
# ordering, pages, filters and popups), sent to every URL besides the page's own.
COMMON_PARAMETERS = ["page", "q", "next", "o", "p", "all", "e", "_changelist_filters"]

# --- The URLs, each as a role that can reach it -----------------------------------------------

# Who to be, in order of preference, when several roles may use a page.
# employee_b: the one person behind request_b (withdraw it, confirm its place).
PREFERENCE = ["referent_a", "employee_a", "coordinator", "unaffiliated", "employee_b", "anonymous"]
# A placeholder that every converter and regex of the URL conf accepts.
PLACEHOLDER = "8642097531"


@dataclass
class Target:
    label: str
    name: str
    role: str
    # The permission matrix's row, which knows the URL's arguments; or, for URLs it does not
    # list (the admin's pages, new URLs), the names of the arguments.
    row: object = None
    arguments: tuple = ()
    post_only: bool = False
    # Field names a permitted POST sends (for views that have no page of their own).
    post_fields: tuple = ()
    # A POST that is a command rather than data (publish, delete, log out...): it may do its
    # job whatever the extra fields hold, as long as it does not fail.
    command: bool = False


def _walk(patterns, namespace=""):
    """(name, [argument names]) of every named URL, through includes and i18n_patterns."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", list(pattern.pattern.regex.groupindex)


def _role_for(row):
    if row.get == POST_ONLY:
        if row.allowed:
            return row.allowed[0]
        return next(role for role in PREFERENCE if role not in row.post)
    return next((role for role in PREFERENCE if row.get[role] == 200), "referent_a")


def _admin_model(name):
    match = re.fullmatch(r"admin:(\w+?)_(\w+?)_(changelist|add|history|delete|change)", name)
    if match is None:
        match = re.fullmatch(r"admin:(auth)_(user)_password_change", name)
    if match is None:
        return None
    try:
        return apps.get_model(match[1], match[2])
    except LookupError:
        return None


def targets():
    """Every named URL once per row of the permission matrix (other URLs once)."""
    by_name = {}
    for row in ROWS:
        by_name.setdefault(row.name, []).append(row)
    found = []
    for name, arguments in _walk(get_resolver().url_patterns):
        if name in {target.name for target in found}:
            continue
        if name in by_name:
            for row in by_name[name]:
                found.append(
                    Target(
                        row.label,
                        name,
                        _role_for(row),
                        row=row,
                        post_only=row.get == POST_ONLY,
                        post_fields=tuple(post_data(row, _NoWorld()) if row.data else ()),
                        command=row.get == POST_ONLY and not row.data,
                    )
                )
            continue
        role = "coordinator" if name.startswith("admin:") else "referent_a"
        found.append(
            Target(
                name,
                name,
                role,
                arguments=tuple(arguments),
                command=name.endswith(("_delete", "logout")),
            )
        )
    return found


class _NoWorld:
    """Stands in for the world when only the field names of a POST body are wanted."""

    def __getattr__(self, name):
        return _NoWorld()

    pk = 1


def resolve_url(target, world):
    """The target's address, arguments filled from the world (or the admin's first object)."""
    if target.row is not None:
        return url_for(target.row, world)
    kwargs = {}
    model = _admin_model(target.name)
    for argument in target.arguments:
        if argument in {"object_id", "id"} and model is not None:
            kwargs[argument] = str(model._default_manager.order_by("pk").values_list("pk")[0][0])
        elif argument == "app_label":
            kwargs[argument] = "services"
        else:
            kwargs[argument] = PLACEHOLDER
    return reverse(target.name, kwargs=kwargs or None)


def path_template(target):
    """The target's address with a placeholder in each argument (None if it has none)."""
    arguments = target.row.kwargs if target.row is not None else target.arguments
    if not arguments:
        return None
    try:
        return reverse(target.name, kwargs=dict.fromkeys(arguments, PLACEHOLDER))
    except Exception:  # noqa: BLE001 - e.g. the admin's app_label is a fixed list
        return None


# --- Reading a page's own parameters and forms ------------------------------------------------


class _PageParameters(HTMLParser):
    """The GET parameters a page offers (links `?…`, GET forms) and its own POST fields."""

    def __init__(self, path):
        super().__init__()
        self.path = path
        self.get_names, self.post_names = set(), set()
        self.form = None

    def _own(self, action):
        return not action or urlsplit(action).path in {"", self.path}

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "a" and (attributes.get("href") or "").startswith("?"):
            for pair in attributes["href"][1:].split("&"):
                if pair:
                    self.get_names.add(pair.split("=", 1)[0])
        elif tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.form = method if self._own(attributes.get("action")) else None
        elif tag in {"input", "select", "textarea", "button"} and attributes.get("name"):
            name = attributes["name"]
            if self.form == "get":
                self.get_names.add(name)
            elif self.form == "post" and name != "csrfmiddlewaretoken":
                self.post_names.add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None


def page_parameters(response, path):
    parser = _PageParameters(path)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode(errors="replace"))
    return parser.get_names, parser.post_names


# --- Running the requests -----------------------------------------------------------------------

SKIPPED_FROM_SNAPSHOT = {"sessions.session", "admin.logentry"}


def snapshot():
    """The content of every table a request could change, sessions and logs aside."""
    state = {}
    for model in apps.get_models():
        if model._meta.label_lower in SKIPPED_FROM_SNAPSHOT or model._meta.proxy:
            continue
        if model._meta.app_label in {"contenttypes", "auth"} and model is not get_user_model():
            continue
        if model._meta.managed:
            fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
            state[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return state


class Sweep:
    """Clients for every role and the failures found so far."""

    def __init__(self, users):
        self.clients, self.sessions = {}, {}
        # The sweep acts as the matrix's basic roles; the others see a subset of their pages.
        for role in ("anonymous", *users):
            client = Client()
            if role != "anonymous":
                client.force_login(users[role])
                self.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.clients[role] = client
        self.failures = []
        self.requests = 0
        # The paths that got a POST, to check that the sweep does reach the forms.
        self.posted = set()

    def request(self, role, method, path, *, data=None, content_type=None, check_saved=False):
        """One request, rolled back afterwards; returns the response (None after an error)."""
        client = self.clients[role]
        client.cookies = SimpleCookie()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        self.requests += 1
        label = f"{method} {path[:160]} as {role}"
        changed = False
        try:
            with transaction.atomic():
                before = snapshot() if check_saved else None
                if method == "GET":
                    response = client.get(path)
                elif content_type:
                    response = client.post(path, data, content_type=content_type)
                else:
                    response = client.post(path, data or {})
                if method == "POST":
                    self.posted.add(path)
                changed = check_saved and snapshot() != before
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - every failure is collected and reported
            where = traceback.extract_tb(error.__traceback__)[-1]
            self.failures.append(
                f"{label}: {type(error).__name__}: {str(error)[:200]} "
                f"({where.filename}:{where.lineno})"
            )
            return None
        finally:
            translation.activate(settings.LANGUAGE_CODE)
        if response.status_code >= 500:
            self.failures.append(f"{label}: {response.status_code}")
        if changed:
            self.failures.append(f"{label}: changed the database ({response.status_code})")
        return response

    def expect_refused(self, response, label):
        if response is not None and response.status_code != 400:
            self.failures.append(f"{label}: {response.status_code}, not 400")


def _complete_the_world():
    """One object of every model the back office manages, so each change page has one."""
    for model in admin.site._registry:
        if not model._default_manager.exists():
            builders.one(model)


def _sweep_get(sweep, target, path):
    role = target.role
    baseline = sweep.request(role, "GET", path)
    names, post_names = page_parameters(baseline, path) if baseline else (set(), set())
    names = sorted(names | set(COMMON_PARAMETERS))
    separator = "&" if "?" in path else "?"
    for value in VALUES:
        query = "&".join(value.pairs(name) for name in names)
        url = f"{path}{separator}{query}"
        response = sweep.request(role, "GET", url)
        if value.refused:
            sweep.expect_refused(response, f"GET {path} ?…{value.label} as {role}")
    # A number too large for the database, one parameter at a time: in the admin an invalid
    # neighbour would hide an overflow (the change list stops at the first wrong filter).
    for name in names if target.name.endswith("_changelist") else ():
        sweep.request(role, "GET", f"{path}{separator}{quote(name, safe='')}={HUGE}")
    return post_names


def _sweep_path(sweep, target):
    template = path_template(target)
    if template is not None:
        # Bytes that are not UTF-8 are harmless in a path (Django turns them back into %XX).
        for value in [NUL, Hostile("long", "x" * 5_000), HUGE_VALUE]:
            url = template.replace(PLACEHOLDER, value.encoded)
            response = sweep.request(target.role, "GET", url)
            if value.refused:
                sweep.expect_refused(response, f"GET {url[:120]} as {target.role}")


def _sweep_post(sweep, target, path, names):
    for value in VALUES:
        if value.refused and value.form_value() is None:
            body = "&".join(value.pairs(name) for name in names)
            response = sweep.request(
                target.role,
                "POST",
                path,
                data=body,
                content_type="application/x-www-form-urlencoded",
                check_saved=True,
            )
        else:
            data = dict.fromkeys(names, value.form_value())
            if value.label == "huge":
                # Django caps a formset's form count; building and showing 1,000 forms per
                # inline would only slow the sweep down.
                data |= {name: "0" for name in names if name.endswith("_FORMS")}
            check = value.refused or (value.label == "long" and not target.command)
            response = sweep.request(target.role, "POST", path, data=data, check_saved=check)
        if value.refused:
            sweep.expect_refused(response, f"POST {path} {value.label} as {target.role}")


def _autocomplete_fields():
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            yield model._meta.app_label, model._meta.model_name, field_name


def _sweep_autocomplete(sweep):
    path = reverse("admin:autocomplete")
    for app_label, model_name, field_name in _autocomplete_fields():
        base = f"{path}?app_label={app_label}&model_name={model_name}&field_name={field_name}"
        for value, name in [*((value, "term") for value in VALUES), (HUGE_VALUE, "page")]:
            response = sweep.request("coordinator", "GET", f"{base}&{value.pairs(name)}")
            if value.refused:
                sweep.expect_refused(response, f"autocomplete {field_name} {value.label}")


# --- The test ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _default_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def users(unaffiliated, employee_a, employee_b, referent_a, referent_b, coordinator):
    return {
        "unaffiliated": unaffiliated,
        "employee_a": employee_a,
        "employee_b": employee_b,
        "referent_a": referent_a,
        "referent_b": referent_b,
        "coordinator": coordinator,
    }


def test_every_named_url_is_swept():
    names = {name for name, _arguments in _walk(get_resolver().url_patterns)}
    assert names == {target.name for target in targets()}
    assert len(names) > 150


@pytest.mark.django_db(transaction=False)
def test_no_hostile_value_anywhere_gives_a_server_error_or_saves_anything(world, users):
    _complete_the_world()
    sweep = Sweep(users)
    for target in targets():
        path = resolve_url(target, world)
        post_names = set()
        if not target.post_only:
            post_names = _sweep_get(sweep, target, path)
        _sweep_path(sweep, target)
        post_names |= set(target.post_fields)
        if target.post_only or post_names:
            _sweep_post(sweep, target, path, sorted(post_names | {"next"}))
    _sweep_autocomplete(sweep)
    assert sweep.requests > 1500
    # The forms were found and posted to: a change in the pages must not quietly skip them.
    expected_posts = {
        reverse("area:organization-edit"),
        reverse("area:service-create"),
        reverse("account:account-delete"),
        reverse("account:affiliation-request"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("admin:partners_organization_add"),
        reverse("admin:services_welfareservice_changelist"),
        reverse("meetings:meeting-rsvp", args=[world.subgroup_meeting.pk]),
        reverse("meetings:meeting-attendance", args=[world.past_meeting.pk]),
        reverse("meetings:meeting-minutes-edit", args=[world.past_meeting.pk]),
        reverse("meetings:action-progress", args=[world.action_a.pk]),
        reverse("account:calendar-renew"),
        reverse("join:application-create"),
        reverse("join:application-confirm", args=[world.join.key]),
        reverse("join:application-status", args=[world.join.token]),
        reverse("account:affiliation-reconfirm", args=[world.reconfirm.token]),
    }
    assert expected_posts <= sweep.posted, expected_posts - sweep.posted
    report = "\n".join(sweep.failures)
    assert not sweep.failures, f"{len(sweep.failures)} failures:\n{report}"


def test_every_admin_of_ours_has_the_hostile_input_hooks():
    from common.admin_input import SafeInputAdminMixin

    ours = {"partners", "agreements", "services", "meetings", "distretto", "background"}
    missing = [
        f"{model._meta.label}: {cls.__name__}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ours
        for cls in (type(model_admin), *model_admin.inlines)
        if not issubclass(cls, SafeInputAdminMixin)
    ]
    assert not missing
