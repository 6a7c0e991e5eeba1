"""Abuse limits: requests per client address, counted in the shared cache (Redis in production,
so the count holds across web workers). Rates: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

from rest_framework.throttling import SimpleRateThrottle


class PerAddressThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(PerAddressThrottle):
    scope = "token"


class PatientPageThrottle(PerAddressThrottle):
    scope = "patient_page"
