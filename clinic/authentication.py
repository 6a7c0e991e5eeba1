from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from clinic import access


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token (`Authorization: Token ...`), good for TOKEN_TTL_HOURS after it was issued.

    An inactive person's token is refused by DRF already; a revoked one no longer exists.
    """

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if access.token_expired(token.created, now=timezone.now(), ttl=access.token_ttl()):
            raise AuthenticationFailed("Token has expired; sign in again.")
        return user, token
