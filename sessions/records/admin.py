from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from clinic.admin import ClinicScopedAdmin, ReadOnlyAdminMixin, ReadOnlyClinicAdmin
from core.errors import RuleViolation
from sessions.models import Addendum, NeedleSite, NeedlingSession, SessionStatus, SideEffect
from sessions.records import rules, services


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class SiteInline(ReadOnlyInline):
    model = NeedleSite
    fields = [
        "position",
        "muscle",
        "side",
        "technique",
        "manipulation",
        "depth",
        "depth_mm",
        "needle_count",
        "twitch_response",
    ]


class AddendumInline(ReadOnlyInline):
    model = Addendum
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at"]


@admin.register(NeedlingSession)
class NeedlingSessionAdmin(ReadOnlyClinicAdmin):
    """Sessions are read here and signed; they are logged and corrected through the API, where
    the screening check runs, and a signed one never changes."""

    list_display = ["started_at", "patient", "therapist", "status", "signed_at"]
    list_filter = ["status", "therapist"]
    list_select_related = ["patient", "therapist"]
    date_hierarchy = "started_at"
    inlines = [SiteInline, AddendumInline]
    actions = ["sign_drafts"]

    @admin.action(description="Sign the selected draft sessions")
    def sign_drafts(self, request, queryset):
        signed = 0
        for session in queryset.filter(status=SessionStatus.DRAFT).select_related("therapist"):
            try:
                services.sign_session(session, actor=request.user)
                signed += 1
            except RuleViolation as refusal:
                self.message_user(request, f"{session}: {refusal.detail}", messages.WARNING)
        self.message_user(request, f"Signed {signed} session(s).")


class SideEffectAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        session = data.get("session")
        errors = rules.side_effect_time_errors(
            data.get("onset_at"),
            data.get("resolved_at"),
            session_started_at=session.started_at if session else None,
            now=timezone.now(),
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return data


@admin.register(SideEffect)
class SideEffectAdmin(ClinicScopedAdmin):
    """Side effects are reported here as by the API (a serious one alerts the clinic and holds
    the patient) and never changed afterwards."""

    list_display = ["created_at", "patient", "kind", "severity", "serious", "reported_by"]
    list_filter = ["serious", "kind", "reported_by"]
    list_select_related = ["patient"]
    form = SideEffectAdminForm  # the service's time rule, by the field before it is asked
    fields = ["session", "kind", "severity", "onset_at", "resolved_at", "notes"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        report = services.report_side_effect(
            **{name: form.cleaned_data[name] for name in self.fields}
        )
        obj.pk = report.pk  # the admin's log entry and redirect name the saved report
