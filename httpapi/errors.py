"""One error format for the whole API: the domain's errors (core/errors.py) mapped to HTTP.

Field validation keeps DRF's field map; every other rejection carries a machine-readable
`code` and a human `detail`. Every error rolls the request's transaction back.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import Conflict, NotAllowed, RuleViolation, Unavailable


def status_of(error: RuleViolation) -> int:
    if isinstance(error, Conflict):
        return status.HTTP_409_CONFLICT
    if isinstance(error, NotAllowed):
        return status.HTTP_403_FORBIDDEN
    if isinstance(error, Unavailable):
        return status.HTTP_503_SERVICE_UNAVAILABLE
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc, context):
    if isinstance(exc, RuleViolation):
        set_rollback()
        return Response({"code": exc.code, "detail": exc.detail}, status=status_of(exc))
    if isinstance(exc, ProtectedError):
        set_rollback()
        return Response(
            {"code": "invalid_state", "detail": "Clinical records still refer to this object."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(response.data, dict)
        and set(response.data) == {"detail"}
    ):
        response.data["code"] = getattr(response.data["detail"], "code", None) or exc.default_code
    return response


def bad_request(request, exception=None):
    """A request refused before any view (a NUL in the query string, a bad Host header)."""
    return JsonResponse(
        {"code": "bad_request", "detail": "The request is malformed and was not read."},
        status=400,
    )


def not_found(request, exception=None):
    return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)


def server_error(request):
    return JsonResponse({"code": "server_error", "detail": "Something went wrong."}, status=500)
