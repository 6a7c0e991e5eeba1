"""A treatment course in two steps: the dates the scheduling service proposes, then the
booking of them all by `create_course`, which plans again and books in one transaction."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.errors import RuleViolation
from core.forms import show_invalid
from sessions.scheduling.services import create_course, plan_course
from web.access import clinic_of, member, record_reads, staff_page
from web.errors import show_on
from web.forms import CourseForm
from web.submissions import once_per_submission


def _therapist(request: HttpRequest) -> str | UUID | None:
    """The therapist asked for, else the signed-in person if they treat patients."""
    if request.GET.get("therapist"):
        return request.GET["therapist"]
    staff = member(request)
    return None if staff.is_clinic_admin else staff.pk


@staff_page
@once_per_submission
def new_course(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = CourseForm(
        data,
        initial={"starts_at": timezone.now(), "therapist": _therapist(request)},
        clinic_id=clinic_of(request).id,
    )
    search = request.GET.get("q", "").strip()
    found = form.found(search) if search else []
    proposal = None
    if data is not None and form.is_valid():
        if "confirm" in data:
            try:
                course = create_course(
                    clinic=clinic_of(request),
                    indication=form.cleaned_data["indication"],
                    **form.course(),
                )
                messages.success(
                    request, f"Booked {course.planned_sessions} sessions for {course.patient}."
                )
                return redirect("web:patient", patient_id=course.patient_id)
            except RuleViolation as error:
                show_on(form, error)
            except ValidationError as refusal:  # the course's shape, as the service judges it
                show_invalid(form, refusal)
        else:
            proposal = plan_course(**form.course()) or []
    if data is not None and form.is_valid():
        found = [form.cleaned_data["patient"]]
    record_reads(request, found)
    return render(
        request,
        "web/course_wizard.html",
        {"form": form, "found": found, "search": search, "proposal": proposal},
    )
