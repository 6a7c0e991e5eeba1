from django.contrib import admin

from audit.models import AuditEntry
from clinic.admin import ReadOnlyClinicAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyClinicAdmin):
    clinic_lookup = "clinic_id"
    list_display = ["at", "actor_type", "actor_id", "action", "object_type", "object_id"]
    list_filter = ["action", "actor_type", "object_type"]
    search_fields = ["=patient_id", "=actor_id", "=object_id", "=request_id"]
