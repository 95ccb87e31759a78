"""Writes on agreements and signatures go through agreements.actions: validated and audited."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from agreements import actions
from agreements.models import Agreement, Signature
from tests import factories


def test_creating_an_agreement_saves_it_and_records_who_did_it(coordinator):
    agreement = actions.agreement_create(
        actor=coordinator,
        kind=Agreement.Kind.AREA,
        title="Accordo volontario di area",
        slug="accordo-area",
        signed_on=date(2018, 10, 10),
    )
    assert Agreement.objects.get(slug="accordo-area") == agreement
    entry = LogEntry.objects.get(object_id=str(agreement.pk))
    assert entry.user == coordinator
    assert entry.action_flag == ADDITION


def test_an_invalid_agreement_is_refused_and_nothing_saved(coordinator):
    with pytest.raises(ValidationError) as error:
        actions.agreement_create(
            actor=coordinator,
            kind=Agreement.Kind.AREA,
            title="Accordo",
            slug="accordo",
            signed_on=date(2018, 10, 10),
            valid_from=date(2020, 1, 1),
            valid_until=date(2019, 1, 1),
        )
    assert error.value.messages
    assert not Agreement.objects.exists()


def test_signing_records_the_signature_in_the_agreement_history(coordinator, org_a):
    agreement = factories.make_agreement(signed_on=date(2018, 10, 10))
    signature = actions.agreement_sign(
        agreement=agreement, organization=org_a, signed_on=date(2019, 1, 15), actor=coordinator
    )
    assert Signature.objects.get(agreement=agreement, organization=org_a) == signature
    assert LogEntry.objects.filter(object_id=str(agreement.pk), user=coordinator).exists()


def test_signing_twice_is_refused(coordinator, org_a):
    agreement = factories.make_agreement(signatories=[org_a])
    with pytest.raises(ValidationError):
        actions.agreement_sign(
            agreement=agreement, organization=org_a, signed_on=date(2019, 1, 1), actor=coordinator
        )
    assert Signature.objects.filter(agreement=agreement).count() == 1


@pytest.mark.parametrize(
    "signed_on",
    [date(2000, 1, 1), timezone.localdate() + timedelta(days=1)],
    ids=["before the agreement", "in the future"],
)
def test_a_signature_outside_the_agreement_and_today_is_refused(coordinator, org_a, signed_on):
    agreement = factories.make_agreement(signed_on=date(2018, 10, 10))
    with pytest.raises(ValidationError) as error:
        actions.agreement_sign(
            agreement=agreement, organization=org_a, signed_on=signed_on, actor=coordinator
        )
    assert "signed_on" in error.value.message_dict
    assert not Signature.objects.exists()


def test_withdrawing_records_the_date(coordinator, org_a):
    agreement = factories.make_agreement(signatories=[org_a])
    signature = agreement.signatures.get()
    actions.signature_withdraw(
        signature=signature, withdrawn_on=date(2021, 3, 1), actor=coordinator
    )
    signature.refresh_from_db()
    assert signature.withdrawn_on == date(2021, 3, 1)


@pytest.mark.parametrize(
    "withdrawn_on",
    [date(2018, 1, 1), timezone.localdate() + timedelta(days=1)],
    ids=["before the signature", "in the future"],
)
def test_a_withdrawal_before_the_signature_or_in_the_future_is_refused(
    coordinator, org_a, withdrawn_on
):
    agreement = factories.make_agreement(signatories=[org_a], signed_on=date(2018, 10, 10))
    signature = agreement.signatures.get()
    with pytest.raises(ValidationError) as error:
        actions.signature_withdraw(
            signature=signature, withdrawn_on=withdrawn_on, actor=coordinator
        )
    assert "withdrawn_on" in error.value.message_dict
    signature.refresh_from_db()
    assert signature.withdrawn_on is None
