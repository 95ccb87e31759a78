"""allauth's WebAuthn forms, refusing a malformed credential with a message instead of a 500.

The `credential` field is JSON the browser builds; anyone can post something else. allauth
(65.22) turns some malformed payloads into "Incorrect code." but lets others escape from
python-fido2 as KeyError / AttributeError ... (a server error), and stores a new key's JSON
as it came, NUL characters included, which PostgreSQL refuses. settings.MFA_FORMS points here.
"""

import json

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn import forms as webauthn_forms

# What python-fido2 raises on a payload of the wrong shape (missing keys, wrong types, bad
# base64 or CBOR). ValidationError, the rate limit's included, is none of these.
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError)


def _incorrect():
    return get_adapter().validation_error("incorrect_code")


def _storable(credential):
    # json.dumps writes a NUL character as \u0000, the one escape jsonb cannot hold.
    if "\\u0000" in json.dumps(credential):
        raise _incorrect()


class _SafeAuthentication:
    def clean_credential(self):
        _storable(self.cleaned_data.get("credential"))
        try:
            return super().clean_credential()
        except MALFORMED as error:
            raise _incorrect() from error


class AuthenticateWebAuthnForm(_SafeAuthentication, webauthn_forms.AuthenticateWebAuthnForm):
    pass


class LoginWebAuthnForm(_SafeAuthentication, webauthn_forms.LoginWebAuthnForm):
    pass


class ReauthenticateWebAuthnForm(_SafeAuthentication, webauthn_forms.ReauthenticateWebAuthnForm):
    pass


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    def clean(self):
        # Raised here, not in clean_credential(): a form error the page shows (the field is hidden).
        _storable(self.cleaned_data.get("credential"))
        try:
            return super().clean()
        except MALFORMED as error:
            raise _incorrect() from error
