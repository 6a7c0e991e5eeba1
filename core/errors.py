"""The domain's errors: what services raise when a clinical or state rule refuses a request.

They know nothing of HTTP. Each edge maps them: the API in httpapi/errors.py (400, 409, 403 with
the contract's `code`), the admin and the staff app as a message next to the field.
"""


class RuleViolation(Exception):
    """A clinical or state rule refused the request (see the error codes in the API contract)."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


class Conflict(RuleViolation):
    """The request does not fit the record's current state (double booking, a signed session)."""


class NotAllowed(RuleViolation):
    """The caller's role or relation to the record does not allow this action."""

    def __init__(self, detail: str, code: str = "permission_denied"):
        super().__init__(code, detail)


class Unavailable(RuleViolation):
    """Something the server lacks (a system library) stands in the way, not the request."""
