"""Abuse limits, counted in the shared cache (Redis in production, so the counts hold across
web workers): requests per client address (rates: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]),
and failed sign-ins per account, which no number of addresses gets round."""

import hashlib
import math
import unicodedata
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


class PerAddressThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(PerAddressThrottle):
    """Password guesses: the API's token endpoint and the sign-in forms share one budget per
    address, so a guesser gains nothing by changing doors."""

    scope = "token"


class PatientPageThrottle(PerAddressThrottle):
    scope = "patient_page"


def seconds_locked(
    failures: int, first_failure_at: float | None, now: float, *, most: int, minutes: int
) -> int:
    """How long an account stays closed to sign-ins (0: open). It closes once `most` sign-ins
    have failed within `minutes` of the first, and opens again when those minutes are over."""
    if first_failure_at is None or failures < most:
        return 0
    return max(0, math.ceil(first_failure_at + 60 * minutes - now))


def _failure_keys(username: str) -> tuple[str, str]:
    # The name as the sign-in forms and the token endpoint clean it (trimmed, NFKC), so that a
    # door asking first finds the count the backend keeps; any case, so case is no way round.
    name = unicodedata.normalize("NFKC", username.strip()).casefold()
    # Hashed: a username is anything typed, and the key must be a safe name. (The API's JSON
    # parser refuses a lone surrogate; should another door pass one, it is hashed all the same.)
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sign-in-failures:{digest}:since", f"sign-in-failures:{digest}:count"


def count_failed_sign_in(username: str) -> None:
    """One more failed sign-in for the account (existing or not: a refusal must not tell)."""
    since, count = _failure_keys(username)
    now, minutes = timezone.now().timestamp(), settings.SIGN_IN_LOCK_MINUTES
    first = cache.get(since)
    if first is None or now - first >= 60 * minutes:  # the first failure of a new spell
        cache.set_many({since: now, count: 0}, timeout=60 * minutes)
    try:
        cache.incr(count)
    except ValueError:  # the spell ended between the two reads
        cache.set_many({since: now, count: 1}, timeout=60 * minutes)


def forget_failed_sign_ins(username: str) -> None:
    """The account's owner signed in: earlier slips of theirs count no more."""
    cache.delete_many(_failure_keys(username))


def sign_in_locked_for(username: str) -> int:
    """Seconds until the account may sign in again (0: it may now). The sign-in backend refuses
    a closed account whatever the password, so a guesser cannot learn that a guess was right;
    the doors ask first, to say so plainly."""
    since, count = _failure_keys(username)
    kept = cache.get_many([since, count])
    return seconds_locked(
        kept.get(count, 0),
        kept.get(since),
        timezone.now().timestamp(),
        most=settings.SIGN_IN_FAILURES_PER_ACCOUNT,
        minutes=settings.SIGN_IN_LOCK_MINUTES,
    )


class AccountThrottle(BaseThrottle):
    """The token endpoint refuses an account closed by failed sign-ins (sign_in_locked_for)."""

    def allow_request(self, request, view) -> bool:
        body = request.data  # any JSON: the serializer says what is wrong with a bad one
        name = body.get("username") if isinstance(body, Mapping) else None
        self.locked_for = sign_in_locked_for(str(name)) if isinstance(name, str | int) else 0
        return not self.locked_for

    def wait(self) -> float:
        return self.locked_for


def too_many(request: HttpRequest, throttle: SimpleRateThrottle) -> HttpResponse | None:
    """429 once the address is over `throttle`'s rate, for plain Django views."""
    # A plain Django view has no APIView to give; the per-address key reads only the request.
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    # Refused before anything is looked up, so before anyone is known (a patient's page
    # speaks the patient's language): worded in the browser's language, as it asks.
    with translation.override(translation.get_language_from_request(request)):
        message = gettext("Too many requests. Please try again in a minute.")
    return _refusal(message, throttle.wait() or 60)


def _refusal(message: str, seconds: float) -> HttpResponse:
    return HttpResponse(
        message,
        status=429,
        content_type="text/plain",
        headers={"Retry-After": str(int(seconds))},
    )


def limit_password_guesses(
    sign_in: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """A sign-in or password-change form's posts count against the address's password guesses
    (TokenThrottle), and one for an account closed by failed sign-ins is refused
    (sign_in_locked_for)."""

    @wraps(sign_in)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            if refused := too_many(request, TokenThrottle()):
                return refused
            # A password-change form names no account: it is its signed-in person's.
            username = request.POST.get("username") or (
                request.user.get_username() if request.user.is_authenticated else ""
            )
            if locked_for := sign_in_locked_for(username):
                minutes = math.ceil(locked_for / 60)
                return _refusal(
                    "Too many failed sign-ins for this account. "
                    f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                    locked_for,
                )
        return sign_in(request, *args, **kwargs)

    return limited
