"""Logging, correcting, signing and annotating needling sessions."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from aftercare.models import Notification
from clinic.models import Room
from core.errors import RuleViolation
from sessions import events
from sessions.models import (
    Appointment,
    ElectricalStimulation,
    NeedleSite,
    NeedlingSession,
)
from tests.bodies import course_body, site, stimulation
from tests.query_counts import queries

pytestmark = pytest.mark.django_db


def nothing_written():
    return (
        NeedlingSession.objects.count(),
        NeedleSite.objects.count(),
        ElectricalStimulation.objects.count(),
    ) == (0, 0, 0)


def log(api, body):
    return api.post("/api/v1/sessions/", body, format="json")


def test_a_therapist_logs_a_realistic_session(therapist_api, cleared, session_body, therapist):
    body = session_body(
        sites=[
            site(technique="electrical"),
            site(side="right", technique="electrical"),
            site(muscle="soleus", technique="superficial", depth="superficial", depth_mm="8.0"),
        ],
        electrical=[stimulation(0, 1)],
    )
    answer = log(therapist_api, body)
    assert answer.status_code == 201, answer.json()
    session = answer.json()
    assert (session["status"], session["therapist"], session["screening"]) == (
        "draft",
        str(therapist.id),
        str(cleared.id),
    )
    assert [s["muscle"] for s in session["sites"]] == ["gastrocnemius", "gastrocnemius", "soleus"]
    assert session["sites"][2]["depth_mm"] == "8.0"
    assert session["electrical"][0]["site_indexes"] == [0, 1]
    assert session["electrical"][0]["waveform"] == "biphasic"
    assert (session["pain_before"], session["pain_after"], session["heat_advised"]) == (7, 4, True)
    assert session["warnings"] == [] and session["addenda"] == []


@pytest.mark.parametrize(
    "answers, fields, code",
    [
        (None, {}, "screening_required"),
        ({"needle_phobia": True}, {}, "not_cleared"),
        (
            {"local_infection_regions": [{"region": "knee_leg", "side": "left"}]},
            {},
            "region_excluded",
        ),
        (
            {"implanted_device_regions": [{"region": "thorax", "side": "left"}]},
            {
                "sites": [site(technique="electrical"), site(side="right", technique="electrical")],
                "electrical": [stimulation()],
            },
            "technique_excluded",
        ),
        ({"diabetes": True}, {}, "precaution_not_acknowledged"),
    ],
)
def test_the_screening_stands_between_the_patient_and_the_needle(
    therapist_api, screen, patient, session_body, answers, fields, code
):
    if answers is not None:
        screen(patient, **answers)
    answer = log(therapist_api, session_body(**fields))
    assert answer.status_code == 400
    assert answer.json()["code"] == code
    assert nothing_written()


def test_an_acknowledged_precaution_lets_the_session_through(
    therapist_api, screen, patient, session_body
):
    screen(patient, diabetes=True)
    assert (
        log(therapist_api, session_body(precautions_acknowledged=["diabetes"])).status_code == 201
    )


def test_an_uncertified_therapist_cannot_log(cleared, session_body, therapist):
    # Lapsed well before the session, which started an hour ago: the day before, near midnight.
    therapist.dn_certified_until = date.today() - timedelta(days=30)
    therapist.save()
    from tests.accounts import api_client

    answer = log(api_client(therapist), session_body())
    assert answer.json()["code"] == "therapist_not_certified" and nothing_written()


def test_a_patient_found_to_have_been_under_18_when_screened_is_not_needled_without_a_guardian(
    therapist_api, admin_api, cleared, patient, session_body
):
    """The date of birth is corrected after an adult's screening, which named no guardian."""
    thirteen = {"date_of_birth": str(date.today() - timedelta(days=5000))}
    corrected = admin_api.patch(f"/api/v1/patients/{patient.id}/", thirteen, format="json")
    assert corrected.status_code == 200, corrected.json()
    answer = log(therapist_api, session_body())
    assert (answer.status_code, answer.json()["code"]) == (400, "guardian_consent_required")
    assert "screen again with the guardian" in answer.json()["detail"]
    assert nothing_written()


