"""The OpenAPI document describes the errors too, not only the happy answers.

drf-spectacular documents what a view returns when all goes well. `ClinicAutoSchema` adds the
answers of clinic/errors.py that the operation can give, so a client (and the fuzz test,
tests/test_api_fuzz.py) knows every status it may see and the shape of its body. Conflicts
(409) are the services' own and are named where they arise, with their codes:
`responses={..., 409: conflict("double_booked")}`.
"""

import uritemplate
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

JSON = ["application/json"]  # errors are JSON whatever the success renders (the iCalendar feed)
PAGINATION_PARAMETERS = {"cursor", "page_size"}
BODY_METHODS = {"POST", "PUT", "PATCH"}


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Machine-readable: a code from the contract's list (e.g. double_booked) or "
        "one of the framework's (not_found, permission_denied, not_authenticated, ...)"
    )
    detail = serializers.CharField(help_text="What went wrong, in words for people")


# DRF's field map: each field's messages, nested as the input nests (lists of sites, ...).
FIELD_ERRORS = {
    "type": "object",
    "description": "Each invalid field with its messages; nested input nests its errors.",
    # A field's messages, or one entry per item of a list field (an object of that item's errors).
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
}


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def conflict(*codes: str) -> OpenApiResponse:
    """409, naming the codes of the contract this operation may answer with."""
    return error(f"Refused by a state rule: {', '.join(f'`{code}`' for code in codes)}.")


class ClinicAutoSchema(AutoSchema):
    # drf-spectacular (pinned) has no public hook that adds to the responses it derives, and
    # @extend_schema(responses=...) replaces them: this one adds, and an explicit answer wins.
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, response in self.error_responses().items():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    response, str(status), JSON, direction
                )
        return responses

    def error_responses(self) -> dict[int, OpenApiResponse]:
        """The errors this operation can answer with, by status code."""
        answers = {}
        if self.takes_input():
            answers[400] = OpenApiResponse(
                {"anyOf": [self._error_ref(), self._field_errors_ref()]},
                description="Invalid input: DRF's field map, or a clinical rule's `code` "
                "(e.g. `screening_required`) and `detail`.",
            )
        if self.view.get_authenticators():  # a wrong token is refused even where none is needed
            answers[401] = error("No valid token (`Authorization: Token ...`) or session.")
        if any(not isinstance(p, AllowAny) for p in self.view.get_permissions()):
            answers[403] = error("Signed in, but this role (or a non-clinic account) may not.")
        if uritemplate.variables(self.path) or self._is_paginated_list():
            answers[404] = error(
                "Not in the caller's clinic (another clinic's records are never shown), "
                "or an invalid page cursor."
            )
        if self.method in BODY_METHODS and self.get_request_serializer() is not None:
            answers[415] = error("The body's Content-Type is not JSON, a form or multipart.")
        if self.view.get_throttles():
            answers[429] = error("Too many requests from this address; try again later.")
        return answers

    def takes_input(self) -> bool:
        """A body, or query parameters other than the page: either may be invalid."""
        if self.method in BODY_METHODS:
            return True
        return any(
            parameter["in"] == "query" and parameter["name"] not in PAGINATION_PARAMETERS
            for parameter in self._get_parameters()
        )

    def _is_paginated_list(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None

    def _error_ref(self) -> dict:
        return self.resolve_serializer(ErrorSerializer, "response").ref

    def _field_errors_ref(self) -> dict:
        component = ResolvedComponent(
            name="FieldErrors",
            type=ResolvedComponent.SCHEMA,
            schema=FIELD_ERRORS,
            object="FieldErrors",
        )
        self.registry.register_on_missing(component)
        return component.ref
