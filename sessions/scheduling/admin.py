from django import forms
from django.contrib import admin
from django.utils import timezone

from clinic.admin import ClinicScopedAdmin, ReadOnlyAdminMixin, ReadOnlyClinicAdmin
from clinic.holds import check_open_for_care
from core.errors import RuleViolation
from sessions.models import Appointment, TreatmentCourse
from sessions.scheduling import services


class CourseAdminForm(forms.ModelForm):
    """A new course is planned here; the form refuses it when the plan does not fit."""

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
        services.check_course_shape(
            planned_sessions=data["planned_sessions"],
            session_minutes=data["session_minutes"],
            min_gap_days=data["min_gap_days"],
            max_gap_days=data["max_gap_days"],
            earliest_start=data["earliest_start"],
        )
        try:
            check_open_for_care(data["patient"])
        except RuleViolation as refusal:
            raise forms.ValidationError({"patient": refusal.detail}) from refusal
        data["earliest_start"] = services.course_start(data["earliest_start"], timezone.now())
        plan = services.plan_course(
            therapist=data["therapist"],
            patient=data["patient"],
            room=data.get("room"),
            earliest_start=data["earliest_start"],
            planned_sessions=data["planned_sessions"],
            session_minutes=data["session_minutes"],
            min_gap_days=data["min_gap_days"],
            max_gap_days=data["max_gap_days"],
        )
        if plan is None:
            raise forms.ValidationError(
                "No availability: these sessions do not fit the therapist's, room's and "
                "patient's free time in the next 12 weeks. Nothing was booked."
            )
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

    def save_model(self, request, obj, form, change):
        if change:
            return
        form.instance = services.create_course(
            clinic=request.user.clinic,
            **{name: form.cleaned_data[name] for name in CourseAdminForm.Meta.fields},
        )

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
            return queryset.filter(starts_at__gte=now)
        if self.value() == "past":
            return queryset.filter(starts_at__lt=now)
        return queryset


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyClinicAdmin):
    """Each therapist's upcoming appointments: filter by therapist and 'Upcoming'."""

    list_display = ["starts_at", "ends_at", "therapist", "patient", "room", "status"]
    list_filter = [WhenFilter, "therapist", "status"]
    list_select_related = ["therapist", "patient", "room"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]
