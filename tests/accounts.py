"""Who signs in, in the tests: the one password every test account has, and an API client
signed in as someone (plain helpers; fixtures are in conftest.py)."""

from datetime import time

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

PASSWORD = "correct-horse-battery"
WEEKDAYS_8_TO_18 = [{"weekday": d, "start": time(8), "end": time(18)} for d in range(5)]


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
