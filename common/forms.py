"""Form helpers shared by the partner area and the admin."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ModelRulesFormMixin:
    """For ModelForms whose rules live in ``Model.clean()``.

    A field that already failed its own validation (required, invalid e-mail...) keeps that
    one message: the model's rule about the same field, judged on the value that could not
    be used, is not added on top of it.
    """

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {
                    field: messages
                    for field, messages in errors.error_dict.items()
                    if field == NON_FIELD_ERRORS or field not in self._errors
                }
            )
        super()._update_errors(errors)
