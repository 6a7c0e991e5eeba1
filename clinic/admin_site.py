"""The admin site: for clinic administrators (and platform superusers), nobody else.

Anyone else, signed out or a therapist, gets the admin's sign-in page. That page lists no
apps: each model admin's permissions are asked only of someone the site lets in, so none of
them has to expect an anonymous visitor.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.decorators import method_decorator

from httpapi.throttling import limit_password_guesses


class ClinicAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or user.is_clinic_admin)

    def get_app_list(self, request, app_label=None):
        if not self.has_permission(request):
            return []
        return super().get_app_list(request, app_label)

    @method_decorator(limit_password_guesses)
    def login(self, request, extra_context=None):
        return super().login(request, extra_context)


class ClinicAdminConfig(AdminConfig):
    """`django.contrib.admin`, with `ClinicAdminSite` as `admin.site`."""

    default_site = "clinic.admin_site.ClinicAdminSite"
