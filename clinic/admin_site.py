"""The admin site: for clinic administrators (and platform superusers), nobody else.

Anyone else, signed out or a therapist, gets the admin's sign-in page. That page lists no
apps: each model admin's permissions are asked only of someone the site lets in, so none of
them has to expect an anonymous visitor. A clinic's administrator reads and types every time
on the clinic's wall clock, as in the staff app (a platform superuser on the server's), and
names whoever writes to the audit trail's triggers.
"""

from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property

from httpapi.throttling import limit_password_guesses


class ClinicAdminSite(admin.AdminSite):
    @cached_property
    def password_change_form(self):  # Django's AdminSite attribute, asked for when used
        # Imported then: this module loads with the app registry, before auth's forms can.
        from clinic.authentication import AdminSitePasswordChangeForm

        return AdminSitePasswordChangeForm

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or user.is_clinic_admin)

    def get_app_list(self, request, app_label=None):
        if not self.has_permission(request):
            return []
        return super().get_app_list(request, app_label)

    def admin_view(self, view, cacheable=False):
        # Imported then, as the form above: the trail's models load after this module.
        from audit import trail

        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def on_the_clinics_clock(request, *args, **kwargs):
            if request.user.is_authenticated:
                trail.attribute_staff_writes(request)
            clinic = getattr(request.user, "clinic", None)
            if clinic is None:  # signed out, or a platform superuser
                return inner(request, *args, **kwargs)
            with timezone.override(ZoneInfo(clinic.timezone)):
                response = inner(request, *args, **kwargs)
                # The admin's pages are TemplateResponses, rendered after the view returns:
                # rendered here, they show their times on the clock above.
                return response.render() if hasattr(response, "render") else response

        return on_the_clinics_clock

    @method_decorator(limit_password_guesses)
    def login(self, request, extra_context=None):
        return super().login(request, extra_context)

    @method_decorator(limit_password_guesses)  # the current password is guessed here too
    def password_change(self, request, extra_context=None):
        return super().password_change(request, extra_context)


class ClinicAdminConfig(AdminConfig):
    """`django.contrib.admin`, with `ClinicAdminSite` as `admin.site`."""

    default_site = "clinic.admin_site.ClinicAdminSite"
