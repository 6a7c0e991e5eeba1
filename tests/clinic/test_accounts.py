"""Staff accounts: who the caller is, signing out, tokens that expire, and access that ends for
good when a person is deactivated or their password changes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clinic import access
from clinic.models import Staff
from tests.accounts import PASSWORD
from tests.real_parts import run_django

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-passphrase"


def sign_in(username: str, password: str = PASSWORD):
    """A fresh client that asked for a token; the answer is on `client.answer`."""
    client = APIClient()
    client.answer = client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    if client.answer.status_code == 200:
        client.credentials(HTTP_AUTHORIZATION=f"Token {client.answer.json()['token']}")
    return client


def browser_signed_in(staff: Staff, password: str = PASSWORD) -> Client:
    """A browser with a login session (the browsable API, the admin, the staff app)."""
    browser = Client()
    assert browser.login(username=staff.username, password=password)
    return browser


def issued_hours_ago(staff: Staff, hours: float) -> None:
    Token.objects.filter(user=staff).update(created=timezone.now() - timedelta(hours=hours))


# Who is calling


def test_me_is_the_caller_with_their_clinic(therapist, clinic):
    answer = sign_in("north-therapist").get("/api/v1/me/")
    assert answer.status_code == 200
    assert answer.json() == {
        "id": str(therapist.id),
        "username": "north-therapist",
        "full_name": "North Therapist",
        "role": "therapist",
        "dn_certified_until": therapist.dn_certified_until.isoformat(),
        "clinic": {"id": str(clinic.id), "name": "Northside Physio", "timezone": "Europe/London"},
    }


def test_me_names_an_admin_as_admin(admin_api):
    assert admin_api.get("/api/v1/me/").json()["role"] == "admin"


def test_me_needs_a_signed_in_caller(anonymous_api, clinic):
    assert anonymous_api.get("/api/v1/me/").status_code == 401


# Signing out


def test_signing_out_revokes_the_token_used(therapist):
    client = sign_in("north-therapist")
    assert client.get("/api/v1/me/").status_code == 200
    answer = client.post("/api/v1/auth/logout/")
    assert answer.status_code == 204 and not answer.content
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["code"] == "authentication_failed"
    assert not Token.objects.filter(user=therapist).exists()


def test_signing_out_needs_a_signed_in_caller(anonymous_api, clinic):
    assert anonymous_api.post("/api/v1/auth/logout/").status_code == 401


def test_signing_out_of_a_browser_ends_its_login_session(therapist):
    browser = browser_signed_in(therapist)
    assert browser.post("/api/v1/auth/logout/").status_code == 204
    assert browser.get("/api/v1/me/").status_code == 401


# Login sessions end however busy


def signed_in_hours_ago(browser: Client, hours: float) -> None:
    session = browser.session
    session[access.SIGNED_IN_AT] = (timezone.now() - timedelta(hours=hours)).timestamp()
    session.save()


@pytest.mark.parametrize(
    "page, sign_in_page",
    [("/", "/accounts/login/"), ("/admin/", "/admin/login/"), ("/api/v1/me/", None)],
)
def test_a_login_session_ends_its_hours_after_the_sign_in_however_busy(admin, page, sign_in_page):
    browser = browser_signed_in(admin)
    signed_in_hours_ago(browser, 11.9)
    assert browser.get(page).status_code == 200  # a request every few minutes all day long
    signed_in_hours_ago(browser, 12)
    answer = browser.get(page)
    if sign_in_page is None:  # the browsable API
        assert answer.status_code == 401
    else:
        assert answer.status_code == 302 and answer.url.startswith(sign_in_page)
    assert "_auth_user_id" not in browser.session  # signed out, not only turned away


def test_signing_in_again_starts_a_new_session_with_its_full_hours(admin):
    browser = browser_signed_in(admin)
    signed_in_hours_ago(browser, 12)
    assert browser.login(username=admin.username, password=PASSWORD)
    assert browser.get("/admin/").status_code == 200


def test_a_login_session_begun_before_sessions_noted_their_sign_in_is_over(admin):
    browser = browser_signed_in(admin)
    session = browser.session
    del session[access.SIGNED_IN_AT]
    session.save()
    assert browser.get("/admin/").status_code == 302


def test_the_session_lifetime_is_the_staff_session_hours_setting(admin, settings):
    settings.STAFF_SESSION_HOURS = 1
    browser = browser_signed_in(admin)
    signed_in_hours_ago(browser, 1)
    assert browser.get("/admin/").status_code == 302


def test_an_api_token_sign_in_opens_no_login_session(therapist):
    client = sign_in(therapist.username)
    assert client.answer.status_code == 200
    assert not client.cookies.get("sessionid")


# Tokens expire


@pytest.mark.parametrize(
    "issued_at, now, expired",
    [
        (datetime(2026, 3, 1, 8, tzinfo=UTC), datetime(2026, 3, 1, 19, 59, tzinfo=UTC), False),
        (datetime(2026, 3, 1, 8, tzinfo=UTC), datetime(2026, 3, 1, 20, tzinfo=UTC), True),
        (datetime(2026, 3, 1, 8, tzinfo=UTC), datetime(2026, 3, 2, 8, tzinfo=UTC), True),
        (datetime(2026, 3, 1, 8, tzinfo=UTC), datetime(2026, 3, 1, 8, tzinfo=UTC), False),
    ],
)
def test_a_token_expires_the_ttl_after_its_issue(issued_at, now, expired):
    assert access.token_expired(issued_at, now=now, ttl=timedelta(hours=12)) is expired


@pytest.mark.parametrize("hours_ago, status", [(11.9, 200), (12.1, 401)])
def test_a_token_works_for_twelve_hours_by_default(therapist, hours_ago, status):
    client = sign_in("north-therapist")
    issued_hours_ago(therapist, hours_ago)
    answer = client.get("/api/v1/me/")
    assert answer.status_code == status
    if status == 401:
        assert answer.json()["code"] == "authentication_failed"


def test_the_token_lifetime_is_the_token_ttl_hours_setting(therapist, settings):
    settings.TOKEN_TTL_HOURS = 1
    client = sign_in("north-therapist")
    expires_at = datetime.fromisoformat(client.answer.json()["expires_at"])
    assert abs(expires_at - (timezone.now() + timedelta(hours=1))) < timedelta(minutes=1)
    issued_hours_ago(therapist, 1.1)
    assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("environment, hours", [({}, 12.0), ({"TOKEN_TTL_HOURS": "2"}, 2.0)])
def test_token_ttl_hours_comes_from_the_environment(tmp_path, environment, hours):
    result = run_django(
        "from django.conf import settings; print(settings.TOKEN_TTL_HOURS)",
        DEBUG="1",
        FILIFORM_VAR_DIR=str(tmp_path),
        **environment,
    )
    assert float(result.stdout) == hours, result.stderr


def test_signing_in_after_expiry_gives_a_new_token_and_within_it_the_same(therapist):
    first = sign_in("north-therapist").answer.json()["token"]
    assert sign_in("north-therapist").answer.json()["token"] == first
    issued_hours_ago(therapist, 13)
    again = sign_in("north-therapist")
    assert again.answer.json()["token"] != first
    assert again.get("/api/v1/me/").status_code == 200


# Deactivation and new passwords end access


@pytest.mark.parametrize(
    "was_active, is_active, password_changed, reason",
    [
        (True, False, False, "deactivated"),
        (True, False, True, "deactivated"),
        (True, True, True, "password changed"),
        (False, False, True, "password changed"),
        (False, True, False, ""),
        (True, True, False, ""),
        (False, False, False, ""),
    ],
)
def test_access_is_lost_on_deactivation_or_a_new_password(
    was_active, is_active, password_changed, reason
):
    changed = access.access_lost_because(
        was_active=was_active, is_active=is_active, password_changed=password_changed
    )
    assert changed == reason


def test_an_admin_deactivates_a_therapist_who_then_cannot_sign_in(admin_api, therapist):
    token_client = sign_in("north-therapist")
    browser = browser_signed_in(therapist)
    answer = admin_api.patch(
        f"/api/v1/therapists/{therapist.id}/", {"is_active": False}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["is_active"] is False
    assert token_client.get("/api/v1/me/").status_code == 401
    assert browser.get("/api/v1/me/").status_code == 401
    assert sign_in("north-therapist").answer.status_code == 400
    assert not Client().login(username="north-therapist", password=PASSWORD)


def test_reactivating_a_therapist_does_not_bring_back_an_old_session(admin_api, therapist):
    browser = browser_signed_in(therapist)
    path = f"/api/v1/therapists/{therapist.id}/"
    admin_api.patch(path, {"is_active": False}, format="json")
    admin_api.patch(path, {"is_active": True}, format="json")
    assert browser.get("/api/v1/me/").status_code == 401
    assert sign_in("north-therapist").get("/api/v1/me/").status_code == 200


def test_a_therapist_cannot_deactivate_anyone(therapist_api, admin):
    answer = therapist_api.patch(f"/api/v1/therapists/{admin.id}/", {"is_active": False})
    assert answer.status_code == 403
    assert Staff.objects.get(pk=admin.pk).is_active


def test_staff_are_listed_as_active_or_not(admin_api, therapist):
    listed = admin_api.get("/api/v1/therapists/").json()["results"]
    assert {person["username"]: person["is_active"] for person in listed} == {
        "north-admin": True,
        "north-therapist": True,
    }


def test_a_new_password_through_the_api_ends_every_token_and_session(admin_api, therapist):
    token_client = sign_in("north-therapist")
    browser = browser_signed_in(therapist)
    answer = admin_api.patch(
        f"/api/v1/therapists/{therapist.id}/", {"password": NEW_PASSWORD}, format="json"
    )
    assert answer.status_code == 200
    assert token_client.get("/api/v1/me/").status_code == 401
    assert browser.get("/api/v1/me/").status_code == 401
    assert sign_in("north-therapist").answer.status_code == 400
    assert sign_in("north-therapist", NEW_PASSWORD).get("/api/v1/me/").status_code == 200


def test_other_changes_to_a_therapist_leave_their_access_alone(admin_api, therapist):
    token_client = sign_in("north-therapist")
    browser = browser_signed_in(therapist)
    path = f"/api/v1/therapists/{therapist.id}/"
    assert admin_api.patch(path, {"full_name": "Nora North"}, format="json").status_code == 200
    assert token_client.get("/api/v1/me/").json()["full_name"] == "Nora North"
    assert browser.get("/api/v1/me/").status_code == 200


def test_signing_in_elsewhere_leaves_the_other_sign_ins_alone(therapist):
    token_client = sign_in("north-therapist")
    browser = browser_signed_in(therapist)  # Django notes last_login: a save of the person
    assert token_client.get("/api/v1/me/").status_code == 200
    assert sign_in("north-therapist").get("/api/v1/me/").status_code == 200
    assert browser.get("/api/v1/me/").status_code == 200


def test_a_new_password_set_in_the_admin_ends_the_persons_access(admin_site, therapist):
    token_client = sign_in("north-therapist")
    answer = admin_site.post(
        f"/admin/clinic/staff/{therapist.id}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert token_client.get("/api/v1/me/").status_code == 401
    assert admin_site.get("/admin/clinic/staff/").status_code == 200  # the admin stays in


@pytest.mark.parametrize(
    "change",
    [
        lambda person: person.set_password(NEW_PASSWORD),
        lambda person: setattr(person, "is_active", False),
    ],
    ids=["new password", "deactivated"],
)
def test_any_save_that_ends_access_ends_it_whatever_the_path(therapist, change):
    """`manage.py changepassword`, the shell, a form: they all save the person."""
    token_client = sign_in("north-therapist")
    browser = browser_signed_in(therapist)
    person = Staff.objects.get(pk=therapist.pk)
    change(person)
    person.save(update_fields=["password", "is_active"])
    assert token_client.get("/api/v1/me/").status_code == 401
    assert browser.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("change", [{"is_active": False}, {"role": "therapist"}])
def test_an_admin_cannot_end_their_own_access_or_administration(admin, admin_api, change):
    """Else a clinic with one administrator would have nobody left to run it."""
    answer = admin_api.patch(f"/api/v1/therapists/{admin.id}/", change)
    assert (answer.status_code, answer.json()["code"]) == (403, "permission_denied")
    admin.refresh_from_db()
    assert admin.is_active and admin.role == "admin"
    assert admin_api.get("/api/v1/me/").status_code == 200


def test_an_admin_makes_another_admin_a_therapist(admin_api, clinic, make_therapist):
    colleague = make_therapist(clinic, "second-admin", role="admin")
    answer = admin_api.patch(f"/api/v1/therapists/{colleague.id}/", {"role": "therapist"})
    assert (answer.status_code, answer.json()["role"]) == (200, "therapist")
