"""The week calendar and the course wizard book, move, cancel and mark no-shows through the
scheduling services; their refusals are shown on the page and change nothing."""

import re
from datetime import datetime, time, timedelta
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sessions.models import Appointment, TreatmentCourse
from sessions.scheduling.services import book_appointment
from tests.bodies import CLINIC_CLOCK, typed
from tests.moments import tomorrow_at
from tests.query_counts import queries
from web import week
from web.week import SLOT

pytestmark = pytest.mark.django_db


def week_of(moment) -> str:
    """The week's address as the calendar reads it: the day on the clinic's clock."""
    return timezone.localtime(moment, CLINIC_CLOCK).date().isoformat()


def test_the_week_shows_each_therapist_with_working_hours_and_appointments(
    signed_in, book, patient
):
    book(patient, tomorrow_at(10))
    page = signed_in.get(f"/calendar/?week={week_of(tomorrow_at(10))}").content.decode()
    assert "<caption>Nora Quinn</caption>" in page
    assert "Ada Lovelace" in page
    assert 'class="working' in page and "Book<span" in page


@pytest.mark.parametrize("gone", ["left", "moved"])
def test_a_therapist_who_left_or_moved_keeps_their_booked_patients_in_sight(
    admin_in, book, patient, therapist, other_clinic, gone
):
    """Their patients are still reminded and will come: the week shows the appointments, to be
    moved or cancelled, and offers no free slot of theirs (the booking service refuses one)."""
    book(patient, tomorrow_at(10))
    if gone == "left":
        therapist.is_active = False
    else:
        therapist.clinic = other_clinic
    therapist.save()
    page = admin_in.get(f"/calendar/?week={week_of(tomorrow_at(10))}").content.decode()
    assert "<caption>Nora Quinn</caption>" in page
    assert "Ada Lovelace" in page
    assert "Book<span" not in page  # the only therapist with hours here is gone
    assert "Cancel<span" in page and "Move<span" not in page  # the service refuses a move


def test_no_show_is_offered_once_an_appointment_has_begun(signed_in, book, patient, make_patient):
    coming = book(patient, tomorrow_at(10))
    begun = book(make_patient(patient.clinic, given_name="Grace"), timezone.now() - SLOT / 6)
    for appointment in (coming, begun):
        page = signed_in.get(f"/calendar/?week={week_of(appointment.starts_at)}").content
        offered = f'No-show<span class="sr"> {appointment.patient}' in page.decode()
        assert offered == (appointment == begun)


def test_an_appointment_booked_to_the_second_leaves_the_grid_on_the_half_hour(
    signed_in, book, patient, therapist
):
    # The earliest of the week starts the grid: its seconds must not shift every slot.
    book(patient, tomorrow_at(8) - timedelta(minutes=15) + timedelta(seconds=30))
    therapist.working_hours.update(start=time(8), end=time(18))
    page = signed_in.get(f"/calendar/?week={week_of(tomorrow_at(8))}").content.decode()
    assert '<th scope="row">07:30</th>' in page and "Ada Lovelace" in page
    offered = [unquote(s) for s in re.findall(r"starts_at=([^\"&]+)", page)]
    assert offered and {datetime.fromisoformat(s).second for s in offered} == {0}
    assert any(datetime.fromisoformat(s).strftime("%H:%M") == "17:30" for s in offered)


def test_an_appointment_outside_its_therapists_hours_today_is_still_in_the_week(
    signed_in, book, patient, therapist
):
    """Booked at 8:00 before the therapist's hours moved to start at 9:00: the patient will
    come, so the week reaches back to 8:00 to show them."""
    book(patient, tomorrow_at(8))
    therapist.working_hours.update(start=time(9))
    page = signed_in.get(f"/calendar/?week={week_of(tomorrow_at(8))}").content.decode()
    assert '<th scope="row">08:00</th>' in page and "Ada Lovelace" in page


