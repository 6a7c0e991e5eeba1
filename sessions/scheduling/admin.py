from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic.admin import ClinicScopedAdmin, ReadOnlyAdminMixin, ReadOnlyClinicAdmin
from core.errors import RuleViolation
from core.forms import show_invalid
from sessions.models import Appointment, TreatmentCourse
from sessions.models.scheduling import not_begun
from sessions.scheduling import services


class CourseAdminForm(forms.ModelForm):
    """A new course is planned and booked here by the booking service, as the API books one,
    inside the admin's transaction: whatever the service refuses (the course's shape, a hold,
    no room in the plan, a slot taken meanwhile) is the form's error, and nothing is booked."""

    class Meta:
        model = TreatmentCourse
        fields = (
            "patient",
            "therapist",
            "room",
            "indication",
            "planned_sessions",
            "session_minutes",
            "min_gap_days",
            "max_gap_days",
            "earliest_start",
        )

    def clean(self):
        data = super().clean()
        if not self.instance._state.adding or self.errors:
            return data
        try:
            self.instance = services.create_course(
                clinic=data["patient"].clinic, **{name: data[name] for name in self.Meta.fields}
            )
        except ValidationError as refusal:  # keyed by the plan's fields, or by a booking's
            show_invalid(self, refusal)
        except RuleViolation as refusal:
            # A hold or the archive is the patient's; anything else is the plan's as a whole.
            about_the_patient = refusal.code in ("clinical_hold", "invalid_state")
            self.add_error("patient" if about_the_patient else None, refusal.detail)
        return data


class AppointmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Appointment
    fields = readonly_fields = ("starts_at", "ends_at", "therapist", "room", "status")
    extra = 0
    ordering = ["starts_at"]


@admin.register(TreatmentCourse)
class TreatmentCourseAdmin(ClinicScopedAdmin):
    form = CourseAdminForm
    fields = CourseAdminForm.Meta.fields
    inlines = [AppointmentInline]
    list_display = ["patient", "indication", "therapist", "planned_sessions", "status"]
    list_filter = ["status", "therapist"]
    list_select_related = ["patient", "therapist"]

    def get_changeform_initial_data(self, request):
        return {"earliest_start": timezone.now(), **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return super().get_readonly_fields(request, obj)
        return CourseAdminForm.Meta.fields  # a booked course changes through the API's actions

    def get_inlines(self, request, obj):
        # A new course has no appointments to show yet: booked by the form's clean, it must
        # not meet a formset that could still send the page back unsaved.
        return super().get_inlines(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        pass  # booked by the form (CourseAdminForm.clean); a booked course does not change here

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)


class WhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(not_begun(now))
        if self.value() == "past":  # begun: under way or over
            return queryset.exclude(not_begun(now))
        return queryset


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyClinicAdmin):
    """Each therapist's upcoming appointments: filter by therapist and 'Upcoming'."""

    list_display = ["starts_at", "ends_at", "therapist", "patient", "room", "status"]
    list_filter = [WhenFilter, "therapist", "status"]
    list_select_related = ["therapist", "patient", "room"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]
