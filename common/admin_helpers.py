"""Glue between the admin and the ``<app>/actions.py`` write layer.

Admin actions (offered both on the change list and on the change form) call the
action functions one object at a time, and tell the coordinator how many rows changed
and which ones were skipped, and why.
"""

import re
import uuid
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.uploads import ImageUploadField, validate_pdf_upload

MAX_REPORTED_ERRORS = 5

# State changes are offered on the list (many rows) and on each object's own page.
EVERYWHERE = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


def run_action(
    modeladmin: admin.ModelAdmin,
    request,
    queryset,
    *,
    action: Callable,
    argument: str,
    done: Callable[[int], str],
) -> int:
    """Call ``action(<argument>=obj, actor=request.user)`` for each selected object."""
    changed = 0
    errors: list[str] = []
    for obj in queryset:
        try:
            action(**{argument: obj}, actor=request.user)
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            changed += 1
    modeladmin.message_user(
        request, done(changed), messages.SUCCESS if changed else messages.WARNING
    )
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        if len(errors) > MAX_REPORTED_ERRORS:
            shown.append("…")
        modeladmin.message_user(request, " ".join(shown), messages.WARNING)
    return changed


class ActionRefusalMixin:
    """A save that an action refuses at the last moment shows its message; nothing is saved.

    The admin forms check what the actions check, so this only catches what changed in
    between (another coordinator, a referent acting at the same time): the whole save is
    rolled back and the page is shown again with the action's message, never a 500.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def form_model_fields(obj, form) -> dict:
    """The model fields the admin form edits, with the values it put on ``obj``.

    For actions taking ``**fields`` (``agreement_create``, ``meeting_schedule``...).
    """
    return {
        field.name: getattr(obj, field.name)
        for field in obj._meta.concrete_fields
        if field.name in form.cleaned_data and not field.primary_key
    }


def adopt(obj, saved) -> None:
    """Make the admin's ``obj`` the row an action created, so the admin goes on with it
    (inlines, history, the redirect)."""
    obj.__dict__.update(saved.__dict__)


def related_count(model, link: str, **filters):
    """A per-row count of ``model`` rows whose ``link`` points at the row, as a subquery.

    Unlike ``Count()`` it stays right when a search or filter joins another table, and
    it costs no extra query per row.
    """
    rows = model.objects.filter(**{link: OuterRef("pk")}, **filters).order_by().values("pk")
    return Coalesce(_CountRows(rows), 0)


class _CountRows(Subquery):
    """``(SELECT COUNT(*) FROM (<rows>))``: PostgreSQL counts from the index alone, where a
    grouped ``COUNT(id)`` reads every counted row (half a second for 50,000 services)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted_rows)"
    output_field = IntegerField()


class PdfUploadField(forms.FileField):
    """A PDF upload (signed agreements, minutes): it must open as a PDF and fit the limit.

    The stored name is random, so the uploader's file name reveals nothing and media
    addresses cannot be guessed.
    """

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput):
            attrs["accept"] = "application/pdf"
        return attrs

    def to_python(self, data):
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        validate_pdf_upload(uploaded)
        uploaded.name = f"{uuid.uuid4().hex}.pdf"
        return uploaded


# Admin forms judge uploads like the partner area does: images by content, PDFs by content.
UPLOAD_FIELD_OVERRIDES = {
    models.ImageField: {"form_class": ImageUploadField},
    models.FileField: {"form_class": PdfUploadField},
}


class _LinkedFile(str):
    """A stored file's name that links to the view handing it out (see PrivateFileInput)."""

    url: str

    def __new__(cls, name: str, url: str):
        linked = super().__new__(cls, name)
        linked.url = url
        return linked


class PrivateFileInput(AdminFileWidget):
    """The admin's file input for a private file: its current file links to the
    access-checked download view (``download_url``), never to a storage address."""

    download_url = ""

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))

    def format_value(self, value):
        if self.is_initial(value):
            return _LinkedFile(value.name, self.download_url)
        return None


