from django import forms
from django.contrib import admin

from aftercare import texts
from aftercare.models import MessageText, Notification
from clinic.admin import ClinicScopedAdmin, ReadOnlyClinicAdmin
from clinic.errors import RuleViolation


@admin.register(Notification)
class NotificationAdmin(ReadOnlyClinicAdmin):
    """The outbox, as it stands: read-only."""

    list_display = ["send_at", "kind", "channel", "patient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["patient"]
    date_hierarchy = "send_at"


class MessageTextForm(forms.ModelForm):
    """Refuses what the API refuses: anything but the kind's `{{ placeholders }}`."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for field in ["subject", "body"]:
            if kind and cleaned.get(field):
                try:
                    texts.check_text(cleaned[field], kind)
                except RuleViolation as refusal:
                    self.add_error(field, refusal.detail)
        return cleaned


@admin.register(MessageText)
class MessageTextAdmin(ClinicScopedAdmin):
    """A clinic's own words for a kind of message in a language; without one, the built-in
    text is used."""

    form = MessageTextForm
    list_display = ["kind", "language", "subject"]
    list_filter = ["language", "kind"]
