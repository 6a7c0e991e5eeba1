"""Booking appointments: inside working hours, never double-booked, by construction."""

import threading
from datetime import time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from aftercare.models import Notification
from clinic.services import update_staff
from core.errors import Conflict
from sessions import events
from sessions.models import Appointment, TreatmentCourse
from sessions.scheduling.services import (
    book_appointment,
    cancel_appointment,
    cancel_course,
    complete_appointment,
    confirm_appointment,
    reschedule_appointment,
)
from tests.accounts import api_client
from tests.bodies import course_body
from tests.moments import next_weekday
from tests.query_counts import queries
from tests.real_parts import wait_until, waiting_on_a_lock

pytestmark = pytest.mark.django_db


def test_an_appointment_inside_working_hours_is_booked(book, monday_10, therapist_api):
    answer = book(monday_10, api=therapist_api)
    assert answer.status_code == 201, answer.json()
    assert answer.json()["status"] == "booked"
    assert answer.json()["starts_at"].endswith(("Z", "+00:00"))


@pytest.mark.parametrize(
    "shift, minutes, field",
    [
        (-timedelta(weeks=3), 45, "starts_at"),
        (timedelta(0), 0, "ends_at"),
        (timedelta(0), -30, "ends_at"),
    ],
)
def test_a_start_in_the_past_or_an_end_not_after_the_start_is_400(
    book, monday_10, shift, minutes, field
):
    answer = book(monday_10 + shift, minutes=minutes)
    assert answer.status_code == 400
    assert field in answer.json()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("weekday, clock", [(0, time(7, 30)), (0, time(17, 30)), (5, time(10))])
def test_outside_working_hours_is_400(book, clinic, weekday, clock):
    answer = book(next_weekday(clinic.timezone, weekday, clock))
    assert answer.status_code == 400
    assert answer.json()["code"] == "outside_working_hours"


def test_the_therapist_cannot_be_double_booked(book, monday_10, clinic, make_patient):
    assert book(monday_10).status_code == 201
    answer = book(monday_10 + timedelta(minutes=30), patient=make_patient(clinic, given_name="Ben"))
    assert answer.status_code == 409
    assert answer.json()["code"] == "double_booked"
    assert Appointment.objects.count() == 1


def test_the_room_cannot_be_double_booked(
    book, monday_10, room, clinic, make_patient, make_therapist
):
    assert book(monday_10, room=room).status_code == 201
    answer = book(
        monday_10,
        room=room,
        patient=make_patient(clinic, given_name="Ben"),
        therapist=make_therapist(clinic, "sam"),
    )
    assert answer.status_code == 409 and answer.json()["code"] == "double_booked"


def test_the_patient_cannot_be_in_two_places(book, monday_10, clinic, make_therapist):
    assert book(monday_10).status_code == 201
    answer = book(monday_10, therapist=make_therapist(clinic, "sam"))
    assert answer.status_code == 409 and answer.json()["code"] == "double_booked"


def test_back_to_back_appointments_are_fine(book, monday_10, clinic, make_patient):
    assert book(monday_10).status_code == 201
    next_patient = make_patient(clinic, given_name="Ben")
    assert book(monday_10 + timedelta(minutes=45), patient=next_patient).status_code == 201


def test_a_cancelled_appointment_frees_its_slot(book, monday_10, admin_api):
    first = book(monday_10).json()["id"]
    cancelled = admin_api.post(
        f"/api/v1/appointments/{first}/cancel/", {"reason": "flu"}, format="json"
    )
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "flu"
    assert book(monday_10).status_code == 201


def test_cancelling_twice_is_invalid_state(book, monday_10, admin_api):
    first = book(monday_10).json()["id"]
    admin_api.post(f"/api/v1/appointments/{first}/cancel/", {}, format="json")
    again = admin_api.post(f"/api/v1/appointments/{first}/cancel/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_a_no_show_is_recorded_once_the_appointment_has_begun_and_frees_its_time(
    book, monday_10, admin_api, begin, therapist
):
    first = book(monday_10).json()["id"]
    begin(first)
    answer = admin_api.post(f"/api/v1/appointments/{first}/no-show/")
    assert answer.status_code == 200 and answer.json()["status"] == "no_show"
    # No longer in the therapist's calendar: its time is free again.
    feed = admin_api.get(f"/api/v1/therapists/{therapist.id}/calendar.ics").content.decode()
    assert first not in feed