def test_every_appointment_starting_in_one_half_hour_is_in_the_week(
    signed_in, clinic, patient, therapist, make_patient
):
    for given_name, minute in (("Ada", 0), ("Grace", 15)):
        starts_at = tomorrow_at(10) + timedelta(minutes=minute)
        book_appointment(
            clinic=clinic,
            patient=patient if given_name == "Ada" else make_patient(clinic, given_name=given_name),
            therapist=therapist,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=15),
        )
    page = signed_in.get(f"/calendar/?week={week_of(tomorrow_at(10))}").content.decode()
    assert "Ada Lovelace" in page and "Grace Lovelace" in page


def test_an_appointment_of_a_therapist_who_left_is_not_moved_but_cancelled_and_rebooked(
    admin_in, book, patient, therapist
):
    appointment = book(patient, tomorrow_at(10))
    therapist.is_active = False
    therapist.save()
    page = admin_in.post(
        f"/calendar/appointments/{appointment.pk}/reschedule/",
        {"starts_at": tomorrow_at(14).isoformat()},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "no longer works here: cancel the appointment and book the patient with another" in page
    appointment.refresh_from_db()
    assert appointment.starts_at == tomorrow_at(10)


def test_a_free_slot_is_booked_for_a_patient_found_by_name(signed_in, patient, therapist):
    starts_at = tomorrow_at(10)
    page = signed_in.get(
        "/calendar/book/",
        {"therapist": therapist.pk, "starts_at": starts_at.isoformat(), "q": "lovelace"},
    ).content.decode()
    assert "Ada Lovelace" in page

    response = signed_in.post(
        "/calendar/book/",
        {
            "patient": patient.pk,
            "therapist": therapist.pk,
            "starts_at": typed(starts_at),
            "minutes": 45,
        },
        follow=True,
    )
    assert "Booked Ada Lovelace with Nora Quinn" in response.content.decode()
    appointment = Appointment.objects.get()
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=45)


def test_a_double_booking_is_refused_on_the_booking_form(
    signed_in, book, patient, make_patient, clinic, therapist
):
    book(patient, tomorrow_at(10))
    other = make_patient(clinic, given_name="Brian", family_name="Boru")
    response = signed_in.post(
        "/calendar/book/",
        {
            "patient": other.pk,
            "therapist": therapist.pk,
            "starts_at": typed(tomorrow_at(10)),
            "minutes": 30,
        },
    )
    page = response.content.decode()
    assert "The therapist already has an appointment at that time." in page
    assert page.index('id="id_starts_at"') < page.index("already has an appointment")
    assert Appointment.objects.count() == 1


