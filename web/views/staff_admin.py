"""The clinic's staff for its administrators: who works here and when, a therapist added,
details and hours changed, someone's access ended (all through `clinic.services`)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinic import services
from clinic.models import Role, Staff, WorkingHours
from core.errors import RuleViolation
from core.forms import show_invalid
from web.access import admin_page, clinic_of, member, of_clinic
from web.admin_forms import HoursFormSet, StaffDetailsForm, TherapistForm

STAFF = Staff.objects.prefetch_related(
    Prefetch("working_hours", WorkingHours.objects.order_by("weekday", "start"))
)


@admin_page
def staff_list(request: HttpRequest) -> HttpResponse:
    staff = STAFF.filter(clinic_id=clinic_of(request).id).order_by(
        "-is_active", "full_name", "username"
    )
    return render(request, "web/admin/staff.html", {"staff": list(staff)})


@admin_page
def add_therapist(request: HttpRequest) -> HttpResponse:
    form = TherapistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            therapist = services.create_staff(
                clinic=clinic_of(request), role=Role.THERAPIST, **form.cleaned_data
            )
        except ValidationError as refusal:
            show_invalid(form, refusal)
        else:
            messages.success(request, f"{therapist} added: now give their working hours.")
            return redirect("web:staff-hours", staff_id=therapist.pk)
    return render(request, "web/admin/add_therapist.html", {"form": form})


@admin_page
def staff_details(request: HttpRequest, staff_id: UUID) -> HttpResponse:
    """Change a person's name, contacts or certification (`clinic.services.update_staff`)."""
    person = of_clinic(request, Staff.objects, pk=staff_id)
    initial = {name: getattr(person, name) for name in StaffDetailsForm.base_fields}
    form = StaffDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff(person, by=member(request), **form.cleaned_data)
        except ValidationError as refusal:
            show_invalid(form, refusal)
        else:
            messages.success(request, f"{person}'s details are saved.")
            return redirect("web:staff")
    return render(request, "web/admin/staff_details.html", {"person": person, "form": form})


@admin_page
def staff_hours(request: HttpRequest, staff_id: UUID) -> HttpResponse:
    person = of_clinic(request, STAFF, pk=staff_id)
    initial = [
        {"weekday": block.weekday, "start": block.start, "end": block.end}
        for block in person.working_hours.all()
    ]
    hours = HoursFormSet(request.POST or None, initial=initial, prefix="hours")
    if request.method == "POST" and hours.is_valid():
        services.set_working_hours(person, hours.blocks())
        messages.success(request, f"{person}'s working hours are saved.")
        return redirect("web:staff")
    return render(request, "web/admin/staff_hours.html", {"person": person, "hours": hours})


@admin_page
def set_active(request: HttpRequest, staff_id: UUID) -> HttpResponse:
    """End someone's access (every token and sign-in goes with it), or give it back."""
    person = of_clinic(request, Staff.objects, pk=staff_id)
    if request.method == "POST":
        active = request.POST.get("active") == "1"
        try:
            services.update_staff(person, by=member(request), is_active=active)
        except RuleViolation as refusal:
            messages.error(request, refusal.detail)
        else:
            messages.success(
                request, f"{person} {'may sign in again' if active else 'can no longer sign in'}."
            )
    return redirect("web:staff")
