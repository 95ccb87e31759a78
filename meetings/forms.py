"""Forms of the meetings: a referent's answer to an invitation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import REPRESENTATIVE_MAX_LENGTH, RSVP_STATUSES

CHOOSE_AN_ANSWER = _("Choose whether your organisation will attend or not.")


class AttendanceAnswerForm(forms.Form):
    """Will the organisation attend, and who will represent it (optional)."""

    status = forms.ChoiceField(
        choices=[(status.value, status.label) for status in RSVP_STATUSES],
        error_messages={"required": CHOOSE_AN_ANSWER, "invalid_choice": CHOOSE_AN_ANSWER},
    )
    representative = forms.CharField(required=False)

    def clean_representative(self):
        # Runs of spaces count as one, as the action stores them.
        representative = " ".join(self.cleaned_data["representative"].split())
        if len(representative) > REPRESENTATIVE_MAX_LENGTH:
            raise forms.ValidationError(
                _("The representative's name can be at most %(max)d characters long.")
                % {"max": REPRESENTATIVE_MAX_LENGTH}
            )
        return representative