def test_a_midline_site_of_a_paired_muscle_is_refused_by_its_side(
    therapist_api, cleared, session_body
):
    answer = log(therapist_api, session_body(sites=[site(), site("pectoralis_major", "midline")]))
    assert answer.status_code == 400
    paired = "The pectoralis major is paired: name its side (left or right), or bilateral."
    assert answer.json()["sites"] == {"1": {"side": [paired]}}  # the second site, by its side
    assert nothing_written()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"sites": [site(depth="superficial", depth_mm="12.0")]}, "sites"),
        ({"sites": [site(muscle="gluteus_maximum")]}, "sites"),
        ({"sites": [site(side="top")]}, "sites"),
        ({"sites": [site(technique="acupuncture")]}, "sites"),
        ({"sites": [site(needle_count=0)]}, "sites"),
        ({"sites": []}, "sites"),
        (
            {"sites": [site(technique="electrical")], "electrical": [stimulation(0, 5)]},
            "electrical",
        ),
        (
            {"sites": [site(technique="electrical")] * 2, "electrical": [stimulation(1, 1)]},
            "electrical",
        ),
        ({"electrical": [stimulation(0, 1)]}, "electrical"),  # the sites are not electrical
        (
            {
                "sites": [site(technique="electrical")] * 2,
                "electrical": [stimulation(frequency_hz="200.0")],
            },
            "electrical",
        ),
        (
            {
                "sites": [site(technique="electrical")] * 2,
                "electrical": [stimulation(intensity_ma="0.0")],
            },
            "electrical",
        ),
        (
            {
                "sites": [site(technique="electrical")] * 2,
                "electrical": [stimulation(waveform="square")],
            },
            "electrical",
        ),
        (
            {
                "sites": [site(technique="electrical")] * 2,
                "electrical": [stimulation(duration_minutes=61)],
            },
            "electrical",
        ),
        (
            {
                "sites": [
                    site("pectoralis_major", "left", "electrical"),
                    site("pectoralis_major", "right", "electrical"),
                ],
                "electrical": [stimulation()],
            },
            "electrical",
        ),  # current across the chest
        ({"pain_before": 11}, "pain_before"),
        ({"pain_after": -1}, "pain_after"),
        ({"ended_at": "2020-01-01T00:00:00Z"}, "ended_at"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"precautions_acknowledged": ["luck"]}, "precautions_acknowledged"),
    ],
)
def test_impossible_sessions_are_400_and_leave_nothing(
    therapist_api, cleared, session_body, fields, field
):
    answer = log(therapist_api, session_body(**fields))
    assert answer.status_code == 400
    assert field in answer.json(), answer.json()
    assert nothing_written()


def test_a_session_in_an_appointment_completes_it(
    therapist_api, cleared, session_body, book, monday_10, admin_api
):
    appointment_id = book(monday_10).json()["id"]
    answer = log(therapist_api, session_body(appointment=appointment_id))
    assert answer.status_code == 201
    assert Appointment.objects.get(pk=appointment_id).status == "completed"
    again = log(therapist_api, session_body(appointment=appointment_id))
    assert again.status_code == 400 and "appointment" in again.json()


def test_a_patient_treated_before_their_appointment_is_not_reminded_of_it(
    therapist_api, cleared, session_body, book, monday_10
):
    appointment_id = book(monday_10).json()["id"]  # next Monday; they came in today
    reminder = Notification.objects.get(appointment=appointment_id, kind="appointment_reminder")
    assert reminder.status == "pending"
    assert log(therapist_api, session_body(appointment=appointment_id)).status_code == 201
    reminder.refresh_from_db()
    assert reminder.status == "cancelled"


