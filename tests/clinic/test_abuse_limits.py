"""Abuse limits: the token endpoint, the sign-in forms and the patient pages slow down
guessing per address, and failed sign-ins close an account for a while whatever the address,
with counts kept in Redis so that every web worker sees them (failed sign-ins are logged:
test_security_log.py)."""

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from aftercare import links
from httpapi.throttling import seconds_locked
from tests.accounts import PASSWORD

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


def test_a_patient_page_held_back_says_so_in_the_browsers_language(log_session):
    # Refused before the link is looked up, so before the patient's language is known.
    path = f"/p/{links.PATIENT_PAGE.token_for(log_session()['id'])}/"
    client = Client(REMOTE_ADDR="198.51.100.4", headers={"accept-language": "es-ES,es;q=0.9"})
    for _ in range(allowed("patient_page")):
        client.get(path)
    refused = client.get(path)
    assert refused.status_code == 429
    assert refused.content.decode() == (
        "Demasiadas solicitudes. Vuelva a intentarlo dentro de un minuto."
    )


# Failed sign-ins per account: no number of addresses gets round them.


def fail_to_sign_in(username: str, times: int) -> None:
    """`times` wrong passwords for `username`, each from an address of its own."""
    for n in range(times):
        answer = APIClient(REMOTE_ADDR=f"203.0.113.{n}").post(
            "/api/v1/auth/token/", {"username": username, "password": "guess"}, format="json"
        )
        assert answer.status_code == 400


def token_for(username: str, address: str = "192.0.2.1"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )


def sign_in_form(path: str, username: str):
    return Client(REMOTE_ADDR="192.0.2.2").post(path, {"username": username, "password": PASSWORD})


def test_an_account_closes_after_failed_sign_ins_from_many_addresses(admin, therapist):
    fail_to_sign_in(admin.username, settings.SIGN_IN_FAILURES_PER_ACCOUNT)
    refused = token_for(admin.username)  # the right password, from an address of its own
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60 * settings.SIGN_IN_LOCK_MINUTES
    assert token_for(therapist.username).status_code == 200  # another account is open


def test_a_few_failed_sign_ins_do_not_close_an_account(admin):
    fail_to_sign_in(admin.username, settings.SIGN_IN_FAILURES_PER_ACCOUNT - 1)
    assert token_for(admin.username).status_code == 200


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_closed_account_is_refused_at_the_sign_in_forms_saying_why(admin, path):
    fail_to_sign_in(admin.username, settings.SIGN_IN_FAILURES_PER_ACCOUNT)
    refused = sign_in_form(path, admin.username)
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this account" in refused.content.decode()


def test_a_closed_account_signs_in_nobody_whatever_the_door(admin):
    """The sign-in backend itself refuses, so a door that forgot to ask is no way round."""
    fail_to_sign_in(admin.username, settings.SIGN_IN_FAILURES_PER_ACCOUNT)
    assert authenticate(username=admin.username, password=PASSWORD) is None


def test_failed_sign_ins_at_the_forms_count_as_at_the_token_endpoint(admin):
    for n in range(settings.SIGN_IN_FAILURES_PER_ACCOUNT):
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(
            "/accounts/login/", {"username": admin.username, "password": "guess"}
        )
    assert token_for(admin.username).status_code == 429


def test_the_names_case_is_no_way_round(admin):
    fail_to_sign_in(admin.username.upper(), settings.SIGN_IN_FAILURES_PER_ACCOUNT)
    assert token_for(admin.username).status_code == 429


def test_a_sign_in_forgets_the_accounts_earlier_failures(admin):
    fail_to_sign_in(admin.username, settings.SIGN_IN_FAILURES_PER_ACCOUNT - 1)
    assert token_for(admin.username).status_code == 200
    fail_to_sign_in(admin.username, settings.SIGN_IN_FAILURES_PER_ACCOUNT - 1)
    assert token_for(admin.username).status_code == 200


