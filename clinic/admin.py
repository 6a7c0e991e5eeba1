"""The Django admin for clinic administrators: each sees and changes only their own clinic."""

from datetime import date
from functools import cache

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q

from audit import trail
from audit.models import AuditEntry
from clinic import holds, services
from clinic.hours import hours_problem
from clinic.models import Clinic, ClinicalHold, Patient, Room, Staff, WorkingHours
from core import moments
from core.errors import NotAllowed, RuleViolation
from httpapi.clinic_scope import scoped_to_clinic


def _is_clinic_admin(request) -> bool:
    return request.user.is_active and request.user.is_clinic_admin


def _choices_for(request, queryset):
    """What a form or filter may offer: superusers everything, others their clinic's."""
    if request.user.is_superuser:
        return queryset
    return scoped_to_clinic(queryset, request.user.clinic_id)


class ClinicScopedFields:
    """Every related-object picker of a form (foreign key or many-to-many) offers, and
    accepts, only the user's clinic's records."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = self._clinic_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = self._clinic_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _clinic_choices(self, db_field, request, kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:  # what the admin would offer: in the related admin's order
            queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = db_field.related_model._default_manager.all()
        return _choices_for(request, queryset)


class ClinicRelatedListFilter(admin.RelatedFieldListFilter):
    """A change list's "By therapist" (any relation): only the user's clinic's records."""

    def field_choices(self, field, request, model_admin):
        allowed = _choices_for(request, field.related_model._default_manager.all())
        return field.get_choices(
            include_blank=False,
            ordering=self.field_admin_ordering(field, request, model_admin),
            limit_choices_to=Q(pk__in=allowed.values("pk")),
        )


@cache
def _scoped_inline(inline_class: type) -> type:
    return type(inline_class.__name__, (ClinicScopedFields, inline_class), {})


def _check_date_drill_down(field: str | None, query) -> None:
    """A date drill-down (?starts_at__year=&starts_at__month=&starts_at__day=) to a day the
    clinic works with: Django's own date hierarchy computes the year or month after the one
    asked for, which past 9999 is a server error, as is a month or day too large for a number.
    Refused as any other bad filter: the list again, with its notice."""
    year = query.get(f"{field}__year") if field else None
    if year is None:
        return
    month, day = (query.get(f"{field}__{part}", "1") for part in ("month", "day"))
    try:
        within = moments.day_in_range(date(int(year), int(month), int(day)))
    except (ValueError, OverflowError):  # not a number, not a day, or too large for one
        within = False
    if not within:
        raise IncorrectLookupParameters(f"No day {year}-{month}-{day} to show.")


class ClinicScopedAdmin(ClinicScopedFields, admin.ModelAdmin):
    """Base for every admin page of clinic data.

    Superusers see everything; a clinic administrator gets full rights over rows of their own
    clinic (field `clinic_lookup`) and never sees another clinic's, nor is offered one in any
    form (inlines included) or list filter. The patient data a page shows goes to the audit
    trail.

    A record stays in the clinic it was made in, a superuser's edit included: a patient's or a
    room's records name its clinic and are read by it (a patient moved would show the new
    clinic the old one's notes). Only a person moves (`clinic_movable`): their working hours
    follow them (clinic.services.update_staff), and their records stay their clinic's.
    """

    clinic_lookup = "clinic"
    clinic_movable = False

    def get_list_filter(self, request):
        return [self._scoped_filter(spec) for spec in super().get_list_filter(request)]

    def _scoped_filter(self, spec):
        path, kind = spec if isinstance(spec, tuple) else (spec, None)
        if not isinstance(path, str) or kind not in (None, admin.RelatedFieldListFilter):
            return spec  # a filter of its own kind chooses its own values
        if not get_fields_from_path(self.model, path)[-1].is_relation:
            return spec
        return (path, ClinicRelatedListFilter)

    def get_inlines(self, request, obj):
        return [_scoped_inline(inline) for inline in super().get_inlines(request, obj)]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class for each request
        # The administrator's clinic, for a form's rule of one clinic (a room's name, a
        # message text's kind and language): no field of their forms names it.
        form.clinic_id = request.user.clinic_id
        return form

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.clinic_lookup: request.user.clinic_id})

    def get_changelist_instance(self, request):
        _check_date_drill_down(self.date_hierarchy, request.GET)
        changelist = super().get_changelist_instance(request)
        trail.record_reads(request, trail.staff(request.user), changelist.result_list)
        return changelist

    def get_object(self, request, object_id, from_field=None):
        record = super().get_object(request, object_id, from_field)
        if record is not None and request.method == "GET":
            trail.record_reads(request, trail.staff(request.user), [record])
        return record

    def has_module_permission(self, request):
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        chosen_here = request.user.is_superuser and (obj is None or self.clinic_movable)
        if not chosen_here and self.clinic_lookup == "clinic":
            readonly.append("clinic")
        return readonly

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser and self.clinic_lookup == "clinic":
            obj.clinic_id = request.user.clinic_id
        super().save_model(request, obj, form, change)


