from django.contrib import admin

from clinic.admin import ClinicScopedAdmin
from screening.models import Muscle, Screening


@admin.register(Screening)
class ScreeningAdmin(ClinicScopedAdmin):
    """Past screenings are clinical records: readable here, never changed or deleted."""

    list_display = ["patient", "performed_at", "outcome", "valid_until", "performed_by"]
    list_filter = ["outcome"]
    list_select_related = ["patient", "performed_by"]
    date_hierarchy = "performed_at"
    search_fields = ["patient__family_name", "patient__given_name"]

    def has_add_permission(self, request):
        return False  # screenings are taken through the API, where the rules run

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Muscle)
class MuscleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "risk_note"]
    list_filter = ["region"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.is_clinic_admin

    def has_module_permission(self, request):
        return self.has_view_permission(request)