def test_a_closed_account_opens_again_when_its_minutes_are_over(admin, monkeypatch):
    fail_to_sign_in(admin.username, settings.SIGN_IN_FAILURES_PER_ACCOUNT)
    assert token_for(admin.username).status_code == 429
    later = timezone.now() + timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert token_for(admin.username).status_code == 200


def test_a_closed_account_is_no_clue_that_an_account_exists(admin):
    """Failed sign-ins close a name nobody has just as they close a real one."""
    fail_to_sign_in("nobody-here", settings.SIGN_IN_FAILURES_PER_ACCOUNT)
    assert token_for("nobody-here").status_code == 429


@pytest.mark.parametrize(
    "failures, first_failure_at, now, locked_for",
    [
        (19, 1000.0, 1001.0, 0),  # under the limit
        (20, 1000.0, 1001.0, 899),
        (20, 1000.0, 1899.5, 1),  # a part of a second is a second to wait
        (20, 1000.0, 1900.0, 0),  # the minutes are over
        (25, None, 1001.0, 0),  # no failure on record
    ],
)
def test_how_long_an_account_stays_closed(failures, first_failure_at, now, locked_for):
    assert seconds_locked(failures, first_failure_at, now, most=20, minutes=15) == locked_for


@pytest.mark.parametrize("change_form", ["/accounts/password/", "/admin/password_change/"])
def test_a_session_left_open_cannot_change_a_closed_accounts_password(admin, change_form):
    browser = Client(REMOTE_ADDR="192.0.2.3")
    browser.force_login(admin)
    fail_to_sign_in(admin.username, settings.SIGN_IN_FAILURES_PER_ACCOUNT)
    new = "a-new-long-passphrase-9"
    answer = browser.post(
        change_form, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert answer.status_code == 429
    assert "Too many failed sign-ins for this account" in answer.content.decode()
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)


@pytest.mark.parametrize("change_form", ["/accounts/password/", "/admin/password_change/"])
def test_a_wrong_current_password_in_a_change_form_is_a_failed_sign_in(admin, change_form):
    guess = {
        "old_password": "guess",
        "new_password1": "x-long-one-1",
        "new_password2": "x-long-one-1",
    }
    tablets = [Client(REMOTE_ADDR=f"203.0.113.{n}") for n in range(2)]  # each its own limit
    for tablet in tablets:
        tablet.force_login(admin)
    for n in range(settings.SIGN_IN_FAILURES_PER_ACCOUNT):
        assert tablets[n % 2].post(change_form, guess).status_code == 200  # the form, saying so
    assert token_for(admin.username).status_code == 429


@pytest.mark.parametrize("typed", [" {} ", "{}\t"])
def test_a_name_typed_with_spaces_is_the_same_closed_account(admin, typed):
    fail_to_sign_in(admin.username, settings.SIGN_IN_FAILURES_PER_ACCOUNT)
    assert token_for(typed.format(admin.username)).status_code == 429
    refused = sign_in_form("/accounts/login/", typed.format(admin.username))
    assert refused.status_code == 429  # and the form says why, rather than "incorrect"


def token_asked_with(api, name: str):
    """A token asked for the username `name`, written as JSON text."""
    body = f'{{"username": {name}, "password": "x"}}'
    return api.post("/api/v1/auth/token/", body, content_type="application/json")


@pytest.mark.parametrize("name", ["null", "[]", "{}"])
def test_an_odd_username_at_the_token_endpoint_is_a_field_error(anonymous_api, name):
    answer = token_asked_with(anonymous_api, name)
    assert answer.status_code == 400 and "username" in answer.json()  # said by the field


@pytest.mark.parametrize("name", ['"\\ud800"', '"north-admin\\udfff"'])
def test_half_a_character_in_a_username_at_the_token_endpoint_is_a_parse_error(anonymous_api, name):
    answer = token_asked_with(anonymous_api, name)  # as any JSON body the API reads
    assert (answer.status_code, answer.json()["code"]) == (400, "parse_error")
