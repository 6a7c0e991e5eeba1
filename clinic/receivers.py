"""What the clinic app hears from Django: failed sign-ins, for the security log."""

import logging

security_log = logging.getLogger("filiform.security")


def log_failed_login(sender, credentials, request=None, **kwargs):
    """Receiver of `user_login_failed`: who tried and from where, never the password."""
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    security_log.warning(
        "failed login for username %r from %s", credentials.get("username", ""), address
    )
