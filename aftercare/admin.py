from django.contrib import admin

from aftercare.models import MessageText, Notification
from clinic.admin import ClinicScopedAdmin, ReadOnlyClinicAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyClinicAdmin):
    """The outbox, as it stands: read-only."""

    list_display = ["send_at", "kind", "channel", "patient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["patient"]
    date_hierarchy = "send_at"


@admin.register(MessageText)
class MessageTextAdmin(ClinicScopedAdmin):
    """A clinic's own words for a kind of message; without one, the built-in text is used."""

    list_display = ["kind", "subject"]
