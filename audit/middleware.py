from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from audit import trail


class AuditMiddleware:
    """Give every request an id, echoed as X-Request-ID, which its audit entries carry.

    The writer of a request's rows is named by its view, inside the request's transaction,
    once the view knows who is calling (audit.trail.attribute_writes): the API's viewsets,
    the staff app's pages, the admin site, the patient links.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request.request_id = trail.new_request_id()  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
