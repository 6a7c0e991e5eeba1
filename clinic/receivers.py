"""What the clinic app hears from Django: sign-ins and sign-outs for the security log and the
abuse limits, and saves of staff members, which may end their access."""

from django.http import HttpRequest

from clinic import access, security_log
from clinic.models import Staff
from httpapi import throttling


def log_failed_login(sender, credentials: dict, request=None, **kwargs) -> None:
    """Receiver of `user_login_failed`: who tried and from where, never the password; the
    failure counts against the account (httpapi.throttling)."""
    username = str(credentials.get("username", ""))
    security_log.sign_in_failed(username, request)
    throttling.count_failed_sign_in(username)


def log_login(sender, user: Staff, request=None, **kwargs) -> None:
    """Receiver of `user_logged_in`: session sign-ins, and token sign-ins (clinic.views). The
    account's failed sign-ins are forgotten; a login session notes when it began."""
    security_log.signed_in(user.get_username(), request)
    throttling.forget_failed_sign_ins(user.get_username())
    # Django's login() hands its HttpRequest; the token endpoint hands DRF's and opens none.
    if isinstance(request, HttpRequest) and hasattr(request, "session"):
        access.note_sign_in(request.session)


def log_logout(sender, user: Staff | None = None, request=None, **kwargs) -> None:
    """Receiver of `user_logged_out` (none is signed out when nobody was signed in)."""
    if user is not None:
        security_log.signed_out(user.get_username(), request)


def revoke_access_when_lost(
    sender, instance: Staff, raw: bool = False, update_fields=None, **kwargs
) -> None:
    """Receiver of `pre_save` for Staff: deactivating a person or changing their password,
    by whatever path, ends their tokens and login sessions (clinic.access)."""
    if raw or instance._state.adding:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. Django noting `last_login`
    before = Staff.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    reason = access.access_lost_because(
        was_active=before["is_active"],
        is_active=instance.is_active,
        password_changed=before["password"] != instance.password,
    )
    if reason:
        access.revoke_access(instance, reason=reason)
