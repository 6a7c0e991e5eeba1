"""A form sent twice (a tap repeated on a slow tablet, a browser sending again) makes one
record: each form that writes carries a one-time token, and a repeat goes where the first
went, changing nothing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aftercare.models import Notification
from sessions.models import Addendum, NeedlingSession, SideEffect, TreatmentCourse
from sessions.records.services import log_session, sign_session
from tests import bodies
from tests.bodies import site, typed
from tests.moments import tomorrow_at

pytestmark = pytest.mark.django_db


def token_of(page: str) -> str:
    return re.search(r'name="submission" value="([0-9a-f]+)"', page).group(1)


def twice(client, path: str, data: dict) -> list:
    return [client.post(path, data) for _ in range(2)]


def test_a_session_sent_twice_is_logged_once_and_its_patient_told_once(signed_in, patient, cleared):
    path = f"/patients/{patient.pk}/session/"
    started = timezone.now() - timedelta(minutes=40)
    form = bodies.session_form(started, ended_at=typed(started + timedelta(minutes=35)))
    form |= {"needles_removed": 2, "sign": "1", "submission": token_of(signed_in.get(path).text)}
    first, again = twice(signed_in, path, form)
    session = NeedlingSession.objects.get()
    assert first["Location"] == again["Location"] == f"/sessions/{session.pk}/"
    assert Notification.objects.filter(kind="aftercare_immediate").count() == 1


@pytest.fixture
def appointment_form(patient, cleared, book):
    """An appointment that began 45 minutes ago, its session form's address, and the form
    filled in for a session of its first 30 minutes."""
    appointment = book(patient, timezone.now() - timedelta(minutes=45))
    path = f"/patients/{patient.pk}/appointments/{appointment.pk}/session/"
    started = appointment.starts_at
    form = bodies.session_form(started, ended_at=typed(started + timedelta(minutes=30)))
    return appointment, path, form


def test_a_session_of_an_appointment_sent_twice_is_logged_once(signed_in, appointment_form):
    """The appointment's own form, whose address is longer than any other's."""
    appointment, path, form = appointment_form
    form["submission"] = token_of(signed_in.get(path).text)
    first = signed_in.post(path, form)
    again = signed_in.post(path, form, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    # A repeat, not a second session from another device: nothing to tell the therapist.
    assert "already logged" not in again.text
    assert NeedlingSession.objects.filter(appointment=appointment).count() == 1


def test_a_course_confirmed_twice_is_booked_once(signed_in, patient, therapist):
    tomorrow = tomorrow_at(9)
    fields = {
        "patient": patient.pk,
        "therapist": therapist.pk,
        "indication": "Plantar fasciitis",
        "planned_sessions": 3,
        "minutes": 30,
        "min_gap_days": 2,
        "max_gap_days": 7,
        "starts_at": typed(tomorrow),
    }
    proposal = signed_in.post("/courses/new/", fields | {"propose": ""}).text
    confirmed = fields | {"confirm": "", "submission": token_of(proposal)}
    first, again = twice(signed_in, "/courses/new/", confirmed)
    assert first.status_code == again.status_code == 302
    course = TreatmentCourse.objects.get()
    assert course.appointments.count() == 3


def test_a_side_effect_or_an_addendum_sent_twice_is_recorded_once(signed_in, logged_today):
    _, session = logged_today
    note = signed_in.get(f"/sessions/{session.pk}/").text
    twice(
        signed_in,
        f"/sessions/{session.pk}/addenda/",
        {"text": "Phoned: all well", "submission": token_of(note)},
    )
    form = signed_in.get(f"/sessions/{session.pk}/side-effect/").text
    report = {"kind": "bruising", "severity": "mild", "submission": token_of(form)}
    twice(signed_in, f"/sessions/{session.pk}/side-effect/", report)
    assert (Addendum.objects.count(), SideEffect.objects.count()) == (1, 1)


def test_a_form_refused_and_sent_again_corrected_is_saved(signed_in, patient, cleared):
    """The token of a refused form is not spent: its correction, sent with it, goes through."""
    path = f"/patients/{patient.pk}/session/"
    started = timezone.now() - timedelta(minutes=40)
    form = bodies.session_form(started, submission=token_of(signed_in.get(path).text))
    refused = signed_in.post(path, form | {"ended_at": typed(started - timedelta(minutes=5))})
    assert refused.status_code == 200 and token_of(refused.text) == form["submission"]
    assert signed_in.post(path, form).status_code == 302
    assert NeedlingSession.objects.count() == 1


def test_two_sessions_from_two_showings_of_the_form_are_both_logged(signed_in, patient, cleared):
    """Each showing of the form is a submission of its own: two sessions entered one after
    the other are two sessions, not a repeat."""
    path = f"/patients/{patient.pk}/session/"
    for minutes_ago in (100, 40):
        started = timezone.now() - timedelta(minutes=minutes_ago)
        form = bodies.session_form(started, ended_at=typed(started + timedelta(minutes=30)))
        form["submission"] = token_of(signed_in.get(path).text)
        assert signed_in.post(path, form).status_code == 302
    assert NeedlingSession.objects.count() == 2


def test_an_edit_of_a_draft_signed_meanwhile_says_so_and_gives_back_the_notes(
    signed_in, therapist, patient, cleared
):
    started = timezone.now() - timedelta(minutes=40)
    session = log_session(
        clinic=patient.clinic,
        actor=therapist,
        patient=patient,
        started_at=started,
        ended_at=started + timedelta(minutes=30),
        sites=[site()],
        needles_removed=2,
    )
    edit = bodies.session_form(started, notes="Felt faint after the second needle")
    sign_session(session, actor=therapist)  # on another device, before this edit arrives
    page = signed_in.post(f"/sessions/{session.pk}/edit/", edit, follow=True).text
    assert "The session was signed meanwhile: what you sent was not saved." in page
    assert "Felt faint after the second needle" in page


def test_a_second_session_for_an_appointment_says_so_and_gives_back_the_notes(
    signed_in, appointment_form
):
    appointment, path, first = appointment_form
    assert signed_in.post(path, first).status_code == 302
    second = first | {"notes": "Bleeding at the site"}  # from another tablet
    page = signed_in.post(path, second, follow=True).text
    assert "A session is already logged for this appointment" in page
    assert "Bleeding at the site" in page
    assert NeedlingSession.objects.filter(appointment=appointment).count() == 1


def test_a_form_sent_with_a_token_the_app_did_not_make_is_saved_as_any_other(
    signed_in, patient, cleared
):
    """An odd token (a NUL, a very long one) is no token: the form is saved, not a 500."""
    path = f"/patients/{patient.pk}/session/"
    started = timezone.now() - timedelta(minutes=40)
    form = bodies.session_form(started, ended_at=typed(started + timedelta(minutes=30)))
    for odd in ("a\x00b", "f" * 300):
        assert signed_in.post(path, form | {"submission": odd}).status_code == 302
    assert NeedlingSession.objects.count() == 2


def test_a_move_sent_twice_moves_the_appointment_once_and_tells_the_patient_once(
    signed_in, patient, book
):
    """A move carries no token: sent again, it moves the appointment to the time it already
    has, and its notice, keyed by that time, is planned once."""
    appointment = book(patient, tomorrow_at(10))
    path = f"/calendar/appointments/{appointment.pk}/reschedule/"
    first, again = [
        signed_in.post(path, {"starts_at": typed(tomorrow_at(14))}, headers={"HX-Request": "true"})
        for _ in range(2)
    ]
    assert first.status_code == again.status_code == 200
    appointment.refresh_from_db()
    assert appointment.starts_at == tomorrow_at(14)
    notices = Notification.objects.filter(appointment=appointment, kind="appointment_rescheduled")
    assert notices.count() == 1
