"""A form sent twice makes one record: a tap repeated on a slow tablet, or a browser sending
again after a timeout, must not log a second session, book a second course or alert twice.

Each form that writes carries a one-time `submission` token (the `submission_field` tag). The
first POST with it that ends in a redirect, its work done, keeps the token with where it led
(beside the API's Idempotency-Key records, in the same transaction); a repeat is sent there
and changes nothing. A POST the form refuses keeps nothing, so its correction may follow with
the same token. A concurrent repeat waits on the token's unique key until the first commits.
"""

import hashlib
import re
import uuid
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from httpapi.idempotency import reserve
from web.access import member

FIELD = "submission"
TOKEN = re.compile(r"[0-9a-f]{32}")  # as new_token makes them: nothing else is stored


def new_token() -> str:
    return uuid.uuid4().hex


def sent_token(request: HttpRequest) -> str | None:
    """The token a form was sent with, if it is one this app made."""
    token = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return token if TOKEN.fullmatch(token) else None


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view's POST acts once per submission token; a repeat goes where the first went."""

    @wraps(view)
    def once(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        token = sent_token(request)
        if token is None:
            return view(request, *args, **kwargs)
        sent_to = hashlib.sha256(request.path.encode()).hexdigest()
        record, first = reserve(member(request), f"web:{token}", sent_to)
        if not first and record.fingerprint == sent_to and record.response_body:
            return HttpResponseRedirect(record.response_body["location"])
        response = view(request, *args, **kwargs)
        if not first:  # the token of another form, or one kept by another request: left be
            return response
        if isinstance(response, HttpResponseRedirect):
            record.response_status = response.status_code
            record.response_body = {"location": response["Location"]}
            record.save(update_fields=["response_status", "response_body"])
        else:  # refused, or only shown again: the token stays free for the corrected form
            record.delete()
        return response

    return once
