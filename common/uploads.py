"""Checks for files people upload: judged by their content, never by their name.

A browser-supplied name or content type proves nothing, so an upload is opened with Pillow,
must be one of a few web formats, must fit the size limit, and is stored under a random
name with the extension of what it really is (an HTML page renamed `.jpg` stays out).
A PDF must open with a real PDF parser, not just start with the right five bytes.
"""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# Pillow's format name -> the extension the stored file gets.
ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Bigger pictures are never needed on the site and cost memory to decode.
MAX_IMAGE_SIDE = 8000


def image_size_limit() -> int:
    return settings.MAX_IMAGE_UPLOAD_BYTES


def validate_image_upload(uploaded) -> str:
    """Check an uploaded file is a real JPEG, PNG or WebP image within the size limit.

    Returns the extension the file should be stored with; raises ValidationError with a
    message that says what to do otherwise. Leaves the file's read position at the start.
    """
    from PIL import Image

    limit = image_size_limit()
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            _("The image is %(size)s: the limit is %(limit)s. Upload a smaller image."),
            code="image_too_large",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="image_empty")

    not_an_image = ValidationError(
        _(
            "The file is not an image in JPEG, PNG or WebP format, or it is damaged. "
            "Choose a photo or picture saved in one of these formats."
        ),
        code="image_invalid",
    )
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image_format = image.format
            width, height = image.size
            # verify() must follow open() directly; it reads the whole file's structure.
            image.verify()
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("The image is too large in pixels. Resize it and try again."),
            code="image_too_many_pixels",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for bad files
        raise not_an_image from exc
    finally:
        uploaded.seek(0)

    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise not_an_image
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        raise ValidationError(
            _("The image is %(width)s×%(height)s pixels: each side must be at most %(max)s."),
            code="image_too_many_pixels",
            params={"width": width, "height": height, "max": MAX_IMAGE_SIDE},
        )
    return ALLOWED_IMAGE_FORMATS[image_format]


def validate_pdf_upload(uploaded) -> None:
    """Check an uploaded file is a PDF document that opens, with pages, within the size limit.

    The file is parsed with pypdf: a file that merely starts with ``%PDF-`` (an HTML page,
    a truncated download) is refused. Leaves the file's read position at the start.
    """
    from pypdf import PdfReader

    limit = settings.MAX_DOCUMENT_UPLOAD_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size)s: the limit is %(limit)s. Upload a smaller PDF."),
            code="document_too_large",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    not_a_pdf = ValidationError(
        _(
            "The file is not a PDF document, or it is damaged and cannot be opened. "
            "Save it again as PDF and upload it."
        ),
        code="document_not_pdf",
    )
    try:
        uploaded.seek(0)
        if uploaded.read(5) != b"%PDF-":
            raise not_a_pdf
        uploaded.seek(0)
        reader = PdfReader(uploaded, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("The PDF is protected by a password: upload a copy without a password."),
                code="document_encrypted",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for bad files
        raise not_a_pdf from exc
    finally:
        uploaded.seek(0)
    if pages == 0:
        raise not_a_pdf


def random_image_name(extension: str) -> str:
    """A stored name that reveals nothing about the uploader's file and cannot collide."""
    return f"{uuid.uuid4().hex}.{extension}"


def _format_image_help_text() -> str:
    return _("JPEG, PNG or WebP, up to %(limit)s.") % {"limit": filesizeformat(image_size_limit())}


# Evaluated when rendered, so it follows the visitor's language and the current setting.
_image_help_text = lazy(_format_image_help_text, str)


class ImageUploadField(forms.ImageField):
    """An image form field that checks content, format and size and renames the file."""

    default_error_messages = {
        "invalid_image": _(
            "The file is not an image in JPEG, PNG or WebP format, or it is damaged. "
            "Choose a photo or picture saved in one of these formats."
        ),
    }
    # The stored name is ours (see to_python), so the uploaded name's extension is moot.
    default_validators = []

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _image_help_text())
        super().__init__(**kwargs)

    def to_python(self, data):
        if data in self.empty_values:
            return None
        # Size and format first: Django's own check would read an oversized file in full.
        extension = validate_image_upload(data)
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        uploaded.name = random_image_name(extension)
        return uploaded

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput):
            attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs


def delete_file_on_commit(field_file_or_name, *, storage, still_used=None) -> None:
    """Remove a replaced or deleted file from its storage once the transaction commits.

    ``still_used(name)``, when given, is asked first: a file another row still points at
    (a copied service, for instance) stays.
    """
    name = getattr(field_file_or_name, "name", field_file_or_name) or ""
    if not name:
        return

    def delete():
        if still_used is not None and still_used(name):
            return
        storage.delete(name)

    transaction.on_commit(delete, robust=True)


def stored_file_name(instance, field_name: str) -> str:
    """The file name the database holds for ``instance`` now (before a save replaces it)."""
    if instance.pk is None:
        return ""
    model = type(instance)
    stored = model._default_manager.filter(pk=instance.pk).values_list(field_name, flat=True)
    return stored.first() or ""


def delete_replaced_file(instance, field_name: str, old_name: str) -> None:
    """After a save, remove the file ``old_name`` if the row no longer points at it."""
    field_file = getattr(instance, field_name)
    if not old_name or old_name == field_file.name:
        return
    delete_file_on_commit(
        old_name, storage=field_file.storage, still_used=_used_by(type(instance), field_name)
    )


def delete_files_with_rows(model, *field_names: str) -> None:
    """Remove a row's files from storage when the row is deleted (admin, cascade, bulk)."""

    def on_delete(sender, instance, **kwargs):
        for field_name in field_names:
            field_file = getattr(instance, field_name)
            delete_file_on_commit(
                field_file, storage=field_file.storage, still_used=_used_by(model, field_name)
            )

    post_delete.connect(
        on_delete, sender=model, weak=False, dispatch_uid=f"delete-files-{model._meta.label}"
    )


def _used_by(model, field_name: str):
    return lambda name: model._default_manager.filter(**{field_name: name}).exists()
