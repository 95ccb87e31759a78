"""Forms of the welfare services: a referent's service form, requests and their answers.

Forms validate and convert; views hand `cleaned_data` to the actions in services/actions.py.
The provider never comes from a form: it is the partner area's current organisation.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import ModelRulesFormMixin
from common.uploads import ImageUploadField
from common.validators import web_url_validator
from partners.forms import BootstrapItaliaFormMixin, clean_phone
from partners.models import Organization
from services.models import AgeBand, Audience, Category, NeedsAnswer, ServiceRequest, WelfareService

MESSAGE_MAX_LENGTH = ServiceRequest._meta.get_field("message").max_length


class OrganizationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ServiceForm(ModelRulesFormMixin, BootstrapItaliaFormMixin, forms.ModelForm):
    """Everything a service needs before employees can rely on it."""

    image = ImageUploadField(label=_("Image"), required=False)

    class Meta:
        model = WelfareService
        fields = WelfareService.PROVIDER_FIELDS
        labels = {
            "title": _("Title"),
            "summary": _("Summary"),
            "description": _("Description"),
            "category": _("Category"),
            "audiences": _("Who it is for"),
            "eligibility": _("Who can use it"),
            "eligible_organizations": _("Organisations whose employees can use it"),
            "cost": _("Cost"),
            "cost_conditions": _("Prices and conditions"),
            "address": _("Address"),
            "area": _("Area of the city"),
            "is_online": _("Also available online"),
            "contact_email": _("Contact e-mail"),
            "contact_phone": _("Contact phone"),
            "booking_url": _("Booking link"),
            "available_from": _("Available from"),
            "available_until": _("Available until"),
            "image_alt": _("Image description (alternative text)"),
        }
        help_texts = {
            "title": _("A short, clear name, e.g. “Summer camp for children 6–11”."),
            "summary": _("One or two sentences shown in the catalogue, 20 to 300 characters."),
            "description": _("What the service offers, how it works and how to access it."),
            "audiences": _("Choose every group the service is meant for."),
            "eligible_organizations": _(
                "Only for services reserved to chosen organisations. Include your own "
                "organisation if its employees can use the service too."
            ),
            "cost_conditions": _("Required for discounted and paid services."),
            "area": _("Neighbourhood or district, e.g. Povo."),
            "booking_url": _("A web page where people can book, starting with https://."),
            "available_from": _("Leave both dates empty for a service offered all year."),
            "image_alt": _("Describe what the image shows, for people who cannot see it."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "cost_conditions": forms.Textarea(attrs={"rows": 3}),
            "audiences": forms.CheckboxSelectMultiple,
            "eligibility": forms.RadioSelect,
            "cost": forms.RadioSelect,
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "available_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "signup_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "title": {"required": _("Enter the title of the service.")},
            "summary": {"required": _("Enter a short summary of the service.")},
            "description": {"required": _("Describe the service.")},
            "category": {"required": _("Choose a category.")},
            "cost": {"required": _("Say whether the service is free, discounted or paid.")},
            "contact_email": {"invalid": _("Enter a valid e-mail address, e.g. name@fbk.eu.")},
            "available_from": {"invalid": _("Enter a valid date.")},
            "available_until": {"invalid": _("Enter a valid date.")},
            "signup_deadline": {"invalid": _("Enter a valid date.")},
        }

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        fields = self.fields
        fields["category"].queryset = Category.objects.order_by("position", "name")
        fields["category"].empty_label = _("Choose a category")
        # Radio buttons need no empty "choose" entry.
        fields["cost"].choices = WelfareService.Cost.choices
        fields["audiences"].queryset = Audience.objects.order_by("position", "name")
        fields["eligible_organizations"] = OrganizationChoiceField(
            queryset=Organization.objects.active().order_by("name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=self._meta.labels["eligible_organizations"],
            help_text=self._meta.help_texts["eligible_organizations"],
            error_messages={
                "invalid_choice": _(
                    "One of the chosen organisations is not an active member of the district."
                ),
                "invalid_pk_value": _("Choose organisations from the list."),
            },
        )
        fields["booking_url"].error_messages["invalid"] = web_url_validator.message
        fields["image"].widget = forms.ClearableFileInput()
        fields["image"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        fields["title"].widget.attrs["maxlength"] = 200

    # The rules of a service (lengths, cost conditions, place, contact, dates, image text,
    # booking link) are in WelfareService.clean(), shared with the admin; the form only
    # tidies the text and checks the chosen organisations (a many-to-many rule).

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_contact_phone(self):
        return clean_phone(self.cleaned_data["contact_phone"])

    def clean_summary(self):
        return " ".join(self.cleaned_data["summary"].split())

    def clean_description(self):
        return self.cleaned_data["description"].strip()

    def clean(self):
        cleaned = super().clean()
        eligibility = cleaned.get("eligibility")
        if "eligible_organizations" not in self.errors:
            try:
                WelfareService.clean_eligible_organizations(
                    eligibility, cleaned.get("eligible_organizations")
                )
            except forms.ValidationError as error:
                self.add_error(None, error)
        if eligibility and eligibility != WelfareService.Eligibility.CHOSEN_PARTNERS:
            # Other eligibilities ignore the list: keep it empty so it cannot mislead later.
            cleaned["eligible_organizations"] = Organization.objects.none()
        return cleaned

    def _post_clean(self):
        # The model's own checks (e.g. the availability constraint) run on the instance;
        # the provider is set first, from the session's organisation only.
        self.instance.provider = self.organization
        super()._post_clean()


class ServiceRequestForm(BootstrapItaliaFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What you would like"),
        choices=ServiceRequest.Kind.choices,
        initial=ServiceRequest.Kind.INTEREST,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether you are interested or want to book."),
            "invalid_choice": _("Choose whether you are interested or want to book."),
        },
    )
    message = forms.CharField(
        label=_("Message to the provider"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. For example the dates you prefer or how many people. At most "
            "2000 characters."
        ),
        error_messages={
            "max_length": _("The message is too long: at most %(limit_value)d characters."),
        },
    )

    def clean_message(self):
        return self.cleaned_data["message"].strip()


ANSWER_CHOICES = [
    (ServiceRequest.Status.ACCEPTED, ServiceRequest.Status.ACCEPTED.label),
    (ServiceRequest.Status.DECLINED, ServiceRequest.Status.DECLINED.label),
    (ServiceRequest.Status.MORE_INFO, ServiceRequest.Status.MORE_INFO.label),
]


class ServiceRequestAnswerForm(BootstrapItaliaFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=ANSWER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an answer."),
            "invalid_choice": _("Choose an answer."),
        },
    )
    answer = forms.CharField(
        label=_("Message to the person"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent by e-mail. Required when you decline or need more information."),
        error_messages={
            "max_length": _("The message is too long: at most %(limit_value)d characters."),
        },
    )

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        answer = (cleaned.get("answer") or "").strip()
        cleaned["answer"] = answer
        if status in {ServiceRequest.Status.DECLINED, ServiceRequest.Status.MORE_INFO} and (
            not answer
        ):
            self.add_error(
                "answer",
                _("Explain the reason or say what information you need."),
            )
        return cleaned


class NeedsAnswerForm(BootstrapItaliaFormMixin, forms.Form):
    """An employee's answer to the yearly needs survey."""

    categories = forms.ModelMultipleChoiceField(
        label=_("Which welfare areas would help you most?"),
        queryset=Category.objects.order_by("position", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Choose as many as you like."),
    )
    age_bands = forms.MultipleChoiceField(
        label=_("If you have children, how old are they?"),
        choices=AgeBand.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label=_("Anything else the District should offer?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NeedsAnswer._meta.get_field("comment").max_length,
        required=False,
        help_text=_("Do not write names or health details: the answers are read in aggregate."),
    )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("categories") or cleaned.get("age_bands") or cleaned.get("comment")):
            raise forms.ValidationError(_("Choose at least one area or write a comment."))
        return cleaned