class ReadOnlyAdminMixin:
    """Records that change only through the API, where the rules run: the admin reads them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyClinicAdmin(ReadOnlyAdminMixin, ClinicScopedAdmin):
    pass


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    clinic_lookup = "pk"
    list_display = ["name", "timezone", "phone", "quiet_hours_start", "quiet_hours_end"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class WorkingHoursFormSet(forms.BaseInlineFormSet):
    """A staff member's hours: in their clinic, and refused if a block ends before it starts
    or blocks of one day overlap (clinic.hours, as in the API and the staff app), or if the
    person has no clinic to keep them (a platform superuser's new account, or one whose clinic
    a superuser clears). Only superusers edit hours here: a clinic's administrator, who has no
    permission on them in the admin, edits them in the staff app."""

    def save_new(self, form, commit=True):
        form.instance.clinic_id = self.instance.clinic_id  # not a field of the form
        return super().save_new(form, commit)

    def save_existing(self, form, obj, commit=True):
        obj.clinic_id = self.instance.clinic_id  # the person may have moved clinic just now
        return super().save_existing(form, obj, commit)

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        blocks = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problem = hours_problem(blocks)
        if problem:
            raise forms.ValidationError(problem)
        if blocks and self.instance.clinic_id is None:  # the person as the form leaves them
            raise forms.ValidationError(
                "Working hours are kept at a clinic, and this person is in none: give them "
                "a clinic and save, then their hours; or leave the hours out."
            )


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    formset = WorkingHoursFormSet
    extra = 1


@admin.register(Staff)
class StaffAdmin(ClinicScopedAdmin, UserAdmin):
    clinic_movable = True
    inlines = [WorkingHoursInline]
    list_display = ["username", "full_name", "role", "dn_certified_until"]
    list_filter = ["role"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            "Clinic",
            {"fields": ["clinic", "role", "full_name", "email", "phone", "dn_certified_until"]},
        ),
        ("Access", {"fields": ["is_active"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2", "role", "full_name"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # Staff leave by losing access ("Active"), as in the API, and their records keep naming
        # them; deleting oneself would leave the clinic with nobody to run it.
        return request.user.is_superuser

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The change form asks the staff service's access rule, as the API and the app do."""
        form = super().get_form(request, obj, change=change, **kwargs)

        class StaffForm(form):
            def clean(self):
                cleaned = super().clean()
                if obj is not None:
                    try:
                        services.check_may_change_access(
                            obj,
                            by=request.user,
                            is_active=cleaned.get("is_active", obj.is_active),
                            role=cleaned.get("role"),
                        )
                    except NotAllowed as refusal:
                        field = "role" if cleaned.get("is_active", True) else "is_active"
                        self.add_error(field, refusal.detail)
                return cleaned

        return StaffForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # a new one joins the admin's clinic
        services.update_staff(obj)  # then what the service keeps true: admin-site flag, hours


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdmin):
    """Deleting a patient with clinical records is refused (they refer to the patient with
    PROTECT, so the admin lists them instead); such a patient is archived."""

    list_display = [
        "family_name",
        "given_name",
        "date_of_birth",
        "preferred_channel",
        "clinical_hold",
        "archived_at",
    ]
    list_filter = ["clinical_hold", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["family_name", "given_name", "email", "phone"]
    # Changed only through clinic.holds: a hold is released with a note (Clinical holds).
    readonly_fields = ["clinical_hold", "archived_at"]
    actions = ["archive"]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Through the patient service, as in the API: a change of channel or consent re-routes
        # the messages still to go.
        stored = Patient.objects.get(pk=obj.pk)
        services.update_patient(stored, **{name: getattr(obj, name) for name in form.changed_data})
        return None

    @admin.action(description="Archive the selected patients")
    def archive(self, request, queryset):
        for patient in queryset:
            try:
                holds.archive_patient(patient)
            except RuleViolation as refusal:
                self.message_user(request, refusal.detail, messages.WARNING)


class ReleaseForm(forms.ModelForm):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Why treatment may go on"
    )

    class Meta:
        model = ClinicalHold
        # The note goes to clinic.holds.release_hold, which records the release.
        fields: list[str] = []


@admin.register(ClinicalHold)
class ClinicalHoldAdmin(ClinicScopedAdmin):
    """Holds start with a serious side effect; an administrator releases one with a note."""

    form = ReleaseForm
    list_display = ["patient", "started_at", "reason", "released_at", "released_by"]
    list_filter = [("released_at", admin.EmptyFieldListFilter)]
    list_select_related = ["patient", "released_by"]
    readonly_fields = [
        "patient",
        "reason",
        "started_at",
        "released_at",
        "released_by",
        "release_note",
    ]

    def get_fields(self, request, obj=None):
        if obj is not None and obj.released_at is None:
            return ["patient", "reason", "started_at", "note"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or obj.released_at is None
        )

    def save_model(self, request, obj, form, change):
        holds.release_hold(obj.patient, by=request.user, note=form.cleaned_data["note"], seen=obj)


class RoomForm(forms.ModelForm):
    """A room's name is its clinic's only one (clinic.services.check_room_name_free): the
    clinic is no field of a clinic administrator's form, so Django would not ask."""

    clinic_id = None  # the administrator's clinic (ClinicScopedAdmin.get_form)

    def clean(self):
        data = super().clean()
        clinic = data.get("clinic")  # a platform superuser's choice
        clinic_id = self.instance.clinic_id or (clinic.pk if clinic else self.clinic_id)
        if data.get("name") and clinic_id:
            existing = None if self.instance._state.adding else self.instance
            try:
                services.check_room_name_free(clinic_id, data["name"], existing)
            except ValidationError as taken:
                self.add_error(None, taken)
        return data


@admin.register(Room)
class RoomAdmin(ClinicScopedAdmin):
    form = RoomForm
    list_display = ["name"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyClinicAdmin):
    clinic_lookup = "clinic_id"
    list_display = ["at", "actor_type", "actor_id", "action", "object_type", "object_id"]
    list_filter = ["action", "actor_type", "object_type"]
    search_fields = ["=patient_id", "=actor_id", "=object_id", "=request_id"]
