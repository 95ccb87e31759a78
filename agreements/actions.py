"""Writes on the district's agreements and their signatures: atomic, validated, audited."""

import datetime

from django.contrib.admin.models import ADDITION
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Agreement, Signature
from common.audit import log_action
from common.uploads import delete_replaced_file, stored_file_name
from partners.models import Organization

__all__ = [
    "agreement_create",
    "agreement_update",
    "agreement_sign",
    "signature_update",
    "signature_withdraw",
]


@transaction.atomic
def agreement_create(*, actor: AbstractBaseUser | None, **fields) -> Agreement:
    """Record a new agreement of the district; ``fields`` are the model's fields."""
    agreement = Agreement(**fields)
    agreement.full_clean()
    agreement.save()
    log_action(actor, agreement, _("Agreement recorded."), flag=ADDITION)
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, actor: AbstractBaseUser | None, **fields
) -> Agreement:
    """Change an agreement's details; its signatures are changed with their own actions.

    A replaced or removed document leaves the storage once the change is committed.
    """
    old_document = stored_file_name(agreement, "document")
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.full_clean()
    agreement.save()
    delete_replaced_file(agreement, "document", old_document)
    log_action(actor, agreement, _("Agreement changed."))
    return agreement


@transaction.atomic
def agreement_sign(
    *,
    agreement: Agreement,
    organization: Organization,
    signed_on: datetime.date,
    actor: AbstractBaseUser | None,
) -> Signature:
    """Record that an organisation signed the agreement on a given day.

    Raises ValidationError, with nothing saved, when the organisation already signed it or
    the date makes no sense (see ``Signature.clean``).
    """
    signature = Signature(agreement=agreement, organization=organization, signed_on=signed_on)
    signature.full_clean()
    signature.save()
    log_action(
        actor,
        agreement,
        _("Signed by %(organization)s on %(date)s.")
        % {"organization": organization.name, "date": signed_on.isoformat()},
    )
    return signature


@transaction.atomic
def signature_update(
    *,
    signature: Signature,
    signed_on: datetime.date,
    withdrawn_on: datetime.date | None,
    actor: AbstractBaseUser | None,
) -> Signature:
    """Correct the dates of a signature (a withdrawal is recorded with signature_withdraw)."""
    signature.signed_on = signed_on
    signature.withdrawn_on = withdrawn_on
    signature.full_clean()
    signature.save(update_fields=["signed_on", "withdrawn_on"])
    log_action(
        actor,
        signature.agreement,
        _("Signature of %(organization)s corrected.")
        % {"organization": signature.organization.name},
    )
    return signature


@transaction.atomic
def signature_withdraw(
    *, signature: Signature, withdrawn_on: datetime.date, actor: AbstractBaseUser | None
) -> Signature:
    """Record that the organisation withdrew from the agreement on a given day."""
    signature.withdrawn_on = withdrawn_on
    signature.full_clean()
    signature.save(update_fields=["withdrawn_on"])
    log_action(
        actor,
        signature.agreement,
        _("%(organization)s withdrew on %(date)s.")
        % {"organization": signature.organization.name, "date": withdrawn_on.isoformat()},
    )
    return signature
