from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.permissions import SAFE_METHODS

from audit import trail


class AuditMiddleware:
    """Give every request an id (echoed as X-Request-ID) and attribute its writes.

    Session-authenticated writers (the admin) are named here; token-authenticated API calls
    and patient links are named by their views once they know who is calling.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request.request_id = trail.new_request_id()  # type: ignore[attr-defined]
        if request.method in SAFE_METHODS:
            response = self.get_response(request)
        else:
            if request.user.is_authenticated:
                trail.attribute_writes(request, trail.staff(request.user))
            try:
                response = self.get_response(request)
            finally:
                trail.clear_writer()
        response["X-Request-ID"] = request_id
        return response
