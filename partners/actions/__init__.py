"""Writes on organisations, their membership and their people.

Each action is atomic, takes the acting user as ``actor`` and is recorded in the admin log.
They check the state they start from and raise ``ValidationError`` with a clear message when
a change makes no sense (e.g. suspending an organisation that is not active). Callers import
them from here: ``from partners import actions``.
"""

from partners.actions.applications import *  # noqa: F403
from partners.actions.applications import __all__ as _applications
from partners.actions.certifications import *  # noqa: F403
from partners.actions.certifications import __all__ as _certifications
from partners.actions.organizations import *  # noqa: F403
from partners.actions.organizations import __all__ as _organizations
from partners.actions.people import *  # noqa: F403
from partners.actions.people import INVITATION_VALID_DAYS
from partners.actions.people import __all__ as _people
from partners.actions.personal_data import *  # noqa: F403
from partners.actions.personal_data import __all__ as _personal_data
from partners.actions.reconfirmation import *  # noqa: F403
from partners.actions.reconfirmation import __all__ as _reconfirmation
from partners.actions.records import *  # noqa: F403
from partners.actions.records import __all__ as _records

__all__ = [
    *_applications,
    *_certifications,
    *_organizations,
    *_people,
    *_personal_data,
    *_reconfirmation,
    *_records,
    "INVITATION_VALID_DAYS",
]
