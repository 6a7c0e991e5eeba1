"""`Idempotency-Key` on POST: a repeat with the same key and body returns the first answer.

The record is written inside the request's transaction (ATOMIC_REQUESTS), so a rejected
request keeps no record and may be retried, and a concurrent repeat waits on the unique
key until the first commits, then replays it.
"""

import hashlib

from django.db import transaction
from rest_framework import status
from rest_framework.response import Response

from clinic.errors import RuleViolation
from clinic.models import IdempotencyRecord

HEADER = "Idempotency-Key"


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def claim(request, key: str) -> IdempotencyRecord:
    """Reserve `key` for this request, or raise _Replay with the first answer."""
    if not 1 <= len(key) <= 255:
        raise RuleViolation("invalid_idempotency_key", f"{HEADER} must be 1 to 255 characters.")
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        record, created = IdempotencyRecord.objects.get_or_create(
            staff=request.user, key=key, defaults={"fingerprint": fingerprint}
        )
    if created:
        return record
    if record.fingerprint != fingerprint:
        raise RuleViolation(
            "idempotency_key_reused",
            f"This {HEADER} was already used for a different request.",
            status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    raise _Replay(response)


class IdempotentPostMixin:
    """Give a DRF view idempotent POST; every API viewset inherits it through ClinicViewSet."""

    _idempotency_record = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if request.method == "POST" and key is not None and request.user.is_authenticated:
            self._idempotency_record = claim(request, key)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = self._idempotency_record
        if record is not None:
            if status.is_success(response.status_code):
                record.response_status = response.status_code
                record.response_body = response.data
                record.save(update_fields=["response_status", "response_body"])
            elif not transaction.get_rollback():
                # A failure that did not roll back (a plain 4xx response) must not be replayed.
                record.delete()
        return response