class PrivateFileAdminMixin:
    """Admin pages with private files: ``private_file_links`` maps each field name to a
    function giving the object's download URL (a view that checks access)."""

    private_file_links: dict[str, Callable] = {}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name, link in self.private_file_links.items():
            field = form.base_fields.get(name)
            if field is None:
                continue
            widget = PrivateFileInput(attrs=field.widget.attrs)
            widget.download_url = link(obj) if obj is not None and obj.pk else ""
            field.widget = widget
        return form


# --- Success messages that read right in Italian ------------------------------------------------
# Django's own ("Il {name} “{obj}” è stato aggiunto") give every model the masculine article
# and participle: "Il organizzazione ... è stato aggiunto". Ours name the model first and the
# outcome as a noun ("Organizzazione “FBK”: aggiunta completata"), right for every gender.
# Each pair: Django's message (msgid of Django's catalogue), ours.
_DJANGO_TO_OURS = [
    (
        "The {name} “{obj}” was added successfully. You may edit it again below.",
        _("{name} “{obj}” added. You can go on editing it below."),
    ),
    (
        "The {name} “{obj}” was added successfully. You may add another {name} below.",
        _("{name} “{obj}” added. You can add another one below."),
    ),
    ("The {name} “{obj}” was added successfully.", _("{name} “{obj}” added.")),
    (
        "The {name} “{obj}” was changed successfully. You may edit it again below.",
        _("{name} “{obj}” saved. You can go on editing it below."),
    ),
    (
        "The {name} “{obj}” was changed successfully. You may add another {name} below.",
        _("{name} “{obj}” saved. You can add another one below."),
    ),
    ("The {name} “{obj}” was changed successfully.", _("{name} “{obj}” saved.")),
    ("The %(name)s “%(obj)s” was deleted successfully.", _("%(name)s “%(obj)s” deleted.")),
    ("Successfully deleted %(count)d %(items)s.", _("Deleted: %(count)d %(items)s.")),
]
_PLACEHOLDERS = {
    "{obj}": "(?P<obj>.*)",
    "%(obj)s": "(?P<obj>.*)",
    "%(count)d": r"(?P<count>\d+)",
    "%(items)s": "(?P<items>.+)",
}


def _django_message_pattern(template: str, name: str) -> re.Pattern:
    pattern = re.escape(template)
    for placeholder, group in _PLACEHOLDERS.items():
        pattern = pattern.replace(re.escape(placeholder), group)
    for placeholder in ("{name}", "%(name)s"):
        pattern = pattern.replace(re.escape(placeholder), f"(?:{re.escape(name)})")
    return re.compile(pattern, re.DOTALL)


def readable_message(message, verbose_name) -> str:
    """Our wording for one of Django's add / change / delete messages (else `message`)."""
    if not isinstance(message, str):
        return message
    names = {str(verbose_name), str(conditional_escape(verbose_name))}
    for django_msgid, ours in _DJANGO_TO_OURS:
        template = gettext(django_msgid)
        for name in names:
            match = _django_message_pattern(template, name).fullmatch(message)
            if match is None:
                continue
            values = match.groupdict()
            if "{obj}" in django_msgid:
                # The object is a link the admin built with format_html: already safe.
                return format_html(
                    str(ours), name=capfirst(verbose_name), obj=mark_safe(values["obj"])
                )
            if "count" in values:
                return str(ours) % {"count": int(values["count"]), "items": values["items"]}
            return str(ours) % {"name": capfirst(verbose_name), "obj": values["obj"]}
    return message


class ReadableMessagesMixin:
    """For ModelAdmin classes: Django's success messages in wording right for every gender.

    The back office's site mixes it into every registered ModelAdmin (distretto.admin_site).
    """

    def message_user(self, request, message, *args, **kwargs):
        return super().message_user(
            request, readable_message(message, self.opts.verbose_name), *args, **kwargs
        )
