"""Forms of the partner area that concern the organisation itself."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import ModelRulesFormMixin
from common.uploads import ImageUploadField
from common.validators import web_url_validator
from partners.models import Organization


class BootstrapItaliaFormMixin:
    """Give widgets the classes Bootstrap Italia styles; labels and errors are in templates.

    Fields are rendered by templates/area/_field.html, which knows each widget kind.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.FileInput):
                # Choice lists and check boxes are styled by their .form-check wrapper;
                # FileInput also covers ClearableFileInput, rendered by hand in the template.
                if isinstance(widget, forms.FileInput):
                    widget.attrs["class"] = "form-control"
                continue
            if isinstance(widget, forms.Select):
                continue
            widget.attrs["class"] = "form-control"


def clean_phone(value: str) -> str:
    """A phone number people can dial: digits and the usual separators, spaces tidied."""
    phone = " ".join(value.split())
    if phone and not all(ch.isdigit() or ch in " +()./-" for ch in phone):
        raise forms.ValidationError(
            _("Enter a phone number with digits only, e.g. +39 0461 123456.")
        )
    if phone and sum(ch.isdigit() for ch in phone) < 6:
        raise forms.ValidationError(_("The phone number is too short."))
    return phone


class OrganizationProfileForm(ModelRulesFormMixin, BootstrapItaliaFormMixin, forms.ModelForm):
    """What a referent may change on the organisation's public page.

    Name, kind, membership and certification are the coordinator's, in the back office.
    """

    logo = ImageUploadField(label=_("Logo"), required=False)

    class Meta:
        model = Organization
        fields = [
            "description",
            "website",
            "logo",
            "contact_email",
            "contact_phone",
            "address",
            "area",
        ]
        labels = {
            "description": _("Description"),
            "website": _("Website"),
            "contact_email": _("Contact e-mail"),
            "contact_phone": _("Contact phone"),
            "address": _("Address"),
            "area": _("Area of the city"),
        }
        help_texts = {
            "description": _(
                "Who you are and what you do for work–life balance, shown on your public page."
            ),
            "website": _("Starting with https://, e.g. https://www.fbk.eu."),
            "contact_email": _("A shared address is better than a personal one."),
            "area": _("Neighbourhood or district, e.g. Povo."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }
        error_messages = {
            "contact_email": {"invalid": _("Enter a valid e-mail address, e.g. info@fbk.eu.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].error_messages["invalid"] = web_url_validator.message
        self.fields["logo"].widget = forms.ClearableFileInput()
        self.fields["logo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"

    def clean_description(self):
        return self.cleaned_data["description"].strip()

    def clean_contact_phone(self):
        return clean_phone(self.cleaned_data["contact_phone"])
