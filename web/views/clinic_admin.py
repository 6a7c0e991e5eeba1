"""The clinic's own settings and rooms, for its administrators (`clinic.services`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinic import services
from clinic.models import Room
from core.forms import show_invalid
from web.access import admin_page, clinic_of
from web.admin_forms import ClinicSettingsForm, RoomForm


@admin_page
def clinic_settings(request: HttpRequest) -> HttpResponse:
    clinic = clinic_of(request)
    form = ClinicSettingsForm(
        request.POST or None,
        initial={name: getattr(clinic, name) for name in ClinicSettingsForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_clinic(clinic, **form.cleaned_data)
        except ValidationError as refusal:
            show_invalid(form, refusal)
        else:
            messages.success(request, "The clinic's settings are saved.")
            return redirect("web:clinic")
    return render(request, "web/admin/clinic.html", {"form": form})


@admin_page
def rooms(request: HttpRequest) -> HttpResponse:
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.add_room(clinic=clinic_of(request), name=form.cleaned_data["name"])
        except ValidationError as refusal:
            show_invalid(form, refusal)
        else:
            messages.success(request, f"Room {room} added.")
            return redirect("web:rooms")
    listed = Room.objects.filter(clinic_id=clinic_of(request).id).order_by("name")
    return render(request, "web/admin/rooms.html", {"rooms": list(listed), "form": form})
