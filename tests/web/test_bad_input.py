"""What is typed beyond the calendar the clinic works with (1900 to 2999), or with a character
no record holds, is answered by the field it was typed in: never a server error, never a
record half-written. The API refuses the same (httpapi.fields.MomentField); both ask
core.moments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftercare.models import Notification
from core import moments
from screening.models import Screening
from sessions.models import Appointment, SideEffect, TreatmentCourse
from sessions.records.services import log_session
from tests.bodies import CLINIC_CLOCK, admin_course_form, site, typed
from tests.moments import today_at, tomorrow_at
from web.week import monday_of

pytestmark = pytest.mark.django_db
BEYOND = "9999-12-31T23:30"  # a wall-clock time whose UTC, or whose end, is past year 9999
NO_SUCH_DAY = "2030-02-30T10:00"


@pytest.fixture
def booked(book, patient):
    return book(patient, tomorrow_at(10))


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-03", "2030-02-30", "next"])
def test_a_week_beyond_the_calendar_shows_this_week(signed_in, week):
    page = signed_in.get("/calendar/", {"week": week})
    assert page.status_code == 200
    assert page.context["monday"] == monday_of(timezone.localdate(timezone=CLINIC_CLOCK))


@pytest.mark.parametrize("starts_at", [NO_SUCH_DAY, "2030-01-01T25:00", BEYOND])
def test_a_slot_beyond_the_calendar_opens_the_booking_form_without_a_time(signed_in, starts_at):
    page = signed_in.get("/calendar/book/", {"starts_at": starts_at})
    assert page.status_code == 200
    assert '<input type="datetime-local" name="starts_at" required' in page.content.decode()


def test_a_booking_beyond_the_calendar_is_refused_by_its_time(signed_in, patient, therapist):
    form = {"patient": patient.pk, "therapist": therapist.pk, "starts_at": BEYOND, "minutes": 45}
    page = signed_in.post("/calendar/book/", form)
    assert page.status_code == 200 and moments.OUT_OF_RANGE in page.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("entered", "why"),
    [(NO_SUCH_DAY, "Enter a valid date/time."), (BEYOND, moments.OUT_OF_RANGE)],
)
@pytest.mark.parametrize("door", ["move", "reschedule"])
def test_a_move_beyond_the_calendar_leaves_the_appointment_where_it_was(
    signed_in, booked, door, entered, why
):
    page = signed_in.post(
        f"/calendar/appointments/{booked.pk}/{door}/",
        {"starts_at": entered},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200 and why in page.content.decode()
    assert Appointment.objects.get().starts_at == booked.starts_at


def test_a_cancellation_reason_no_record_can_hold_cancels_nothing(signed_in, booked):
    page = signed_in.post(
        f"/calendar/appointments/{booked.pk}/cancel/",
        {"reason": "sick\x00"},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200 and "Null characters are not allowed." in page.content.decode()
    assert Appointment.objects.get().status == "booked"


@pytest.mark.parametrize(
    ("entered", "field", "why"),
    [
        ({"min_gap_days": 40000}, "min_gap_days", "less than or equal to 60."),
        ({"max_gap_days": 61}, "max_gap_days", "less than or equal to 60."),
        ({"min_gap_days": 5, "max_gap_days": 4}, "max_gap_days", "Must not be below min_gap_days."),
        ({"starts_at": "9999-12-30T10:00"}, "starts_at", moments.OUT_OF_RANGE),
    ],
)
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_a_course_beyond_the_calendar_or_too_far_apart_is_refused_by_its_field(
    signed_in, patient, therapist, step, entered, field, why
):
    form = {
        "patient": patient.pk,
        "therapist": therapist.pk,
        "indication": "Neck pain",
        "planned_sessions": 2,
        "minutes": 45,
        "min_gap_days": 2,
        "max_gap_days": 7,
        "starts_at": typed(tomorrow_at(9)),
        **entered,
    } | ({"confirm": "1"} if step == "confirm" else {})
    page = signed_in.post("/courses/new/", form)
    assert page.status_code == 200
    [error] = page.context["form"].errors[field]
    assert error.endswith(why)
    assert page.context["proposal"] is None  # not planned, let alone booked
    assert not TreatmentCourse.objects.exists()


def test_a_screening_beyond_the_calendar_is_refused_by_its_time(signed_in, patient):
    entered = {"performed_at": "9999-12-31T23:59", "consent_given": "on"}
    preview = signed_in.post(f"/patients/{patient.pk}/screening/preview/", entered)
    assert (preview.status_code, preview.content.strip()) == (200, b"")  # nothing to assess
    page = signed_in.post(f"/patients/{patient.pk}/screening/", entered)
    assert page.status_code == 200 and moments.OUT_OF_RANGE in page.content.decode()
    assert not Screening.objects.exists()


@pytest.mark.parametrize("field", ["onset_at", "resolved_at"])
def test_a_side_effect_beyond_the_calendar_is_refused_not_stored(
    signed_in, clinic, therapist, patient, screen, field
):
    clinic.timezone = "America/New_York"  # behind UTC: 23:00 on 31 December 9999 is in 10000
    clinic.save()
    screen(patient)
    yesterday_at_8 = today_at(8) - timedelta(days=1)  # over, whatever the hour now
    session = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=yesterday_at_8,
        ended_at=yesterday_at_8 + timedelta(minutes=30),
        sites=[site()],
    )
    page = signed_in.post(
        f"/sessions/{session.pk}/side-effect/",
        {"kind": "bruising", "severity": "mild", field: "9999-12-31T23:00"},
    )
    assert page.status_code == 200 and moments.OUT_OF_RANGE in page.content.decode()
    assert not SideEffect.objects.exists()


def test_a_report_until_the_end_of_the_calendar_is_refused_by_its_day(admin_in):
    page = admin_in.get("/reports/adverse-events/", {"until": "9999-12-31"})
    assert page.status_code == 200 and moments.DAY_OUT_OF_RANGE in page.content.decode()


@pytest.mark.parametrize(
    ("entered", "field"),
    [
        ({"min_gap_days": 0}, "min_gap_days"),
        ({"planned_sessions": 0}, "planned_sessions"),
        ({"session_minutes": 0}, "session_minutes"),
        ({"earliest_start_0": "9999-12-30"}, "earliest_start"),
    ],
)
def test_the_admins_course_form_refuses_a_course_no_plan_can_have(
    admin_site, patient, therapist, entered, field
):
    form = admin_course_form(patient, therapist, tomorrow_at(9)) | entered
    page = admin_site.post("/admin/needling/treatmentcourse/add/", form)
    assert page.status_code == 200
    assert field in page.context["adminform"].form.errors
    assert not TreatmentCourse.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "drill_down",
    [
        {"starts_at__year": 9999},
        {"starts_at__year": 9999, "starts_at__month": 12},
        {"starts_at__year": 2030, "starts_at__month": "9" * 20},
        {"starts_at__year": 2030, "starts_at__month": 1, "starts_at__day": "9" * 20},
        {"starts_at__year": 2030, "starts_at__month": 2, "starts_at__day": 30},
    ],
)
def test_the_admins_date_drill_down_past_the_calendar_is_an_invalid_filter(admin_site, drill_down):
    page = admin_site.get("/admin/needling/appointment/", drill_down)
    assert (page.status_code, page.url) == (302, "/admin/needling/appointment/?e=1")


def test_the_admins_date_drill_down_to_a_real_day_shows_it(admin_site):
    day = {"starts_at__year": 2030, "starts_at__month": 1, "starts_at__day": 7}
    assert admin_site.get("/admin/needling/appointment/", day).status_code == 200


def on_the_clinic_clock(minutes_ago: int) -> tuple[str, str]:
    """The admin's date and time fields of a moment `minutes_ago`."""
    moment = (timezone.now() - timedelta(minutes=minutes_ago)).astimezone(CLINIC_CLOCK)
    return f"{moment:%Y-%m-%d}", f"{moment:%H:%M:%S}"


@pytest.mark.parametrize(
    ("onset", "resolved", "field", "why"),
    [
        (("9999-12-31", "10:00:00"), ("", ""), "onset_at", moments.OUT_OF_RANGE),
        (10, 20, "resolved_at", "Must not be before onset_at."),  # minutes ago
        (90, ("", ""), "onset_at", "Must not be before the session started."),  # an hour ago
        (-60, ("", ""), "onset_at", "It is in the future."),
    ],
)
def test_the_admins_side_effect_form_refuses_times_the_service_would(
    admin_site, log_session, onset, resolved, field, why
):
    session = log_session()
    onset = on_the_clinic_clock(onset) if isinstance(onset, int) else onset
    resolved = on_the_clinic_clock(resolved) if isinstance(resolved, int) else resolved
    form = {
        "session": session["id"],
        "kind": "bruising",
        "severity": "mild",
        "onset_at_0": onset[0],
        "onset_at_1": onset[1],
        "resolved_at_0": resolved[0],
        "resolved_at_1": resolved[1],
        "notes": "",
    }
    page = admin_site.post("/admin/needling/sideeffect/add/", form)
    assert page.status_code == 200
    assert page.context["adminform"].form.errors[field] == [why]
    assert not SideEffect.objects.exists()
