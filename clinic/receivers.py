"""What the clinic app hears from Django: sign-ins and sign-outs for the security log, and
saves of staff members, which may end their access."""

from clinic import access, security_log
from clinic.models import Staff


def log_failed_login(sender, credentials: dict, request=None, **kwargs) -> None:
    """Receiver of `user_login_failed`: who tried and from where, never the password."""
    security_log.sign_in_failed(credentials.get("username", ""), request)


def log_login(sender, user: Staff, request=None, **kwargs) -> None:
    """Receiver of `user_logged_in`: session sign-ins, and token sign-ins (clinic.views)."""
    security_log.signed_in(user.get_username(), request)


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
