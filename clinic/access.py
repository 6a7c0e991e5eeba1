"""Who may use the service, and for how long.

An API token works for TOKEN_TTL_HOURS after it was issued; a login session (the staff app,
the admin) ends STAFF_IDLE_MINUTES after its last request, and STAFF_SESSION_HOURS after its
sign-in however busy it is. A person who is deactivated, or
whose password changes, loses every token and every login session at once: `revoke_access` is
the one place that does it, called for every save of a staff member (clinic.receivers), so the
API, the admin, `manage.py changepassword` and the shell all end the same way.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from rest_framework.authtoken.models import Token

from clinic import security_log
from clinic.models import Staff


def token_ttl() -> timedelta:
    return timedelta(hours=settings.TOKEN_TTL_HOURS)


def token_expired(issued_at: datetime, *, now: datetime, ttl: timedelta) -> bool:
    return now >= issued_at + ttl


def token_expires_at(token: Token) -> datetime:
    issued_at: datetime = token.created
    return issued_at + token_ttl()


# Where a login session keeps the moment of its sign-in (a POSIX timestamp).
SIGNED_IN_AT = "filiform_signed_in_at"


def session_ttl() -> timedelta:
    return timedelta(hours=settings.STAFF_SESSION_HOURS)


def note_sign_in(session: SessionBase) -> None:
    session[SIGNED_IN_AT] = timezone.now().timestamp()


def session_over(session: SessionBase, *, now: datetime) -> bool:
    """Whether a login session has lasted its time. One without a noted sign-in (begun before
    sessions noted it) is over: its person signs in once more."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        return True
    return now >= datetime.fromtimestamp(signed_in_at, tz=now.tzinfo) + session_ttl()


class SessionLifetimeMiddleware:
    """End a login session STAFF_SESSION_HOURS after its sign-in, however busy: the idle
    timeout alone never ends one in steady use, and a tablet on a shared desk would stay
    signed in for days. The person is signed out and the page asks them to sign in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated and session_over(request.session, now=timezone.now()):
            security_log.session_ended(request.user.get_username(), request)
            logout(request)
        return self.get_response(request)


def access_lost_because(*, was_active: bool, is_active: bool, password_changed: bool) -> str:
    """Why a change to a staff member ends their tokens and sessions; empty if it does not."""
    if was_active and not is_active:
        return "deactivated"
    if password_changed:
        return "password changed"
    return ""


@transaction.atomic
def issue_token(staff: Staff) -> Token:
    """The person's token: the one they hold while it lasts, else a new one.

    DRF keeps one token per person, so every device of theirs shares it.
    """
    expired_if_issued_before = timezone.now() - token_ttl()
    Token.objects.filter(user=staff, created__lte=expired_if_issued_before).delete()
    token, _ = Token.objects.get_or_create(user=staff)
    return token


def revoke_token(token: Token) -> None:
    token.delete()


@transaction.atomic
def revoke_access(staff: Staff, *, reason: str) -> None:
    """End every token, login session and calendar feed address of `staff`.

    Sessions end because the stamp changes the hash Django checks on each request
    (Staff._get_session_auth_hash); they cannot come back, even if the person is reactivated.
    The feed's secret is forgotten: a new address is made when next asked for.
    """
    Token.objects.filter(user=staff).delete()
    staff.access_revoked_at, staff.calendar_secret = timezone.now(), None
    # Written here as well as by the save under way, which may name only some fields.
    Staff.objects.filter(pk=staff.pk).update(
        access_revoked_at=staff.access_revoked_at, calendar_secret=None
    )
    security_log.access_revoked(staff.username, reason)
