from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from clinic import access
from clinic.models import Staff
from httpapi import throttling


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token (`Authorization: Token ...`), good for TOKEN_TTL_HOURS after it was issued.

    A revoked token no longer exists; an inactive person's is refused, in DRF's words. The
    token is read with its person and their clinic, which most requests ask for next: one
    query rather than two.
    """

    def authenticate_credentials(self, key):
        try:
            token = self.get_model().objects.select_related("user__clinic").get(key=key)
        except self.get_model().DoesNotExist as exc:
            raise AuthenticationFailed(_("Invalid token.")) from exc
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if access.token_expired(token.created, now=timezone.now(), ttl=access.token_ttl()):
            raise AuthenticationFailed("Token has expired; sign in again.")
        return token.user, token


class StaffBackend(ModelBackend):
    """Django's sign-in by username and password (the staff app, the admin, the API's token
    endpoint). An account closed by failed sign-ins (httpapi.throttling) signs in nobody, the
    right password included. The signed-in person is read with their clinic, which every page
    asks for next (its wall clock, its records): one query rather than two."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        name = username if username is not None else kwargs.get(Staff.USERNAME_FIELD)
        if throttling.sign_in_locked_for(str(name or "")):
            return None  # Django then announces a failed sign-in, counted as any other
        return super().authenticate(request, username, password, **kwargs)

    def get_user(self, user_id):
        user = Staff.objects.select_related("clinic").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class WrongCurrentPasswordFails:
    """A password-change form on which a wrong current password is a failed sign-in, as Django
    announces one (`user_login_failed`): logged, and counted against the account
    (clinic.receivers), so a session left open is no way round the account's limit."""

    user: Staff

    def clean_old_password(self) -> str:
        try:
            return super().clean_old_password()  # type: ignore[misc]
        except ValidationError:
            credentials = {"username": self.user.get_username()}
            user_login_failed.send(sender=type(self), credentials=credentials)
            raise


class StaffPasswordChangeForm(WrongCurrentPasswordFails, PasswordChangeForm):
    """The staff app's (`/accounts/password/`)."""


class AdminSitePasswordChangeForm(WrongCurrentPasswordFails, AdminPasswordChangeForm):
    """The admin's (`ClinicAdminSite.password_change_form`)."""
