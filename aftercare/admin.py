from uuid import UUID

from django import forms
from django.contrib import admin

from aftercare import texts
from aftercare.models import PATIENT_KINDS, Kind, MessageText, Notification
from clinic.admin import ClinicScopedAdmin, ReadOnlyClinicAdmin
from core.errors import RuleViolation


@admin.register(Notification)
class NotificationAdmin(ReadOnlyClinicAdmin):
    """The outbox, as it stands: read-only."""

    list_display = ["send_at", "kind", "channel", "patient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["patient"]
    date_hierarchy = "send_at"


class MessageTextForm(forms.ModelForm):
    """Refuses what the API refuses: anything but the kind's `{{ placeholders }}`, and a body
    too long for one SMS."""

    # A clinic administrator's clinic is not a field of the form, so Django cannot check that
    # the text is the clinic's only one of its kind and language: the admin says which
    # (ClinicScopedAdmin.get_form).
    clinic_id = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The patients' messages only, as the API: the alerts to staff keep their built-in
        # words (what a hold means, whom to call).
        self.fields["kind"].choices = [
            (kind, label) for kind, label in Kind.choices if kind in PATIENT_KINDS
        ]

    def clean(self):
        cleaned = super().clean()
        kind, language = cleaned.get("kind"), cleaned.get("language")
        checks = texts.field_checks(kind, language) if kind and language else {}
        for field, check in checks.items():
            if cleaned.get(field):
                try:
                    check(cleaned[field])
                except RuleViolation as refusal:
                    self.add_error(field, refusal.detail)
        clinic_id = self.instance.clinic_id or self.clinic_id
        if clinic_id and self._another_text_of(clinic_id, cleaned.get("language"), kind):
            raise forms.ValidationError(
                "The clinic already has its own text of this kind in this language: change it."
            )
        return cleaned

    def _another_text_of(self, clinic_id: UUID, language: str | None, kind: str | None) -> bool:
        same = MessageText.objects.filter(clinic_id=clinic_id, language=language, kind=kind)
        return same.exclude(pk=self.instance.pk).exists()


@admin.register(MessageText)
class MessageTextAdmin(ClinicScopedAdmin):
    """A clinic's own words for a kind of message in a language; without one, the built-in
    text is used."""

    form = MessageTextForm
    list_display = ["kind", "language", "subject"]
    list_filter = ["language", "kind"]
