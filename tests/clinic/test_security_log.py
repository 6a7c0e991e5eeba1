"""The security log (`filiform.security`): failed and successful sign-ins by token and by
login session, sign-outs and revoked access, each with the username and the client's address,
never a password or a token."""

import logging

import pytest
from django.test import Client
from rest_framework.test import APIClient

from clinic import access
from tests.accounts import PASSWORD

pytestmark = pytest.mark.django_db
ADDRESS = "198.51.100.7"


@pytest.fixture
def security_log(caplog):
    """The security log's lines, as written."""
    caplog.set_level(logging.INFO, logger="filiform.security")

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "filiform.security"]

    return lines


def ask_for_token(username: str, password: str):
    return APIClient(REMOTE_ADDR=ADDRESS).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_a_token_sign_in_is_logged_without_the_token(therapist, security_log, caplog):
    token = ask_for_token("north-therapist", PASSWORD).json()["token"]
    assert security_log() == [f"signed in: 'north-therapist' from {ADDRESS} at /api/v1/auth/token/"]
    assert token not in caplog.text and PASSWORD not in caplog.text


def test_a_failed_token_sign_in_is_logged_without_the_password(therapist, security_log, caplog):
    ask_for_token("north-therapist", "not-my-password")
    assert security_log() == [f"sign-in failed for username 'north-therapist' from {ADDRESS}"]
    assert "not-my-password" not in caplog.text


def test_session_sign_ins_and_sign_outs_are_logged(admin, security_log, caplog):
    browser = Client(REMOTE_ADDR=ADDRESS)
    refused = browser.post("/admin/login/", {"username": "north-admin", "password": "wrong-one"})
    assert refused.status_code == 200  # the form again, not a server error
    signed_in = browser.post("/admin/login/", {"username": "north-admin", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert browser.post("/admin/logout/")["Location"] == "/accounts/login/"  # signed out
    assert security_log() == [
        f"sign-in failed for username 'north-admin' from {ADDRESS}",
        f"signed in: 'north-admin' from {ADDRESS} at /admin/login/",
        f"signed out: 'north-admin' from {ADDRESS}",
    ]
    assert "wrong-one" not in caplog.text and PASSWORD not in caplog.text


def test_an_inactive_admin_cannot_sign_in_to_the_admin(admin):
    admin.is_active = False
    admin.save()
    browser = Client()
    answer = browser.post("/admin/login/", {"username": "north-admin", "password": PASSWORD})
    assert answer.status_code == 200 and "correct username and password" in answer.content.decode()
    assert browser.get("/admin/clinic/staff/").status_code == 302  # to the login page


def test_a_token_sign_out_is_logged(therapist, security_log, caplog):
    client = APIClient(REMOTE_ADDR=ADDRESS)
    token = ask_for_token("north-therapist", PASSWORD).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.post("/api/v1/auth/logout/")
    assert security_log()[-1] == f"signed out: 'north-therapist' from {ADDRESS}"
    assert token not in caplog.text


@pytest.mark.parametrize(
    "change, reason",
    [({"is_active": False}, "deactivated"), ({"password": "a-brand-new-pass"}, "password changed")],
)
def test_revoked_access_is_logged_with_the_address_of_the_request(
    admin_api, therapist, security_log, caplog, change, reason
):
    answer = admin_api.patch(
        f"/api/v1/therapists/{therapist.id}/", change, format="json", REMOTE_ADDR=ADDRESS
    )
    assert answer.status_code == 200
    assert security_log() == [
        f"every token and login session of 'north-therapist' revoked ({reason}), from {ADDRESS}"
    ]
    assert "a-brand-new-pass" not in caplog.text


def test_a_username_cannot_forge_a_line_of_the_log(clinic, security_log):
    ask_for_token("mallory\nsigned in: 'north-admin'", "whatever-it-is")
    (line,) = security_log()
    assert "\n" not in line


def test_a_login_session_that_has_lasted_its_hours_is_logged_as_ended(admin, security_log):
    browser = Client(REMOTE_ADDR=ADDRESS)
    browser.force_login(admin)
    session = browser.session
    session[access.SIGNED_IN_AT] = 0.0  # signed in long ago
    session.save()
    browser.get("/admin/")
    assert security_log()[-2:] == [
        f"login session of 'north-admin' ended: it has lasted its hours, from {ADDRESS}",
        f"signed out: 'north-admin' from {ADDRESS}",
    ]


def test_a_wrong_current_password_in_a_change_form_is_logged_as_a_failed_sign_in(
    admin, security_log
):
    browser = Client(REMOTE_ADDR=ADDRESS)
    browser.force_login(admin)
    guess = {
        "old_password": "guess",
        "new_password1": "x-long-one-1",
        "new_password2": "x-long-one-1",
    }
    browser.post("/accounts/password/", guess)
    assert security_log()[-1] == f"sign-in failed for username 'north-admin' from {ADDRESS}"