def test_a_draft_deleted_books_its_appointment_again_and_reminds_the_patient_again(
    therapist_api, cleared, session_body, book, monday_10
):
    appointment_id = book(monday_10).json()["id"]
    draft = log(therapist_api, session_body(appointment=appointment_id, ended_at=None)).json()
    assert therapist_api.delete(f"/api/v1/sessions/{draft['id']}/").status_code == 204
    assert Appointment.objects.get(pk=appointment_id).status == "booked"
    reminders = Notification.objects.filter(appointment=appointment_id, kind="appointment_reminder")
    assert sorted(reminders.values_list("status", flat=True)) == ["cancelled", "pending"]
    assert {r.send_at for r in reminders} == {monday_10 - timedelta(days=1)}


@pytest.mark.parametrize("ended_as", ["cancel", "no-show"])
def test_no_session_is_logged_in_a_cancelled_or_missed_appointment(
    therapist_api, admin_api, cleared, session_body, book, monday_10, begin, ended_as
):
    appointment_id = book(monday_10).json()["id"]
    begin(appointment_id)
    assert admin_api.post(f"/api/v1/appointments/{appointment_id}/{ended_as}/").status_code == 200
    answer = log(therapist_api, session_body(appointment=appointment_id))
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
    assert nothing_written()


def test_another_patients_appointment_is_refused(
    therapist_api, cleared, session_body, book, monday_10, clinic, make_patient
):
    theirs = book(monday_10, patient=make_patient(clinic, given_name="Ben")).json()["id"]
    answer = log(therapist_api, session_body(appointment=theirs))
    assert answer.status_code == 400 and "appointment" in answer.json()
    assert Appointment.objects.get(pk=theirs).status == "booked"


@pytest.mark.parametrize(
    "sites, electrical, codes",
    [
        ([site("upper_trapezius")], [], ["pneumothorax_risk"]),
        ([site("upper_trapezius", depth="superficial", depth_mm="5.0")], [], []),
        (
            [
                site("rhomboids", "left", depth="superficial", depth_mm="5.0"),
                site("serratus_anterior", "right", depth="superficial", depth_mm="5.0"),
            ],
            [],
            ["bilateral_thorax"],
        ),
        ([site(needle_count=21)], [], ["many_needles"]),
        ([site(needle_count=20)], [], []),
        (
            [site(technique="electrical"), site(side="right", technique="electrical")],
            [stimulation(duration_minutes=31)],
            ["long_stimulation"],
        ),
    ],
)
def test_risky_but_allowed_needling_carries_warnings(
    therapist_api, cleared, session_body, sites, electrical, codes
):
    answer = log(therapist_api, session_body(sites=sites, electrical=electrical))
    assert answer.status_code == 201
    assert [w["code"] for w in answer.json()["warnings"]] == codes
    assert all(w["message"] for w in answer.json()["warnings"])


