"""Abuse limits: requests per client address, counted in the shared cache (Redis in production,
so the count holds across web workers). Rates: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from rest_framework.throttling import SimpleRateThrottle


class PerAddressThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(PerAddressThrottle):
    """Password guesses: the API's token endpoint and the sign-in forms share one budget per
    address, so a guesser gains nothing by changing doors."""

    scope = "token"


class PatientPageThrottle(PerAddressThrottle):
    scope = "patient_page"


def too_many(request: HttpRequest, throttle: SimpleRateThrottle) -> HttpResponse | None:
    """429 once the address is over `throttle`'s rate, for plain Django views."""
    # A plain Django view has no APIView to give; the per-address key reads only the request.
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    return HttpResponse(
        "Too many requests. Please try again in a minute.",
        status=429,
        content_type="text/plain",
        headers={"Retry-After": str(int(throttle.wait() or 60))},
    )


def limit_password_guesses(
    sign_in: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """A sign-in form's posts count against the address's password guesses (TokenThrottle)."""

    @wraps(sign_in)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST" and (refused := too_many(request, TokenThrottle())):
            return refused
        return sign_in(request, *args, **kwargs)

    return limited
