"""The security log (logger `filiform.security`): sign-ins that fail or succeed, sign-outs and
revoked access, each with the username and the client's address; never a password or a token.

Usernames are written with repr(), so a name cannot forge a line of the log.
"""

import logging
from contextvars import ContextVar

from rest_framework.throttling import BaseThrottle

security_log = logging.getLogger("filiform.security")

# The address of the request being served, for events that happen far from the request: a
# password saved through any form or command revokes access (clinic.receivers).
_request_address: ContextVar[str] = ContextVar("request_address", default="")


def client_address(request) -> str:
    """The client's address as the abuse limits count it (X-Forwarded-For only through the
    NUM_PROXIES trusted proxies)."""
    return BaseThrottle().get_ident(request)


def _address(request=None) -> str:
    address = client_address(request) if request is not None else _request_address.get()
    return address or "no address (not a web request)"


class RequestAddressMiddleware:
    """Make the client's address known to the security log for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        remembered = _request_address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _request_address.reset(remembered)


def sign_in_failed(username: str, request=None) -> None:
    security_log.warning("sign-in failed for username %r from %s", username, _address(request))


def signed_in(username: str, request=None) -> None:
    path = getattr(request, "path", "")
    security_log.info("signed in: %r from %s at %s", username, _address(request), path)


def signed_out(username: str, request=None) -> None:
    security_log.info("signed out: %r from %s", username, _address(request))


def session_ended(username: str, request=None) -> None:
    security_log.info(
        "login session of %r ended: it has lasted its hours, from %s", username, _address(request)
    )


def access_revoked(username: str, reason: str) -> None:
    security_log.warning(
        "every token and login session of %r revoked (%s), from %s", username, reason, _address()
    )
