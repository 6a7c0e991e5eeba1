"""Abuse limits: requests per client address, counted in the shared cache (Redis in production,
so the count holds across web workers). Rates: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

import logging

from rest_framework.throttling import SimpleRateThrottle

security_log = logging.getLogger("filiform.security")


class PerAddressThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(PerAddressThrottle):
    scope = "token"


class PatientPageThrottle(PerAddressThrottle):
    scope = "patient_page"


def log_failed_login(sender, credentials, request=None, **kwargs):
    """Receiver of `user_login_failed`: who tried and from where, never the password."""
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    security_log.warning(
        "failed login for username %r from %s", credentials.get("username", ""), address
    )
