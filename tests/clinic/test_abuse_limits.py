"""Abuse limits: the token endpoint, the sign-in forms and the patient pages slow down
guessing, with counts kept in Redis so that every web worker sees them (failed sign-ins are
logged: test_security_log.py)."""

import pytest
import redis
from django.conf import settings
from django.test import Client
from rest_framework.settings import api_settings

from aftercare import links

pytestmark = pytest.mark.django_db


def allowed(scope: str) -> int:
    return int(api_settings.DEFAULT_THROTTLE_RATES[scope].split("/")[0])


def test_guessing_passwords_is_refused_after_a_few_tries_a_minute(anonymous_api, admin):
    def attempt(address: str):
        return anonymous_api.post(
            "/api/v1/auth/token/",
            {"username": admin.username, "password": "guess"},
            format="json",
            REMOTE_ADDR=address,
        )

    for _ in range(allowed("token")):
        assert attempt("198.51.100.1").status_code == 400
    refused = attempt("198.51.100.1")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled" and int(refused["Retry-After"]) > 0
    assert attempt("198.51.100.2").status_code == 400  # another address is not held back


@pytest.mark.parametrize("sign_in", ["/accounts/login/", "/admin/login/"])
def test_guessing_passwords_through_a_sign_in_form_meets_the_same_limit(admin, sign_in):
    def attempt(address: str):
        return Client().post(
            sign_in, {"username": admin.username, "password": "guess"}, REMOTE_ADDR=address
        )

    for _ in range(allowed("token")):
        assert attempt("198.51.100.1").status_code == 200  # the form again, refused
    refused = attempt("198.51.100.1")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert attempt("198.51.100.2").status_code == 200  # another address is not held back


@pytest.mark.parametrize("change_form", ["/accounts/password/", "/admin/password_change/"])
def test_guessing_the_current_password_in_a_change_form_meets_the_same_limit(admin, change_form):
    """Someone at a tablet left signed in cannot guess the password there without limit."""
    client = Client(REMOTE_ADDR="198.51.100.1")
    client.force_login(admin)
    new = "a-new-long-passphrase-9"
    guess = {"old_password": "guess", "new_password1": new, "new_password2": new}
    for _ in range(allowed("token")):
        assert client.post(change_form, guess).status_code == 200  # the form again, refused
    assert client.post(change_form, guess).status_code == 429


def test_guesses_at_the_token_endpoint_and_the_forms_share_one_budget(anonymous_api, admin):
    guess = {"username": admin.username, "password": "guess"}
    for _ in range(allowed("token")):
        anonymous_api.post("/api/v1/auth/token/", guess, format="json")
    assert Client().post("/accounts/login/", guess).status_code == 429
    assert Client().get("/accounts/login/").status_code == 200  # reading the form is no guess


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(anonymous_api):
    for n in range(allowed("token")):
        anonymous_api.post("/api/v1/auth/token/", {}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert anonymous_api.post("/api/v1/auth/token/", {}).status_code == 429


def test_the_counts_live_in_redis_shared_by_every_worker(anonymous_api):
    anonymous_api.post("/api/v1/auth/token/", {}, REMOTE_ADDR="198.51.100.9")
    keys = redis.Redis.from_url(settings.CACHE_URL).keys("*throttle_token_198.51.100.9*")
    assert len(keys) == 1


def test_patient_pages_are_limited_per_address(log_session):
    path = f"/p/{links.PATIENT_PAGE.token_for(log_session()['id'])}/"
    client = Client(REMOTE_ADDR="198.51.100.3")
    for _ in range(allowed("patient_page")):
        assert client.get(path).status_code == 200
    refused = client.get(path)
    assert refused.status_code == 429 and "try again" in refused.content.decode()
    # Guessing links is held back the same way: bad tokens count too.
    assert client.get("/p/not-a-token/").status_code == 429
