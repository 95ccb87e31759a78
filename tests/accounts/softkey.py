"""A software security key: answers allauth's WebAuthn challenges as a browser with a key would.

Built from python-fido2's data classes (the library allauth verifies with) and an EC P-256
key, attestation "none". Good enough to register a key and sign in with it in tests.
"""

import hashlib
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    RegistrationResponse,
)

ORIGIN = "https://testserver"  # the test client's host; WebAuthn needs a secure origin
FLAGS = AuthenticatorData.FLAG


class SoftKey:
    def __init__(self, *, resident=False, extension_results=None):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.resident = resident
        self.user_handle = None
        self.counter = 0
        self.extension_results = extension_results or {}

    def _auth_data(self, rp_id, credential_data=b""):
        self.counter += 1
        flags = FLAGS.UP | FLAGS.UV | (FLAGS.AT if credential_data else 0)
        return AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(), flags, self.counter, credential_data
        )

    def register(self, creation_options):
        """The `credential` JSON a browser posts after navigator.credentials.create()."""
        options = creation_options["publicKey"]
        rp_id = options["rp"]["id"]
        self.user_handle = websafe_decode(options["user"]["id"])
        credential_data = AttestedCredentialData.create(
            b"\0" * 16,
            self.credential_id,
            ES256.from_cryptography_key(self.private_key.public_key()),
        )
        response = RegistrationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAttestationResponse(
                client_data=CollectedClientData.create(
                    type="webauthn.create", challenge=options["challenge"], origin=ORIGIN
                ),
                attestation_object=AttestationObject.create(
                    "none", self._auth_data(rp_id, credential_data), {}
                ),
            ),
            client_extension_results={"credProps": {"rk": self.resident}} | self.extension_results,
        )
        return json.dumps(dict(response))

    def sign(self, request_options):
        """The `credential` JSON a browser posts after navigator.credentials.get()."""
        options = request_options["publicKey"]
        client_data = CollectedClientData.create(
            type="webauthn.get", challenge=options["challenge"], origin=ORIGIN
        )
        auth_data = self._auth_data(options["rpId"])
        signature = self.private_key.sign(
            bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256())
        )
        response = AuthenticationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data,
                authenticator_data=auth_data,
                signature=signature,
                user_handle=self.user_handle if self.resident else None,
            ),
        )
        return json.dumps(dict(response))


def stored_key(user, name="Chiave di prova"):
    """A security key of `user` as allauth stores it once registered (no browser involved)."""
    from allauth.account.utils import user_pk_to_url_str
    from allauth.mfa.models import Authenticator
    from fido2.utils import websafe_encode

    options = {
        "publicKey": {
            "rp": {"id": "testserver"},
            "user": {"id": websafe_encode(user_pk_to_url_str(user).encode())},
            "challenge": websafe_encode(os.urandom(32)),
        }
    }
    credential = json.loads(SoftKey().register(options))
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": name, "credential": credential, "passwordless": False},
    )
