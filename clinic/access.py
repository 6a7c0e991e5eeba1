"""Who may use the service, and for how long.

An API token works for TOKEN_TTL_HOURS after it was issued. A person who is deactivated, or
whose password changes, loses every token and every login session at once: `revoke_access` is
the one place that does it, called for every save of a staff member (clinic.receivers), so the
API, the admin, `manage.py changepassword` and the shell all end the same way.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
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
