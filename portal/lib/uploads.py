"""Uploaded import files kept in private storage between a dry run and the apply, checked by their SHA-256."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import storages


def stored_name(kind: str, batch) -> str:
    return f"{kind}/{batch.pk}-{batch.sha256[:16]}.csv"


def keep(kind: str, batch, data: bytes) -> None:
    storage = storages["private"]
    name = stored_name(kind, batch)
    storage.delete(name)
    storage.save(name, ContentFile(data))


def load(kind: str, batch) -> bytes:
    """The bytes uploaded for `batch`; refuses if they no longer match the hash taken at upload."""
    return load_named(stored_name(kind, batch), batch.sha256)


def load_named(name: str, sha256: str) -> bytes:
    """The bytes kept under `name`; refuses if they no longer match the hash taken at upload."""
    with storages["private"].open(name, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError("The stored file has changed since it was uploaded. Upload it again.")
    return data
