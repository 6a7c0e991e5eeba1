"""A form sent twice makes one record: a tap repeated on a slow tablet, or a browser sending
again after a timeout, must not log a second session, book a second course or alert twice.

Each form that writes carries a one-time `submission` token (the `submission_field` tag). The
first POST with it that ends in a redirect, its work done, keeps the token with where it led
(beside the API's Idempotency-Key records, in the same transaction); a repeat is sent there
and changes nothing. A POST the form refuses keeps nothing, so its correction may follow with
the same token. A concurrent repeat waits on the token's unique key until the first commits.
"""

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from httpapi.models import IdempotencyRecord
from web.access import member

FIELD = "submission"
LONGEST = 64


def new_token() -> str:
    return uuid.uuid4().hex


def _of(request: HttpRequest) -> str:
    """What the token was sent to, as the API's records fingerprint their requests."""
    return hashlib.sha256(request.path.encode()).hexdigest()


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view's POST acts once per submission token; a repeat goes where the first went."""

    @wraps(view)
    def once(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not token or len(token) > LONGEST:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            record, first = IdempotencyRecord.objects.get_or_create(
                staff=member(request), key=f"web:{token}", defaults={"fingerprint": _of(request)}
            )
        if not first and record.response_body:
            return HttpResponseRedirect(record.response_body["location"])
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseRedirect):
            record.response_status = response.status_code
            record.response_body = {"location": response["Location"]}
            record.save(update_fields=["response_status", "response_body"])
        else:  # refused, or only shown again: the token stays free for the corrected form
            record.delete()
        return response

    return once