def test_an_appointment_yet_to_come_is_not_marked_a_no_show(book, monday_10, admin_api):
    """A slip of the finger on next week's card would free the slot and cancel the reminder
    of a patient who is still coming."""
    first = book(monday_10).json()["id"]
    answer = admin_api.post(f"/api/v1/appointments/{first}/no-show/")
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
    assert Appointment.objects.get(pk=first).status == "booked"
    reminder = Notification.objects.get(appointment=first, kind="appointment_reminder")
    assert reminder.status == "pending"


def test_rescheduling_moves_the_appointment_only_into_free_time(
    book, monday_10, admin_api, clinic, make_patient
):
    first = book(monday_10).json()["id"]
    book(monday_10 + timedelta(hours=2), patient=make_patient(clinic, given_name="Ben"))
    to = {
        "starts_at": (monday_10 + timedelta(hours=1)).isoformat(),
        "ends_at": (monday_10 + timedelta(hours=1, minutes=45)).isoformat(),
    }
    moved = admin_api.post(f"/api/v1/appointments/{first}/reschedule/", to, format="json")
    assert moved.status_code == 200
    assert (
        moved.json()["starts_at"]
        == admin_api.get(f"/api/v1/appointments/{first}/").json()["starts_at"]
    )
    clash = {
        "starts_at": (monday_10 + timedelta(hours=2)).isoformat(),
        "ends_at": (monday_10 + timedelta(hours=3)).isoformat(),
    }
    answer = admin_api.post(f"/api/v1/appointments/{first}/reschedule/", clash, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "double_booked"
    evening = {
        "starts_at": (monday_10 + timedelta(hours=9)).isoformat(),
        "ends_at": (monday_10 + timedelta(hours=10)).isoformat(),
    }
    answer = admin_api.post(f"/api/v1/appointments/{first}/reschedule/", evening, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "outside_working_hours"


def test_a_confirmation_is_of_the_time_the_patient_was_told(book, monday_10, admin_api):
    first = book(monday_10).json()["id"]
    confirm_appointment(Appointment.objects.get(pk=first))
    longer = {
        "starts_at": monday_10.isoformat(),
        "ends_at": (monday_10 + timedelta(hours=1)).isoformat(),
    }
    kept = admin_api.post(f"/api/v1/appointments/{first}/reschedule/", longer, format="json")
    # The same start: still the time the patient confirmed.
    assert kept.status_code == 200 and kept.json()["confirmed_at"] is not None
    later = {
        "starts_at": (monday_10 + timedelta(hours=1)).isoformat(),
        "ends_at": (monday_10 + timedelta(hours=2)).isoformat(),
    }
    moved = admin_api.post(f"/api/v1/appointments/{first}/reschedule/", later, format="json")
    assert moved.status_code == 200 and moved.json()["confirmed_at"] is None


def test_a_cancelled_appointment_cannot_be_rescheduled(book, monday_10, admin_api):
    first = book(monday_10).json()["id"]
    admin_api.post(f"/api/v1/appointments/{first}/cancel/", {}, format="json")
    to = {
        "starts_at": monday_10.isoformat(),
        "ends_at": (monday_10 + timedelta(hours=1)).isoformat(),
    }
    answer = admin_api.post(f"/api/v1/appointments/{first}/reschedule/", to, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"


def test_the_database_itself_refuses_an_overlap(book, monday_10, patient, therapist, clinic):
    book(monday_10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            clinic=clinic,
            patient=patient,
            therapist=therapist,
            starts_at=monday_10,
            ends_at=monday_10 + timedelta(minutes=10),
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twelve_simultaneous_bookings_of_one_slot_book_exactly_one(
    admin, therapist, clinic, make_patient, monday_10
):
    patients = [make_patient(clinic, given_name=f"P{n}") for n in range(12)]
    barrier, statuses = threading.Barrier(len(patients)), []

    def book_for(patient):
        client = api_client(admin)
        barrier.wait()
        answer = client.post(
            "/api/v1/appointments/",
            {
                "patient": str(patient.id),
                "therapist": str(therapist.id),
                "starts_at": monday_10.isoformat(),
                "ends_at": (monday_10 + timedelta(minutes=45)).isoformat(),
            },
            format="json",
        )
        statuses.append((answer.status_code, answer.json().get("code")))
        connection.close()

    threads = [threading.Thread(target=book_for, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses, key=str) == [(201, None)] + [(409, "double_booked")] * 11
    assert Appointment.objects.count() == 1


def test_booking_rescheduling_and_cancelling_are_announced(book, monday_10, admin_api):
    heard = []

    def listener(signal, sender, appointment, **kwargs):
        heard.append((signal, appointment.status))

    for signal in (
        events.appointment_booked,
        events.appointment_rescheduled,
        events.appointment_cancelled,
    ):
        signal.connect(listener)
    try:
        first = book(monday_10).json()["id"]
        to = {
            "starts_at": (monday_10 + timedelta(hours=1)).isoformat(),
            "ends_at": (monday_10 + timedelta(hours=2)).isoformat(),
        }
        admin_api.post(f"/api/v1/appointments/{first}/reschedule/", to, format="json")
        admin_api.post(f"/api/v1/appointments/{first}/cancel/", {}, format="json")
    finally:
        for signal in (
            events.appointment_booked,
            events.appointment_rescheduled,
            events.appointment_cancelled,
        ):
            signal.disconnect(listener)
    assert heard == [
        (events.appointment_booked, "booked"),
        (events.appointment_rescheduled, "booked"),
        (events.appointment_cancelled, "cancelled"),
    ]


def test_filters_find_appointments_by_therapist_patient_time_and_status(
    book, monday_10, admin_api, clinic, make_patient, therapist
):
    first = book(monday_10).json()["id"]
    ben = make_patient(clinic, given_name="Ben")
    later = book(monday_10 + timedelta(days=1), patient=ben).json()["id"]
    complete_appointment(Appointment.objects.get(pk=first))

    def ids(**query):
        return [a["id"] for a in admin_api.get("/api/v1/appointments/", query).json()["results"]]

    assert ids(therapist=therapist.id) == [first, later]
    assert ids(patient=ben.id) == [later]
    assert ids(start=(monday_10 + timedelta(hours=1)).isoformat()) == [later]
    assert ids(end=(monday_10 + timedelta(hours=1)).isoformat()) == [first]
    assert ids(status="completed") == [first]
    assert admin_api.get("/api/v1/appointments/", {"status": "lost"}).status_code == 400


def test_another_clinics_appointments_are_invisible(
    book, monday_10, other_admin_api, other_patient
):
    mine = book(monday_10).json()["id"]
    assert other_admin_api.get(f"/api/v1/appointments/{mine}/").status_code == 404
    assert (
        other_admin_api.post(f"/api/v1/appointments/{mine}/cancel/", {}, format="json").status_code
        == 404
    )
    assert other_admin_api.get("/api/v1/appointments/").json()["results"] == []
    assert book(monday_10, patient=other_patient).status_code == 400  # not found in this clinic


def test_the_list_runs_the_same_queries_for_1_or_200_rows(
    book, monday_10, admin_api, clinic, make_patient
):
    for n in range(6):
        book(
            monday_10 + timedelta(days=n // 3, hours=n % 3),
            patient=make_patient(clinic, given_name=f"P{n}"),
        )
    counts = [queries(admin_api, "/api/v1/appointments/", {"page_size": n}) for n in (1, 200)]
    assert counts[0] == counts[1]


def test_an_appointment_in_another_patients_course_is_400(
    book, monday_10, clinic, make_patient, therapist
):
    other = make_patient(clinic, given_name="Grace")
    course = TreatmentCourse.objects.create(
        clinic=clinic,
        patient=other,
        therapist=therapist,
        indication="Neck pain",
        earliest_start=monday_10,
    )
    answer = book(monday_10, course=course)
    assert answer.status_code == 400
    assert answer.json() == {"course": ["That course is another patient's."]}
    assert not Appointment.objects.exists()


def test_a_move_onto_a_taken_time_leaves_the_appointment_as_it_was(
    book, monday_10, make_patient, clinic
):
    book(monday_10, patient=make_patient(clinic, given_name="Ben"))
    later = Appointment.objects.get(pk=book(monday_10 + timedelta(hours=2)).json()["id"])
    confirm_appointment(later)
    as_stored = (later.starts_at, later.ends_at, later.confirmed_at)
    with pytest.raises(Conflict):
        reschedule_appointment(
            later, starts_at=monday_10, ends_at=monday_10 + timedelta(minutes=45)
        )
    # The caller shows this instance again (the week snaps back): it must not show the refusal.
    assert (later.starts_at, later.ends_at, later.confirmed_at) == as_stored
    later.refresh_from_db()
    assert (later.starts_at, later.ends_at, later.confirmed_at) == as_stored


def test_a_cancellation_made_while_the_appointment_is_moved_is_seen_not_written_over(
    book, monday_10
):
    booked = book(monday_10).json()["id"]
    as_the_move_read_it = Appointment.objects.get(pk=booked)
    cancel_appointment(Appointment.objects.get(pk=booked), reason="Texted X")  # meanwhile
    later = monday_10 + timedelta(hours=2)
    with pytest.raises(Conflict) as refused:
        reschedule_appointment(
            as_the_move_read_it, starts_at=later, ends_at=later + timedelta(minutes=45)
        )
    assert refused.value.code == "invalid_state" and "cancelled" in refused.value.detail
    stored = Appointment.objects.get(pk=booked)
    assert (stored.status, stored.starts_at, stored.cancel_reason) == (
        "cancelled",
        monday_10,
        "Texted X",
    )


def test_two_cancellations_at_once_cancel_once_and_tell_the_patient_once(book, monday_10):
    booked = book(monday_10).json()["id"]
    first, second = Appointment.objects.get(pk=booked), Appointment.objects.get(pk=booked)
    cancel_appointment(first, reason="By the clinic")
    with pytest.raises(Conflict):
        cancel_appointment(second, reason="By SMS")
    assert Appointment.objects.get(pk=booked).cancel_reason == "By the clinic"
    notices = Notification.objects.filter(appointment=booked, kind="appointment_cancelled")
    assert notices.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_course_cancelled_while_an_appointment_is_booked_into_it_keeps_none(
    admin, patient, therapist, monday_10
):
    """The booking holds the course until it commits; the cancellation waits for it, then
    sees the new appointment and cancels it too."""
    course = (
        api_client(admin)
        .post(
            "/api/v1/courses/",
            course_body(patient, therapist, auto_schedule=False),
            format="json",
        )
        .json()
    )
    booking, go, failures = threading.Event(), threading.Event(), []

    def book_into_the_course():
        try:
            with transaction.atomic():
                book_appointment(
                    clinic=patient.clinic,
                    patient=patient,
                    therapist=therapist,
                    course=TreatmentCourse.objects.get(pk=course["id"]),
                    starts_at=monday_10,
                    ends_at=monday_10 + timedelta(minutes=45),
                )
                booking.set()
                assert go.wait(10)  # until the cancellation waits on a lock
        except Exception as failure:
            failures.append(repr(failure))
        finally:
            connection.close()

    def cancel():
        try:
            cancel_course(TreatmentCourse.objects.get(pk=course["id"]))
        except Exception as failure:
            failures.append(repr(failure))
        finally:
            connection.close()

    threads = [threading.Thread(target=book_into_the_course), threading.Thread(target=cancel)]
    threads[0].start()
    assert booking.wait(10)
    threads[1].start()
    wait_until(lambda: waiting_on_a_lock() == 1, 10, "the cancellation waiting on a lock")
    go.set()
    for thread in threads:
        thread.join()
    assert failures == []
    assert TreatmentCourse.objects.get(pk=course["id"]).status == "cancelled"
    assert not Appointment.objects.filter(course=course["id"], status="booked").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_course_cancelled_while_one_of_its_appointments_moves_waits_for_the_move(
    admin, start_course, monkeypatch
):
    """The move holds the appointment and then asks for the course; the cancellation asks for
    the course's appointments first, so it waits for the move instead of holding the course
    the move needs (which PostgreSQL ended as a deadlock: a server error for one of them)."""
    from sessions.scheduling import services

    course = start_course()  # from a morning, so its first session may move an hour on
    first = Appointment.objects.filter(course=course["id"]).order_by("starts_at").first()
    holding, go, answers = threading.Event(), threading.Event(), {}
    working_hours_rule = services._check_within_working_hours

    def pausing_with_the_appointment_locked(*args):
        if threading.current_thread().name == "move":
            holding.set()
            assert go.wait(10)  # until the cancellation has asked for its locks
        return working_hours_rule(*args)

    monkeypatch.setattr(
        services, "_check_within_working_hours", pausing_with_the_appointment_locked
    )

    def post(name: str, path: str, body: dict) -> None:
        try:
            answers[name] = api_client(admin).post(path, body, format="json").status_code
        finally:
            connection.close()

    later = first.starts_at + timedelta(hours=1)
    move = threading.Thread(
        name="move",
        target=post,
        args=(
            "move",
            f"/api/v1/appointments/{first.pk}/reschedule/",
            {
                "starts_at": later.isoformat(),
                "ends_at": (later + timedelta(minutes=45)).isoformat(),
            },
        ),
    )
    cancel = threading.Thread(
        target=post, args=("cancel", f"/api/v1/courses/{course['id']}/cancel/", {})
    )
    move.start()
    assert holding.wait(10)
    cancel.start()
    wait_until(lambda: waiting_on_a_lock() == 1, 10, "the cancellation waiting on a lock")
    go.set()
    for thread in (move, cancel):
        thread.join()
    assert answers == {"move": 200, "cancel": 200}
    assert not Appointment.objects.filter(course=course["id"], status="booked").exists()


def test_an_appointment_of_a_therapist_who_left_moves_to_no_other_time(
    admin_api, book, monday_10, therapist
):
    first = book(monday_10).json()["id"]
    therapist.is_active = False
    therapist.save()
    tuesday_10 = monday_10 + timedelta(days=1)
    answer = admin_api.post(
        f"/api/v1/appointments/{first}/reschedule/",
        {
            "starts_at": tuesday_10.isoformat(),
            "ends_at": (tuesday_10 + timedelta(minutes=45)).isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
    assert "no longer works here" in answer.json()["detail"]
    assert Appointment.objects.get(pk=first).starts_at == monday_10


def test_a_therapist_who_left_is_booked_by_no_door(admin_api, book, monday_10, therapist, patient):
    therapist.is_active = False
    therapist.save()
    booking = book(monday_10)
    course = admin_api.post(
        "/api/v1/courses/",
        {"patient": str(patient.id), "therapist": str(therapist.id), "indication": "Neck pain"},
        format="json",
    )
    for answer in (booking, course):
        assert answer.status_code == 400
        assert "no longer works here" in answer.json()["therapist"][0]
    assert not Appointment.objects.exists() and not TreatmentCourse.objects.exists()


def test_a_therapist_moved_to_another_clinic_is_busy_there_at_the_old_ones_times_and_no_more(
    book, monday_10, therapist, other_clinic, other_admin_api, make_patient
):
    """A person is in one place at a time: the appointments the old clinic keeps (to cancel)
    take the moved therapist's time in the new one, which learns that the time is taken and
    nothing else, as for any booking of its own."""
    afternoon = monday_10 + timedelta(hours=5)  # 10:00 in the new clinic, New York: open hours
    assert book(afternoon).status_code == 201
    update_staff(therapist, clinic=other_clinic)
    theirs = make_patient(other_clinic, given_name="Ben")
    answer = book(afternoon, api=other_admin_api, patient=theirs)
    assert answer.status_code == 409
    assert answer.json() == {
        "code": "double_booked",
        "detail": "The therapist already has an appointment at that time.",
    }
    assert (
        book(afternoon + timedelta(hours=1), api=other_admin_api, patient=theirs).status_code == 201
    )
