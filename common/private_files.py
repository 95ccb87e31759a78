"""Private files (minutes, non-public agreement documents): stored apart, never a public URL.

Two storages are configured in ``settings.STORAGES``: ``default`` for public files (logos,
service images) and ``private`` for everything that may be read only after an access check.
Model fields of private files use ``storage=private_storage`` (a callable, so migrations
do not depend on the environment), and every view that hands one out calls
``serve_private_file`` once it has checked who is asking:

- private storage on the local filesystem: the file is streamed by Django, or, with
  ``PRIVATE_FILES_X_ACCEL`` on, handed to nginx with ``X-Accel-Redirect: /_private/<name>``
  (an ``internal`` location serving ``PRIVATE_MEDIA_ROOT``);
- private storage on S3-compatible object storage: a redirect to a short-lived presigned
  URL of the private bucket.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, cached_property, empty
from django.utils.http import content_disposition_header

PRIVATE_STORAGE_ALIAS = "private"
#: The nginx location (``internal``) that serves PRIVATE_MEDIA_ROOT for X-Accel-Redirect.
X_ACCEL_PREFIX = "/_private/"


class PrivateURLRefused(ValueError):
    """Raised when code asks a private file for its address instead of serving it."""


@deconstructible(path="common.private_files.PrivateFileSystemStorage")
class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (outside MEDIA_ROOT), which have no URL at all."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in {"PRIVATE_MEDIA_ROOT", "MEDIA_ROOT"}:
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise PrivateURLRefused(
            "A private file has no address: serve it with common.private_files."
            "serve_private_file after an access check."
        )


class PrivateStorage(LazyObject):
    """``storages["private"]``, looked up when first used (and again if STORAGES changes)."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private_storage_proxy = PrivateStorage()


def private_storage():
    """The private storage, for ``FileField(storage=private_storage)``."""
    return private_storage_proxy


def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage_proxy._wrapped = empty


setting_changed.connect(_reset_private_storage)


def _backend(storage):
    """The real storage behind a lazy proxy."""
    if isinstance(storage, LazyObject):
        if storage._wrapped is empty:
            storage._setup()
        return storage._wrapped
    return storage


def serve_private_file(
    field_file,
    *,
    filename: str,
    content_type: str = "application/pdf",
    as_attachment: bool = True,
):
    """The answer handing out ``field_file`` to someone the caller has already let in.

    404 when the field is empty or the file is missing from its storage.
    """
    if not field_file:
        raise Http404("No file.")
    name = field_file.name
    storage = _backend(field_file.storage)
    disposition = content_disposition_header(as_attachment, filename)
    if isinstance(storage, FileSystemStorage) and settings.PRIVATE_FILES_X_ACCEL:
        if not storage.exists(name):
            raise Http404("The file is missing.")
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = X_ACCEL_PREFIX + quote(name)
        response["Content-Disposition"] = disposition
        return response
    if _is_object_storage(storage):
        # The browser fetches the object itself, with a signature valid a short while.
        if not storage.exists(name):
            raise Http404("The file is missing.")
        url = storage.url(
            name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
        )
        return HttpResponseRedirect(url)
    try:
        handle = storage.open(name, "rb")
    except OSError:
        raise Http404("The file is missing.") from None
    return FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type
    )


def _is_object_storage(storage) -> bool:
    if isinstance(storage, FileSystemStorage):
        return False
    from storages.backends.s3 import S3Storage

    return isinstance(storage, S3Storage)


def move_to_private_storage(model, field_name: str) -> int:
    """Move the files of ``model.field_name`` still in the public storage to the private one.

    For the data migration that put minutes and agreement documents in private storage:
    files uploaded before it sit under MEDIA_ROOT (or the public bucket), where anyone who
    knows the address reads them. Returns how many files moved.
    """
    from django.core.files.storage import default_storage

    private = storages[PRIVATE_STORAGE_ALIAS]
    moved = 0
    for row in model.objects.exclude(**{field_name: ""}).only("pk", field_name):
        name = getattr(row, field_name).name
        if not name or not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as handle:
            stored = private.save(name, handle)
        if stored != name:
            model.objects.filter(pk=row.pk).update(**{field_name: stored})
        default_storage.delete(name)
        moved += 1
    return moved
