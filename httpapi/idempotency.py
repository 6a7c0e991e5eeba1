"""`Idempotency-Key` on POST: a repeat with the same key and body returns the first answer.

The record is written inside the request's transaction (ATOMIC_REQUESTS), so a rejected
request keeps no record and may be retried, and a concurrent repeat waits on the unique
key until the first commits, then replays it. Records are kept IDEMPOTENCY_KEEP_DAYS
(forget_old_records, run hourly by Celery beat): the answers they hold are patient data.
"""

import hashlib
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response

from httpapi.models import IdempotencyRecord
from httpapi.schema import ClinicAutoSchema, error
from httpapi.typing import ViewMixinBase

HEADER = "Idempotency-Key"
LONGEST_KEY = 255
# No control characters: the key is stored, and PostgreSQL text cannot hold NUL.
KEY_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


class InvalidKey(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_idempotency_key"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


def reserve(staff, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """The staff member's record of `key`, and whether this request made it. In a savepoint:
    a concurrent repeat waits on the unique key until the first commits, then finds it."""
    with transaction.atomic():
        return IdempotencyRecord.objects.get_or_create(
            staff=staff, key=key, defaults={"fingerprint": fingerprint}
        )


def claim(request, key: str) -> IdempotencyRecord:
    """Reserve `key` for this request, or raise _Replay with the first answer."""
    if not 1 <= len(key) <= LONGEST_KEY or not re.match(KEY_CHARACTERS, key):
        raise InvalidKey(
            f"{HEADER} must be 1 to {LONGEST_KEY} characters, none of them control characters."
        )
    fingerprint = _fingerprint(request)
    record, created = reserve(request.user, key, fingerprint)
    if created:
        return record
    if record.fingerprint != fingerprint:
        raise KeyReused(f"This {HEADER} was already used for a different request.")
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    raise _Replay(response)


def forget_old_records(now: datetime) -> int:
    """Delete the records of keys first sent over IDEMPOTENCY_KEEP_DAYS before `now`, and so
    the copies of answers they hold; a repeat sent later is a new request. How many went."""
    kept_since = now - timedelta(days=settings.IDEMPOTENCY_KEEP_DAYS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=kept_since).delete()
    return deleted


class IdempotentPostSchema(ClinicAutoSchema):
    """Every POST documents the header it honours and the answer to a reused key."""

    key = OpenApiParameter(
        HEADER,
        {"type": "string", "minLength": 1, "maxLength": LONGEST_KEY, "pattern": KEY_CHARACTERS},
        OpenApiParameter.HEADER,
        description="Optional. A repeat with the same key and body returns the first answer "
        "(`Idempotent-Replayed: true`) and creates nothing new; keys are kept "
        f"{settings.IDEMPOTENCY_KEEP_DAYS} days.",
    )

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, self.key] if self.method == "POST" else parameters

    def error_responses(self):
        answers = super().error_responses()
        if self.method == "POST":
            answers[422] = error("`idempotency_key_reused`: the key came with another request.")
        return answers


class IdempotentPostMixin(ViewMixinBase):
    """Give a DRF view idempotent POST; every API viewset inherits it through ClinicViewSet."""

    schema = IdempotentPostSchema()
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
