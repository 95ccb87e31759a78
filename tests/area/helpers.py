"""Builders for the partner-area tests: images, service form data, pending affiliations."""

import random
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from partners.models import Affiliation
from tests import factories


def image_bytes(image_format="PNG", size=(12, 8), noise=False):
    """A real image; with `noise` its pixels are random, so it hardly compresses."""
    image = Image.new("RGB", size, "teal")
    if noise:
        image = Image.frombytes("RGB", size, random.Random(1).randbytes(3 * size[0] * size[1]))
    buffer = BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def upload(name="foto.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type)


def service_data(category, /, **overrides):
    """A complete, valid service form submission."""
    data = {
        "title": "Centro estivo per bambini",
        "summary": "Attività estive per i figli dei dipendenti dai 6 agli 11 anni.",
        "description": (
            "Laboratori, gite e sport nei mesi di luglio e agosto, dalle 8 alle 16, "
            "con pranzo incluso."
        ),
        "category": str(category.pk),
        "eligibility": "everyone",
        "cost": "free",
        "cost_conditions": "",
        "address": "Via Sommarive 18, Povo",
        "area": "Povo",
        "contact_email": "welfare@alfa.example",
        "contact_phone": "",
        "booking_url": "",
        "available_from": "",
        "available_until": "",
        "image_alt": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pending_affiliation(organization, email=None):
    user = factories.make_user(email)
    return factories.affiliate(
        user,
        organization,
        status=Affiliation.Status.PENDING,
        verified_via="",
        verified_at=None,
        request_message="Lavoro nell'ufficio personale.",
    )


def en(name, **kwargs):
    """The English address of a page, whatever language an earlier request left active."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)
