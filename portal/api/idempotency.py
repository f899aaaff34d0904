"""Writes answered once per Idempotency-Key: a retry (same key, same body) gets the first answer again and records
nothing twice; the same key with another body is refused (409). A write that was refused (4xx) recorded nothing, so
its key is forgotten and may be used again for the corrected request."""

import datetime
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone

from .models import ApiClient, IdempotentRequest
from .problems import Problem

KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII: a UUID, a ULID, "esr-2026-03-01-batch-7"
# A claim whose request never finished (the worker died mid-request) may be taken over after this long.
ABANDONED_AFTER = datetime.timedelta(minutes=10)


def checked_key(key: str | None) -> str:
    if not key:
        raise Problem(
            "idempotency_key_missing",
            "Idempotency-Key: send a header unique to this request (a UUID, say), and the same one on a retry.",
            errors=[{"field": "Idempotency-Key", "message": "Idempotency-Key: required on every write"}],
        )
    if not KEY.match(key):
        raise Problem(
            "idempotency_key_missing",
            "Idempotency-Key: use 1 to 200 visible ASCII characters (letters, digits, - _ . : and the like).",
            errors=[{"field": "Idempotency-Key", "message": "Idempotency-Key: 1 to 200 visible ASCII characters"}],
        )
    return key


def fingerprint(request, payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def answer_once(client: ApiClient, key: str, digest: str, answer) -> tuple[JsonResponse, IdempotentRequest, bool]:
    """(response, its record, replayed): the response stored for `key`, else `answer()`'s (status, body, batch),
    stored for it."""
    record = _claim(client, key, digest)
    if record.status is not None:
        return _response(record, replayed=True), record, True
    try:
        status, body, batch = answer()
    except BaseException:
        record.delete()  # nothing was recorded: the key is free for the corrected request
        raise
    record.status, record.body, record.batch = status, body, batch
    record.save(update_fields=["status", "body", "batch"])
    return _response(record, replayed=False), record, False


def _claim(client: ApiClient, key: str, digest: str) -> IdempotentRequest:
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(client=client, key=key, request_sha256=digest)
    except IntegrityError:
        pass
    record = IdempotentRequest.objects.get(client=client, key=key)
    if record.request_sha256 != digest:
        raise Problem(
            "idempotency_key_reused",
            "Idempotency-Key: this key was used for a request with another body or address. Use a new key for a new "
            "request; resend a retry exactly as first sent.",
        )
    if record.status is None:
        stale = timezone.now() - ABANDONED_AFTER
        taken = IdempotentRequest.objects.filter(pk=record.pk, status__isnull=True, created_at__lt=stale).update(
            created_at=timezone.now()
        )
        if not taken:
            raise Problem(
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being answered: retry in a few seconds.",
                headers={"Retry-After": "5"},
            )
        record.refresh_from_db()
    return record


def _response(record: IdempotentRequest, *, replayed: bool) -> JsonResponse:
    response = JsonResponse(record.body, status=record.status, json_dumps_params={"ensure_ascii": False})
    response["Idempotency-Key"] = record.key
    if replayed:
        response["Idempotent-Replayed"] = "true"
    location = record.body.get("import", {}).get("status_url") if isinstance(record.body, dict) else None
    if location:
        response["Location"] = location
    return response