def test_a_draft_is_corrected_and_its_sites_replaced(therapist_api, cleared, session_body):
    session = log(therapist_api, session_body()).json()
    answer = therapist_api.patch(
        f"/api/v1/sessions/{session['id']}/",
        {"pain_after": 2, "sites": [site("soleus", "right")]},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["pain_after"] == 2
    assert [s["muscle"] for s in answer.json()["sites"]] == ["soleus"]
    assert NeedleSite.objects.count() == 1


@pytest.mark.parametrize(
    "change, missing",
    [
        ({"sites": [{"muscle": "soleus", "side": "left"}]}, ["technique", "depth"]),
        ({"electrical": [{"waveform": "burst"}]}, ["site_indexes", "frequency_hz"]),
    ],
)
def test_a_correction_gives_each_site_and_pair_whole(
    therapist_api, cleared, session_body, change, missing
):
    # A PATCH may leave fields of the session out, not of the sites or pairs it replaces
    # (a site without its depth was a 500: found by the schema fuzzer).
    session = log(therapist_api, session_body()).json()
    answer = therapist_api.patch(f"/api/v1/sessions/{session['id']}/", change, format="json")
    assert answer.status_code == 400
    [field] = change
    assert all(name in answer.json()[field]["0"] for name in missing)  # the first item's
    assert len(therapist_api.get(f"/api/v1/sessions/{session['id']}/").json()["sites"]) == 3


def test_a_correction_that_breaks_a_rule_changes_nothing(
    therapist_api, screen, patient, session_body
):
    screen(patient, lymphedema_regions=[{"region": "upper_arm", "side": "any"}])
    session = log(therapist_api, session_body()).json()
    answer = therapist_api.patch(
        f"/api/v1/sessions/{session['id']}/",
        {"pain_after": 0, "sites": [site("biceps_brachii")]},
        format="json",
    )
    assert answer.status_code == 400 and answer.json()["code"] == "region_excluded"
    kept = therapist_api.get(f"/api/v1/sessions/{session['id']}/").json()
    assert kept["pain_after"] == 4 and len(kept["sites"]) == 3


def test_signing_locks_the_record_and_addenda_still_append(
    therapist_api, admin_api, cleared, session_body, therapist
):
    session_id = log(therapist_api, session_body(needles_removed=6)).json()["id"]
    signed = therapist_api.post(f"/api/v1/sessions/{session_id}/sign/")
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert signed.json()["signed_by"] == str(therapist.id) and signed.json()["signed_at"]
    for api in (therapist_api, admin_api):
        patch = api.patch(f"/api/v1/sessions/{session_id}/", {"notes": "changed"}, format="json")
        assert patch.status_code == 409 and patch.json()["code"] == "session_signed"
        delete = api.delete(f"/api/v1/sessions/{session_id}/")
        assert delete.status_code == 409 and delete.json()["code"] == "session_signed"
    again = therapist_api.post(f"/api/v1/sessions/{session_id}/sign/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    note = admin_api.post(
        f"/api/v1/sessions/{session_id}/addenda/", {"text": "Called: no bruising."}, format="json"
    )
    assert note.status_code == 201
    shown = therapist_api.get(f"/api/v1/sessions/{session_id}/").json()
    assert [a["text"] for a in shown["addenda"]] == ["Called: no bruising."]
    assert shown["notes"] == "Taut band in the left calf; LTR elicited."


def test_an_unfinished_session_cannot_be_signed(therapist_api, cleared, session_body):
    session_id = log(therapist_api, session_body(ended_at=None)).json()["id"]
    answer = therapist_api.post(f"/api/v1/sessions/{session_id}/sign/")
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"


def test_the_database_refuses_to_change_a_signed_session(therapist_api, cleared, session_body):
    session_id = log(therapist_api, session_body(needles_removed=6)).json()["id"]
    assert therapist_api.post(f"/api/v1/sessions/{session_id}/sign/").status_code == 200
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedlingSession.objects.filter(pk=session_id).update(notes="quietly changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedleSite.objects.filter(session=session_id).update(needle_count=9)


def test_a_draft_can_be_deleted_and_its_appointment_is_booked_again(
    therapist_api, cleared, session_body, book, monday_10
):
    appointment_id = book(monday_10).json()["id"]
    session_id = log(therapist_api, session_body(appointment=appointment_id)).json()["id"]
    assert therapist_api.delete(f"/api/v1/sessions/{session_id}/").status_code == 204
    assert nothing_written()
    assert Appointment.objects.get(pk=appointment_id).status == "booked"


def test_therapists_log_as_themselves_only(
    therapist_api, admin_api, cleared, session_body, clinic, make_therapist, other_therapist
):
    colleague = make_therapist(clinic, "sam")
    answer = log(therapist_api, session_body(therapist=str(colleague.id)))
    assert answer.status_code == 403 and answer.json()["code"] == "permission_denied"
    assert nothing_written()
    assert log(admin_api, session_body(therapist=str(colleague.id))).status_code == 201
    foreign = log(admin_api, session_body(therapist=str(other_therapist.id)))
    assert foreign.status_code == 400 and "therapist" in foreign.json()


def test_a_therapist_cannot_correct_or_sign_a_colleagues_session(
    admin_api, cleared, session_body, therapist_api, clinic, make_therapist
):
    colleague = make_therapist(clinic, "sam")
    session_id = log(admin_api, session_body(therapist=str(colleague.id))).json()["id"]
    assert (
        therapist_api.patch(
            f"/api/v1/sessions/{session_id}/", {"notes": "x"}, format="json"
        ).status_code
        == 403
    )
    assert therapist_api.post(f"/api/v1/sessions/{session_id}/sign/").status_code == 403


def test_completion_and_deletion_are_announced(therapist_api, cleared, session_body):
    heard = []

    def listener(signal, sender, session, **kwargs):
        heard.append(signal)

    events.session_completed.connect(listener)
    events.session_deleted.connect(listener)
    try:
        session_id = log(therapist_api, session_body()).json()["id"]
        therapist_api.patch(f"/api/v1/sessions/{session_id}/", {"notes": "tidy"}, format="json")
        later = (NeedlingSession.objects.get().ended_at + timedelta(minutes=5)).isoformat()
        therapist_api.patch(f"/api/v1/sessions/{session_id}/", {"ended_at": later}, format="json")
        therapist_api.delete(f"/api/v1/sessions/{session_id}/")
    finally:
        events.session_completed.disconnect(listener)
        events.session_deleted.disconnect(listener)
    assert heard == [events.session_completed, events.session_completed, events.session_deleted]


def test_a_listener_that_fails_takes_the_whole_session_with_it(
    therapist_api, cleared, session_body, clinic
):
    def listener(sender, session, **kwargs):
        Room.objects.create(clinic=clinic, name="written by a listener")
        raise RuleViolation("listener_refused", "The aftercare plan could not be made.")

    events.session_completed.connect(listener)
    try:
        answer = log(therapist_api, session_body())
    finally:
        events.session_completed.disconnect(listener)
    assert answer.status_code == 400 and answer.json()["code"] == "listener_refused"
    assert nothing_written() and not Room.objects.exists()


def test_filters_by_patient_therapist_course_and_start(
    therapist_api, admin_api, screen, clinic, make_patient, session_body, patient
):
    ben = make_patient(clinic, given_name="Ben")
    screen(patient)
    screen(ben)
    mine = log(therapist_api, session_body()).json()["id"]
    five_days_ago = datetime.now(UTC) - timedelta(days=5)
    old = session_body(
        patient=str(ben.id),
        started_at=five_days_ago.isoformat(),
        ended_at=(five_days_ago + timedelta(minutes=40)).isoformat(),
    )
    bens = log(therapist_api, old)
    assert bens.json()["code"] == "screening_required"  # screened three days ago
    ids = [
        s["id"]
        for s in admin_api.get("/api/v1/sessions/", {"patient": patient.id}).json()["results"]
    ]
    assert ids == [mine]
    since = admin_api.get("/api/v1/sessions/", {"since": "2099-01-01T00:00:00Z"}).json()["results"]
    assert since == []


def test_another_clinic_cannot_see_or_touch_sessions(
    therapist_api, other_admin_api, cleared, session_body
):
    session_id = log(therapist_api, session_body()).json()["id"]
    for method, path in [
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("post", "sign/"),
        ("post", "addenda/"),
    ]:
        answer = getattr(other_admin_api, method)(
            f"/api/v1/sessions/{session_id}/{path}", {"text": "x"}, format="json"
        )
        assert answer.status_code == 404
    assert other_admin_api.get("/api/v1/sessions/").json()["results"] == []


def test_the_session_list_costs_the_same_queries_for_1_or_200(therapist_api, cleared, session_body):
    for _ in range(4):
        body = session_body(
            sites=[site(technique="electrical"), site(side="right", technique="electrical")],
            electrical=[stimulation()],
        )
        session_id = log(therapist_api, body).json()["id"]
        therapist_api.post(f"/api/v1/sessions/{session_id}/addenda/", {"text": "ok"}, format="json")
    counts = [queries(therapist_api, "/api/v1/sessions/", {"page_size": n}) for n in (1, 200)]
    assert counts[0] == counts[1]


def test_the_admin_signs_drafts_and_shows_signed_sessions_read_only(
    admin, admin_api, therapist_api, cleared, session_body
):
    # Only a session's own therapist signs it (api.md 1.1): the administrator signs the session
    # they gave, and is told why the therapist's stays a draft.
    admin.dn_certified_until = date.today() + timedelta(days=30)
    admin.save()
    own = log(admin_api, session_body(needles_removed=6)).json()["id"]
    colleagues = log(therapist_api, session_body(needles_removed=6)).json()["id"]
    site = Client()
    site.force_login(admin)
    answer = site.post(
        "/admin/needling/needlingsession/",
        {"action": "sign_drafts", "_selected_action": [own, colleagues]},
        follow=True,
    )
    assert answer.status_code == 200
    assert NeedlingSession.objects.get(pk=own).status == "signed"
    assert NeedlingSession.objects.get(pk=colleagues).status == "draft"
    shown = [str(message) for message in answer.context["messages"]]
    assert any("Only the session's own therapist may sign it." in m for m in shown), shown
    page = site.get(f"/admin/needling/needlingsession/{own}/change/").content.decode()
    assert 'name="_save"' not in page


def test_a_treated_patient_cannot_be_deleted(
    admin_api, therapist_api, cleared, session_body, patient
):
    log(therapist_api, session_body())
    answer = admin_api.delete(f"/api/v1/patients/{patient.id}/")
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
    assert admin_api.get(f"/api/v1/patients/{patient.id}/").status_code == 200


def test_a_session_ends_after_it_starts_in_its_own_patients_course(
    therapist_api, cleared, session_body, admin_api, clinic, make_patient, therapist
):
    ben = make_patient(clinic, given_name="Ben")
    theirs = admin_api.post(
        "/api/v1/courses/",
        course_body(ben, therapist, auto_schedule=False),
    ).json()["id"]
    body = session_body(course=theirs)
    body["ended_at"] = body["started_at"]
    answer = log(therapist_api, body)
    assert answer.status_code == 400
    assert {"course", "ended_at"} <= set(answer.json())
    assert nothing_written()


def test_a_session_goes_only_into_a_course_that_goes_on_and_has_room(
    therapist_api, cleared, session_body, admin_api, start_course
):
    """The course's own rule, as for a booking into it: a cancelled course takes nothing more,
    and a course of one session logged once is completed (and then full)."""
    courses = [start_course(auto_schedule=False, planned_sessions=1)["id"] for _ in range(2)]
    admin_api.post(f"/api/v1/courses/{courses[0]}/cancel/")
    assert log(therapist_api, session_body(course=courses[1])).status_code == 201
    for course in courses:
        answer = log(therapist_api, session_body(course=course))
        assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
    assert NeedlingSession.objects.count() == 1


def test_a_course_counts_every_session_logged_in_it_however_it_came(
    therapist_api, cleared, session_body, start_course, book, monday_10
):
    """A course of one session, its draft logged: it is full, for a session without an
    appointment and for one in an appointment outside the course alike."""
    course = start_course(auto_schedule=False, planned_sessions=1)["id"]
    assert log(therapist_api, session_body(course=course, ended_at=None)).status_code == 201
    elsewhere = book(monday_10).json()["id"]
    for body in (session_body(course=course), session_body(course=course, appointment=elsewhere)):
        answer = log(therapist_api, body)
        assert (answer.status_code, answer.json()["code"]) == (409, "invalid_state")
        assert "All 1 sessions" in answer.json()["detail"]
    assert NeedlingSession.objects.count() == 1


def test_a_draft_taken_out_of_its_courses_appointment_needs_a_place_of_its_own(
    therapist_api, cleared, session_body, start_course, book, monday_10, begin
):
    """A course of one session, its draft logged in the course's appointment: moved out of the
    appointment (which stays done and keeps its place), the draft would be the course's second
    session, and is refused."""
    course = start_course(auto_schedule=False, planned_sessions=1)["id"]
    appointment = book(monday_10, course=course).json()["id"]
    begin(appointment)
    draft = log(therapist_api, session_body(appointment=appointment, ended_at=None))
    assert draft.status_code == 201, draft.json()
    answer = therapist_api.patch(
        f"/api/v1/sessions/{draft.json()['id']}/", {"appointment": None}, format="json"
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "invalid_state")
    assert "All 1 sessions" in answer.json()["detail"]
    assert str(NeedlingSession.objects.get().appointment_id) == appointment
