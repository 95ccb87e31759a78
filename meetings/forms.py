"""Forms of the meetings: a referent's answer, the coordinator's agenda, attendance and
minutes, the owners' progress on the programme's actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.admin_helpers import PdfUploadField
from common.fields import MINUTES_MAX_LENGTH, NOTES_MAX_LENGTH
from partners.forms import BootstrapItaliaFormMixin
from partners.models import Organization

from .actions import REPRESENTATIVE_MAX_LENGTH, RSVP_STATUSES
from .models import RECORDED_ATTENDANCE, Action, ActionItem, AgendaDocument, AgendaItem

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


# --- The coordinator's forms: agenda, attendance, minutes, decisions, action items -----------


def _action_choices(meeting=None):
    """Programme actions, latest programme first (the meeting's year's actions first)."""
    queryset = Action.objects.select_related("programme").order_by(
        "-programme__year", "area", "position", "title"
    )
    return queryset


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.programme.year} – {obj.title}"


class AgendaItemForm(BootstrapItaliaFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Agenda item"), max_length=AgendaItem._meta.get_field("title").max_length
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTES_MAX_LENGTH,
    )
    action = ActionChoiceField(
        label=_("Programme action discussed (optional)"),
        queryset=Action.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = _action_choices()


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))])


class AgendaDocumentForm(BootstrapItaliaFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Document title"), max_length=AgendaDocument._meta.get_field("title").max_length
    )
    file = PdfUploadField(label=_("Document (PDF)"))


class AttendanceRecordForm(forms.Form):
    """One choice per invited organisation: present, excused or absent."""

    def __init__(self, *args, organizations, current, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(status.value, status.label) for status in RECORDED_ATTENDANCE]
        self.organizations = organizations
        for organization in organizations:
            initial = current.get(organization.pk)
            self.fields[f"org-{organization.pk}"] = forms.ChoiceField(
                label=organization.name,
                choices=choices,
                widget=forms.RadioSelect,
                initial=initial if initial in dict(choices) else None,
                error_messages={
                    "required": _("Choose present, excused or absent for %(name)s.")
                    % {"name": organization.name},
                    "invalid_choice": _("Choose present, excused or absent for %(name)s.")
                    % {"name": organization.name},
                },
            )

    def statuses(self) -> dict[int, str]:
        return {
            organization.pk: self.cleaned_data[f"org-{organization.pk}"]
            for organization in self.organizations
        }


class MinutesForm(BootstrapItaliaFormMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=MINUTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    minutes_file = PdfUploadField(label=_("Signed minutes (PDF, optional)"), required=False)


class DecisionForm(BootstrapItaliaFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=NOTES_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    action = ActionChoiceField(
        label=_("Programme action (optional)"), queryset=Action.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = _action_choices()


class ActionItemForm(BootstrapItaliaFormMixin, forms.Form):
    what = forms.CharField(
        label=_("What is to be done"), max_length=ActionItem._meta.get_field("what").max_length
    )
    owners = forms.ModelMultipleChoiceField(
        label=_("Organisations responsible"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(
        label=_("Due date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    action = ActionChoiceField(
        label=_("Programme action (optional)"), queryset=Action.objects.none(), required=False
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = organizations
        self.fields["action"].queryset = _action_choices()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on and not 2014 <= due_on.year <= 2100:
            raise forms.ValidationError(_("Enter a date between 2014 and 2100."))
        return due_on


# --- The owners' progress on a programme action -----------------------------------------------


class ProgressForm(BootstrapItaliaFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    text = forms.CharField(
        label=_("What has been done"),
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    written_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_written_on(self):
        written_on = self.cleaned_data["written_on"]
        if written_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if written_on.year < 2014:
            raise forms.ValidationError(_("Enter a date between 2014 and 2100."))
        return written_on
