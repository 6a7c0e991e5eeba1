"""The clinic's week: book a free slot, drag an appointment to reschedule it, cancel or mark a
no-show — each through the scheduling services, whose refusals are shown on the page."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core import moments
from core.errors import RuleViolation
from core.forms import show_invalid
from sessions.models import Appointment
from sessions.scheduling.services import (
    book_appointment,
    cancel_appointment,
    mark_no_show,
    reschedule_appointment,
)
from web.access import PageRequest, clinic_of, of_clinic, record_reads, staff_page
from web.errors import show_on
from web.forms import BookingForm, CancelForm, typed_moment
from web.week import monday_of, week_of


def _monday(request: HttpRequest) -> date:
    """The week asked for, else this one."""
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = None
    return monday_of(day if day and moments.day_in_range(day) else timezone.localdate())


def _week_page(
    request: PageRequest, monday: date, problem: str = "", done: str = ""
) -> HttpResponse:
    weeks = week_of(clinic_of(request), monday)
    record_reads(
        request,
        [
            placed.appointment
            for therapists_week in weeks
            for _, cells in therapists_week.rows
            for cell in cells
            for placed in cell.appointments
        ],
    )
    template = "web/_week.html" if request.htmx else "web/calendar.html"
    return render(
        request,
        template,
        {
            "weeks": weeks,
            "monday": monday,
            "days": [monday + timedelta(days=n) for n in range(7)],
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "problem": problem,
            "done": done,
        },
    )


@staff_page
def calendar(request: PageRequest) -> HttpResponse:
    return _week_page(request, _monday(request))


def _changed(request: PageRequest, appointment: Appointment, problem: str) -> HttpResponse:
    """The week as it now stands, with the change done or the refusal on top."""
    if not request.htmx and not problem:
        messages.success(request, _moved(appointment))
        return redirect(_week_of(appointment))
    done = "" if problem else _moved(appointment)
    return _week_page(request, _monday_of(appointment), problem=problem, done=done)


def _apply(change: Callable[[Appointment], object], appointment: Appointment) -> str:
    try:
        change(appointment)
    except RuleViolation as error:
        return error.detail
    return ""


def _moved(appointment: Appointment) -> str:
    return f"{appointment.patient}: {appointment.get_status_display().lower()}, " + (
        f"{timezone.localtime(appointment.starts_at):%a %d %b %H:%M}."
    )


def _monday_of(appointment: Appointment) -> date:
    return monday_of(timezone.localtime(appointment.starts_at).date())


def _week_of(appointment: Appointment) -> str:
    return f"{reverse('web:calendar')}?week={_monday_of(appointment)}"


def _appointment(request: HttpRequest, appointment_id: UUID) -> Appointment:
    return of_clinic(
        request,
        Appointment.objects.select_related("patient", "therapist__clinic"),
        pk=appointment_id,
    )


def _move_to(appointment: Appointment, typed: str) -> str:
    """Move the appointment to the start typed on the clinic's clock, its length kept: "" when
    moved, else why not (and the appointment is left as it was)."""
    try:
        starts_at = typed_moment(typed, missing="Choose a time to move it to.")
    except ValidationError as refusal:
        return refusal.messages[0]
    ends_at = starts_at + (appointment.ends_at - appointment.starts_at)
    try:
        reschedule_appointment(appointment, starts_at=starts_at, ends_at=ends_at)
    except ValidationError as refusal:  # the times themselves (in the past, too long)
        message = refusal.messages[0]
        return f"The new time {message[0].lower()}{message[1:]}"
    except RuleViolation as refusal:  # the week around them (taken, outside working hours)
        return refusal.detail
    return ""


@staff_page
def reschedule(request: PageRequest, appointment_id: UUID) -> HttpResponse:
    """A card dropped on a slot. Refused moves are answered with the week from the database:
    the card snaps back."""
    appointment = _appointment(request, appointment_id)
    if request.method != "POST":
        return redirect("web:calendar")
    problem = _move_to(appointment, request.POST.get("starts_at", ""))
    return _changed(request, appointment, problem)


@staff_page
def move(request: HttpRequest, appointment_id: UUID) -> HttpResponse:
    """Rescheduling without a mouse: the new start typed in; a refusal keeps what was typed
    and says why by the field."""
    appointment = _appointment(request, appointment_id)
    typed, problem = request.POST.get("starts_at", ""), ""
    if request.method == "POST":
        problem = _move_to(appointment, typed)
        if not problem:
            messages.success(request, _moved(appointment))
            return redirect(_week_of(appointment))
    record_reads(request, [appointment])
    return render(
        request, "web/move.html", {"appointment": appointment, "typed": typed, "problem": problem}
    )


@staff_page
def cancel(request: PageRequest, appointment_id: UUID) -> HttpResponse:
    appointment = _appointment(request, appointment_id)
    if request.method != "POST":
        return redirect("web:calendar")
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _changed(request, appointment, str(form.errors["reason"][0]))
    reason = form.cleaned_data["reason"]
    problem = _apply(lambda a: cancel_appointment(a, reason=reason), appointment)
    return _changed(request, appointment, problem)


@staff_page
def no_show(request: PageRequest, appointment_id: UUID) -> HttpResponse:
    appointment = _appointment(request, appointment_id)
    if request.method != "POST":
        return redirect("web:calendar")
    return _changed(request, appointment, _apply(mark_no_show, appointment))


def _slot(typed: str) -> datetime | None:
    """The start of the free slot the week was clicked on; none for a bad or missing one."""
    try:
        return typed_moment(typed, missing="")
    except ValidationError:
        return None


@staff_page
def book(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = BookingForm(
        data,
        initial={
            "therapist": request.GET.get("therapist"),
            "starts_at": _slot(request.GET.get("starts_at", "")),
        },
        clinic_id=clinic_of(request).id,
    )
    search = request.GET.get("q", "").strip()
    found = form.found(search) if search else []
    if data is not None and form.is_valid():
        fields = form.cleaned_data
        try:
            appointment = book_appointment(
                clinic=clinic_of(request),
                patient=fields["patient"],
                therapist=fields["therapist"],
                room=fields["room"],
                starts_at=fields["starts_at"],
                ends_at=fields["starts_at"] + timedelta(minutes=fields["minutes"]),
            )
            messages.success(
                request,
                f"Booked {appointment.patient} with {appointment.therapist}, "
                f"{timezone.localtime(appointment.starts_at):%a %d %b %H:%M}.",
            )
            monday = monday_of(timezone.localtime(appointment.starts_at).date())
            return redirect(f"{reverse('web:calendar')}?week={monday}")
        except RuleViolation as error:
            show_on(form, error)
        except ValidationError as refusal:  # a start past by the time the service looked
            show_invalid(form, refusal)
    record_reads(request, found)
    return render(request, "web/book.html", {"form": form, "found": found, "search": search})
