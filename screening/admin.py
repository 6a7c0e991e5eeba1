from django.contrib import admin

from clinic.admin import ReadOnlyAdminMixin, ReadOnlyClinicAdmin
from screening.models import Muscle, Screening


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyClinicAdmin):
    """Past screenings are clinical records: readable here, never changed or deleted."""

    list_display = ["patient", "performed_at", "outcome", "valid_until", "performed_by"]
    list_filter = ["outcome"]
    list_select_related = ["patient", "performed_by"]
    date_hierarchy = "performed_at"
    search_fields = ["patient__family_name", "patient__given_name"]


@admin.register(Muscle)
class MuscleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "region", "risk_note"]
    list_filter = ["region"]

    def has_view_permission(self, request, obj=None):
        # Anonymous visitors (the login page) have no clinic role.
        return request.user.is_superuser or (
            request.user.is_active and request.user.is_clinic_admin
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)
