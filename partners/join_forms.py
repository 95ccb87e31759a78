"""The public application to join the district, and the applicant's answer."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.admin_helpers import PdfUploadField
from common.fields import NOTES_MAX_LENGTH
from common.forms import ModelRulesFormMixin
from partners import actions
from partners.forms import BootstrapItaliaFormMixin
from partners.mail_domains import is_public_mail_domain
from partners.models import Certification, MembershipApplication

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MembershipApplicationForm(ModelRulesFormMixin, BootstrapItaliaFormMixin, forms.ModelForm):
    email_domains = forms.CharField(
        label=_("E-mail domains of your employees"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, e.g. fbk.eu: employees who verify an address on these domains are "
            "recognised as yours. Public mail services (Gmail, PEC...) cannot be used."
        ),
    )
    certificate = PdfUploadField(
        label=_("Family Audit certificate (PDF)"),
        required=False,
        help_text=_("Required if you already hold the certificate. PDF, up to 10 MB."),
    )
    privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice: the data of this form are used only to review "
            "the application."
        ),
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "organization_name",
            "kind",
            "sector",
            "size_class",
            "certification_phase",
            "certification_reference",
            "certification_registered_on",
            "certification_granted_on",
            "certification_expires_on",
            "contact_name",
            "contact_email",
            "motivation",
        ]
        labels = {
            "organization_name": _("Name of the organisation"),
            "certification_reference": _("Registration number in the Family Audit register"),
            "contact_name": _("Referent's name and surname"),
            "contact_email": _("Referent's work e-mail"),
            "motivation": _("Why do you want to join the district?"),
        }
        help_texts = {
            "contact_email": _(
                "We send the confirmation link here; on approval this person is invited to be "
                "the organisation's referent."
            ),
            "certification_registered_on": _("When the organisation applied for the process."),
        }
        widgets = {
            "sector": forms.RadioSelect,
            "size_class": forms.RadioSelect,
            "certification_phase": forms.RadioSelect,
            "certification_registered_on": _DATE,
            "certification_granted_on": _DATE,
            "certification_expires_on": _DATE,
            "motivation": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = [
        "organization_name",
        "kind",
        "sector",
        "size_class",
        "certification_phase",
        "certification_reference",
        "certification_registered_on",
        "certification_granted_on",
        "certification_expires_on",
        "certificate",
        "email_domains",
        "contact_name",
        "contact_email",
        "motivation",
        "privacy",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sector", "size_class", "certification_phase"):
            field = self.fields[name]
            field.required = True
            # A radio list has no empty choice.
            field.choices = [choice for choice in field.choices if choice[0]]
        self.fields["motivation"].required = True

    def clean_email_domains(self):
        return actions.membership_application_domains(self.cleaned_data["email_domains"])

    def clean_contact_email(self):
        email = self.cleaned_data["contact_email"].strip().lower()
        if is_public_mail_domain(email.rpartition("@")[2]):
            raise ValidationError(
                _(
                    "Enter the referent's work address: a public mail service says nothing "
                    "about where someone works."
                )
            )
        return email

    def clean(self):
        cleaned = super().clean()
        phase = cleaned.get("certification_phase")
        certified = bool(phase) and phase != Certification.Phase.PROCESS
        if certified and not cleaned.get("certificate") and "certificate" not in self.errors:
            self.add_error("certificate", _("Attach the Family Audit certificate as a PDF."))
        if certified and not cleaned.get("certification_reference"):
            self.add_error(
                "certification_reference", _("Enter the registration number of the certificate.")
            )
        name, domains = cleaned.get("organization_name"), cleaned.get("email_domains")
        if name and domains is not None:
            try:
                actions.membership_application_check_duplicates(name=name, domains=domains)
            except ValidationError as error:
                for message in error.messages:
                    self.add_error(None, message)
        return cleaned


class ApplicationAnswerForm(BootstrapItaliaFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
