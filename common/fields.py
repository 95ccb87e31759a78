"""Model fields shared by the domain apps."""

from django.core.validators import MaxLengthValidator
from django.db import models


class BoundedTextField(models.TextField):
    """Free text with a required maximum length, enforced by ``full_clean`` and every form.

    Django's ``TextField`` passes ``max_length`` to its form field only; this one also
    validates it on the model, so a form that forgets it, or an admin form, cannot store a
    page-sized text. The database column stays ``text``.
    """

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(self.max_length))


# Sensible maxima for the kinds of free text the portal keeps, in characters.
NOTES_MAX_LENGTH = 2_000
MESSAGE_MAX_LENGTH = 2_000
DESCRIPTION_MAX_LENGTH = 5_000
LONG_DESCRIPTION_MAX_LENGTH = 10_000
MINUTES_MAX_LENGTH = 50_000
