"""The demo's data files (distretto/demo_data/) and how the loader puts them back."""

import datetime as dt

import pytest
from django.core import mail

from agreements.models import Signature
from distretto import demo, demo_data
from partners.models import Organization


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_every_text_of_the_data_files_is_short():
    data = [demo_data.DISTRICT, demo_data.CATALOGUE, demo_data.WORKING_GROUP, demo_data.PEOPLE]
    longest = max(len(text) for text in strings(data))
    assert longest < 1000


def test_relative_dates_count_from_the_year_the_demo_is_loaded_in():
    assert demo_data.relative_date("Y-1-11-20", 2026) == dt.date(2025, 11, 20)
    assert demo_data.relative_date("Y+2-03-12", 2026) == dt.date(2028, 3, 12)
    assert demo_data.relative_date("Y-07-01", 2026) == dt.date(2026, 7, 1)
    assert demo_data.relative_date(dt.date(2014, 6, 1), 2026) == dt.date(2014, 6, 1)
    assert demo_data.relative_date(None, 2026) is None
    with pytest.raises(ValueError):
        demo_data.relative_date("2026-07-01", 2026)


def test_every_reference_between_the_files_names_something_defined():
    organizations = set(demo_data.DISTRICT["organizations"])
    catalogue = demo_data.CATALOGUE
    services = {service["slug"] for service in catalogue["services"]}
    groups = {group["slug"] for group in demo_data.WORKING_GROUP["groups"]}
    for service in catalogue["services"]:
        assert service["provider"] in organizations
        assert set(service.get("eligible", [])) <= organizations
        assert service.get("season") in {*catalogue["seasons"], None}
    for action in demo_data.WORKING_GROUP["programmes"]["actions"]:
        assert {action["lead"], *action["partners"]} <= organizations
        assert action["lead"] not in action["partners"]
        assert set(action.get("services", [])) <= services
        assert action.get("subgroup") in {*groups, None}
    for account in demo_data.ACCOUNTS:
        assert account.organization is None or account.organization in organizations


@pytest.fixture
def loaded(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return demo.load_demo()


def test_a_demo_organisation_suspended_by_hand_is_active_again_after_a_second_run(loaded):
    Organization.objects.filter(slug=demo_data.FBK).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    report = demo.load_demo()
    assert (report.created, report.updated) == (0, 1)
    fbk = Organization.objects.get(slug=demo_data.FBK)
    assert fbk.membership_status == Organization.MembershipStatus.ACTIVE
    assert fbk.joined_on == dt.date(2018, 10, 10)


def test_a_signature_withdrawn_by_hand_is_restored(loaded):
    signature = Signature.objects.filter(organization__slug=demo_data.FBK).first()
    Signature.objects.filter(pk=signature.pk).update(withdrawn_on=dt.date(2024, 1, 1))
    report = demo.load_demo()
    assert (report.created, report.updated) == (0, 1)
    signature.refresh_from_db()
    assert signature.withdrawn_on is None


def test_loading_the_demo_sends_no_mail(loaded):
    assert mail.outbox == []
