"""Form helpers shared by every app: small forms that read the query string or a POST
without touching it raw, and the model-rules mixin for ModelForms."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

# Longer than any address of ours; a longer `next` is not one of them.
NEXT_MAX_LENGTH = 2000


class PageForm(forms.Form):
    """`?page=`: the page of a paginated list the visitor asked for."""

    page = forms.IntegerField(required=False)


def page_number(query_params) -> int:
    """The page asked for in `query_params`, 1 when missing or not a whole number.

    A number out of range (0, negative, past the end) is left to `Paginator.get_page`,
    which shows the last page.
    """
    form = PageForm(query_params)
    if form.is_valid() and form.cleaned_data["page"] is not None:
        return form.cleaned_data["page"]
    return 1


class NextForm(forms.Form):
    """`next`: where to go back to after a POST, if it is an address of this site."""

    next = forms.CharField(max_length=NEXT_MAX_LENGTH, required=False)


def local_next(request, data) -> str:
    """The local `next` address in `data` (a POST or a query string), or "".

    Only a path of this site counts: `redirect()` would take any other word for the name of
    a URL pattern (and fail), or a host for a way out of the site.
    """
    form = NextForm(data)
    candidate = form.cleaned_data["next"] if form.is_valid() else ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


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