def test_moving_onto_a_taken_slot_is_refused_and_the_card_stays(
    signed_in, book, patient, make_patient, clinic
):
    first = book(patient, tomorrow_at(10))
    book(make_patient(clinic, given_name="Brian", family_name="Boru"), tomorrow_at(12))
    response = signed_in.post(
        f"/calendar/appointments/{first.pk}/reschedule/",
        {"starts_at": tomorrow_at(12).isoformat()},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert 'id="calendar-problem"' in page and "already has an appointment" in page
    assert page.startswith('<div id="calendar">')
    first.refresh_from_db()
    assert first.starts_at == tomorrow_at(10)


def test_an_appointment_is_moved_cancelled_or_marked_a_no_show(signed_in, book, patient, begin):
    appointment = book(patient, tomorrow_at(10))
    signed_in.post(
        f"/calendar/appointments/{appointment.pk}/reschedule/",
        {"starts_at": tomorrow_at(14).isoformat()},
        headers={"HX-Request": "true"},
    )
    appointment.refresh_from_db()
    assert appointment.starts_at == tomorrow_at(14)

    refused = signed_in.post(
        f"/calendar/appointments/{appointment.pk}/no-show/", headers={"HX-Request": "true"}
    )
    assert "The appointment has not begun" in refused.content.decode()
    begin(appointment.pk)
    signed_in.post(f"/calendar/appointments/{appointment.pk}/no-show/")
    appointment.refresh_from_db()
    assert appointment.status == "no_show"

    response = signed_in.post(
        f"/calendar/appointments/{appointment.pk}/cancel/", headers={"HX-Request": "true"}
    )
    assert "Only a booked appointment can be cancelled" in response.content.decode()


@pytest.mark.parametrize("action", ["move", "reschedule", "cancel", "no-show"])
def test_another_clinics_appointment_cannot_be_touched(
    action, signed_in, other_clinic, other_patient, make_therapist
):
    from sessions.scheduling.services import book_appointment
    from tests.moments import ALL_DAY

    appointment = book_appointment(
        clinic=other_clinic,
        patient=other_patient,
        therapist=make_therapist(other_clinic, "south-therapist", working_hours=ALL_DAY),
        starts_at=tomorrow_at(10),
        ends_at=tomorrow_at(11),
    )
    response = signed_in.post(
        f"/calendar/appointments/{appointment.pk}/{action}/",
        {"starts_at": tomorrow_at(14).isoformat()},
    )
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert (appointment.status, appointment.starts_at) == ("booked", tomorrow_at(10))


def test_the_week_costs_the_same_queries_for_few_or_many_appointments(
    signed_in, book, patient, make_patient, clinic, make_therapist
):
    from tests.moments import ALL_DAY

    url = f"/calendar/?week={week_of(tomorrow_at(10))}"
    book(patient, tomorrow_at(9))

    few = queries(signed_in, url)
    make_therapist(clinic, "second-therapist", working_hours=ALL_DAY)
    for hour in range(10, 16):
        book(make_patient(clinic, given_name=f"P{hour}"), tomorrow_at(hour))
    assert queries(signed_in, url) == few


def test_the_course_wizard_proposes_dates_then_books_them(signed_in, patient, therapist):
    fields = {
        "patient": patient.pk,
        "therapist": therapist.pk,
        "indication": "Plantar fasciitis",
        "planned_sessions": 4,
        "minutes": 45,
        "min_gap_days": 2,
        "max_gap_days": 4,
        "starts_at": typed(tomorrow_at(9)),
    }
    proposal = signed_in.post("/courses/new/", fields | {"propose": ""}).content.decode()
    assert proposal.count("<li>") >= 4 and "Confirm and book" in proposal
    assert not TreatmentCourse.objects.exists()

    response = signed_in.post("/courses/new/", fields | {"confirm": ""}, follow=True)
    assert "Booked 4 sessions for Ada Lovelace" in response.content.decode()
    course = TreatmentCourse.objects.get()
    assert course.appointments.count() == 4


def test_the_course_wizard_books_for_the_signed_in_therapist_unless_told_otherwise(
    signed_in, client, admin, therapist
):
    page = signed_in.get("/courses/new/").content.decode()
    assert f'<option value="{therapist.pk}" selected>' in page
    client.force_login(admin)  # an administrator books for whoever is chosen
    assert '<option value="" selected>' in client.get("/courses/new/").content.decode()


def test_an_appointment_is_moved_from_the_keyboard_by_typing_its_new_start(
    signed_in, book, patient
):
    appointment = book(patient, tomorrow_at(10))
    page = signed_in.get(f"/calendar/appointments/{appointment.pk}/move/").content.decode()
    assert "Move the appointment of Ada Lovelace" in page

    new_start = typed(tomorrow_at(15))
    response = signed_in.post(
        f"/calendar/appointments/{appointment.pk}/move/", {"starts_at": new_start}, follow=True
    )
    assert "Ada Lovelace: booked" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == tomorrow_at(15)


def test_a_move_refused_from_the_keyboard_keeps_the_typed_time_and_says_why_by_it(
    signed_in, book, patient, make_patient, clinic
):
    appointment = book(patient, tomorrow_at(10))
    book(make_patient(clinic, given_name="Ben"), tomorrow_at(15))
    taken = typed(tomorrow_at(15))
    page = signed_in.post(
        f"/calendar/appointments/{appointment.pk}/move/", {"starts_at": taken}
    ).content.decode()
    assert f'value="{taken}"' in page
    assert 'id="starts_at-error">The therapist already has an appointment at that time.' in page
    appointment.refresh_from_db()
    assert appointment.starts_at == tomorrow_at(10)


def test_a_course_session_moved_the_day_after_another_is_refused_with_the_courses_gap(
    signed_in, book, patient, course
):
    book(patient, tomorrow_at(10), course=course)
    later = book(patient, tomorrow_at(10) + timedelta(days=3), course=course)
    the_day_after = tomorrow_at(10) + timedelta(days=1)
    page = signed_in.post(
        f"/calendar/appointments/{later.pk}/move/",
        {"starts_at": typed(the_day_after)},
    ).content.decode()
    assert "The new time must be at least 2 days from the course&#x27;s other sessions" in page
    later.refresh_from_db()
    assert later.starts_at == tomorrow_at(10) + timedelta(days=3)


def test_the_slot_under_way_is_not_offered_as_free_the_booking_service_would_refuse_it(
    clinic, therapist
):
    monday = week.monday_of(timezone.localdate(timezone=CLINIC_CLOCK))
    now = datetime.combine(monday + timedelta(days=2), time(10, 10), tzinfo=CLINIC_CLOCK)
    with timezone.override(ZoneInfo(clinic.timezone)):
        [therapists_week] = week.week_of(clinic, monday, now)
    cells = [cell for _, row in therapists_week.rows for cell in row]
    [under_way] = [c for c in cells if c.starts_at <= now < c.starts_at + timedelta(minutes=30)]
    assert under_way.working and not under_way.free  # begun: a start in the past
    later = [c for c in cells if c.starts_at > now and c.working]
    assert all(cell.free for cell in later)


def test_a_booking_in_the_past_is_refused_by_its_start(signed_in, patient, therapist):
    response = signed_in.post(
        "/calendar/book/",
        {
            "patient": patient.pk,
            "therapist": therapist.pk,
            "starts_at": typed(timezone.now() - timedelta(days=1)),
            "minutes": 30,
        },
    )
    assert "Must not be in the past." in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_move_into_the_past_is_refused(signed_in, book, patient):
    appointment = book(patient, tomorrow_at(10))
    response = signed_in.post(
        f"/calendar/appointments/{appointment.pk}/reschedule/",
        {"starts_at": (timezone.now() - timedelta(days=1)).isoformat()},
        headers={"HX-Request": "true"},
    )
    assert "The new time must not be in the past." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == tomorrow_at(10)


def test_the_week_offers_only_slots_in_working_hours_on_the_clinics_clock(
    signed_in, clinic, make_therapist
):
    # The grid is on the clinic's clock (Tokyo, 9 hours ahead of UTC) and offers a slot only
    # where the booking service's working-hours rule accepts it.
    clinic.timezone = "Asia/Tokyo"
    clinic.save()
    hours = [{"weekday": day, "start": time(9), "end": time(23)} for day in range(7)]
    tokyo = make_therapist(clinic, "tokyo-therapist", full_name="Kei Sato", working_hours=hours)
    day = timezone.now().date() + timedelta(days=2)
    page = signed_in.get(f"/calendar/?week={day.isoformat()}").content.decode()

    def offered(hour: int, minute: int = 0) -> bool:
        at = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Asia/Tokyo"))
        return f"therapist={tokyo.pk}&amp;starts_at={quote(at.isoformat(), safe='/')}" in page

    assert offered(22, 30)
    assert not offered(23)  # the day's hours are over
    assert not offered(8, 30)  # not yet begun
