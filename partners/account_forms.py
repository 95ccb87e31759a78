"""Forms of the user's own pages: asking to join an organisation, the language of their
mail, deleting the account."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partners.models import Affiliation, Organization


class AffiliationRequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose the organisation you work for"),
        error_messages={
            "required": _("Choose the organisation you work for."),
            "invalid_choice": _(
                "Choose an organisation from the list: you may already belong to the one "
                "you picked, or it is no longer a member."
            ),
        },
    )
    message = forms.CharField(
        label=_("Message for the referents"),
        required=False,
        max_length=Affiliation._meta.get_field("request_message").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional, at most 1000 characters: for example your office or department, so "
            "the referents can recognise you."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        already = Affiliation.objects.open().filter(user=user).values("organization_id")
        self.fields["organization"].queryset = (
            Organization.objects.active().exclude(pk__in=already).order_by("name")
        )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter your password to confirm that you want to delete your account."),
        error_messages={"required": _("Enter your password to confirm.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("The password is not correct: your account has not been deleted."),
                code="password_incorrect",
            )
        return password


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of your e-mails"),
        choices=settings.LANGUAGES,
        error_messages={
            "required": _("Choose one of the portal's languages."),
            "invalid_choice": _("Choose one of the portal's languages."),
        },
    )
