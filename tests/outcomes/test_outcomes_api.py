"""Outcome measures over HTTP: NPRS and PSFS ratings, their filters, and a course's change."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import AuditEntry
from sessions.models import NeedlingSession, TreatmentCourse
from tests.query_counts import queries


@pytest.fixture
def make_course():
    def make(patient, indication="Chronic neck pain"):
        return TreatmentCourse.objects.create(
            clinic=patient.clinic,
            patient=patient,
            therapist=patient.clinic.staff.first(),
            indication=indication,
            earliest_start=timezone.now(),
        )

    return make


@pytest.fixture
def course(make_course, patient):
    return make_course(patient)


@pytest.fixture
def rate(therapist_api, patient, course):
    """POST a rating of `patient` in `course`; other fields may be overridden."""

    def rate(instrument="nprs", api=None, **fields):
        body = {"patient": str(patient.id), "course": str(course.id), "instrument": instrument}
        return (api or therapist_api).post("/api/v1/outcomes/", {**body, **fields}, format="json")

    return rate


def test_a_therapist_records_an_nprs_rating(rate, therapist, therapist_api, patient, course):
    answer = rate(score=7)
    assert answer.status_code == 201, answer.json()
    rating = answer.json()
    assert rating["score"] == 7 and isinstance(rating["score"], int)  # an integer (api.md)
    [listed] = therapist_api.get("/api/v1/outcomes/").json()["results"]
    assert isinstance(listed["score"], int)
    assert rating["items"] == []
    assert rating["reported_by"] == "therapist"
    assert rating["recorded_by"] == str(therapist.id)
    assert rating["patient"] == str(patient.id) and rating["course"] == str(course.id)
    assert rating["session"] is None
    assert AuditEntry.objects.filter(action="create", object_type="outcome_measure").count() == 1


def test_a_psfs_score_is_the_mean_of_its_activities(rate):
    items = [
        {"activity": "Reaching overhead", "score": 3},
        {"activity": "Turning the head to drive", "score": 4},
        {"activity": "Sleeping on the left side", "score": 6},
    ]
    answer = rate("psfs", items=items, reported_by="patient")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["score"] == pytest.approx(4.33)
    assert answer.json()["items"] == items
    assert answer.json()["reported_by"] == "patient"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"score": 11}, "score"),
        ({"score": 6.5}, "score"),
        ({"score": "nan"}, "score"),
        ({}, "score"),
        ({"instrument": "vas", "score": 3}, "instrument"),
        ({"instrument": "psfs", "items": []}, "items"),
        ({"instrument": "psfs", "score": 5, "items": [{"activity": "Run", "score": 5}]}, "score"),
        ({"instrument": "psfs", "items": [{"activity": "Run", "score": 12}]}, "items"),
        (
            {"instrument": "psfs", "items": [{"activity": f"a{n}", "score": 1} for n in range(6)]},
            "items",
        ),
        ({"score": 4, "items": [{"activity": "Run", "score": 5}]}, "items"),
        ({"score": 4, "recorded_at": "2999-01-01T00:00:00Z"}, "recorded_at"),
        # Backdated past the entry window, it would become the course's baseline.
        ({"score": 2, "recorded_at": "1900-01-01T00:00:00Z"}, "recorded_at"),
    ],
)
def test_a_bad_rating_is_a_field_error_and_nothing_is_kept(rate, fields, field):
    answer = rate(**fields)
    assert answer.status_code == 400
    assert field in answer.json()
    assert not AuditEntry.objects.filter(object_type="outcome_measure").exists()


def test_a_device_clock_a_minute_ahead_is_not_a_rating_from_the_future(rate):
    ahead = timezone.now() + timedelta(minutes=1)
    assert rate(score=4, recorded_at=ahead.isoformat()).status_code == 201
    an_hour_ahead = timezone.now() + timedelta(hours=1)
    assert rate(score=4, recorded_at=an_hour_ahead.isoformat()).status_code == 400


def test_course_and_session_must_be_the_patients(
    rate, make_course, make_patient, clinic, log_session, screen
):
    someone_else = make_patient(clinic, given_name="Bob")
    answer = rate(score=3, course=str(make_course(someone_else).id))
    assert answer.json() == {"course": ["That course is another patient's."]}
    screen(someone_else)
    theirs = log_session(patient=str(someone_else.id))
    answer = rate(score=3, session=theirs["id"])
    assert answer.json() == {"session": ["That session is another patient's."]}
    session = log_session()
    assert rate(score=3, session=session["id"]).status_code == 201


def test_another_clinics_patient_course_or_rating_does_not_exist(
    rate, other_admin_api, other_patient, make_course, therapist_api
):
    other_course = make_course(other_patient)
    answer = rate(score=3, course=str(other_course.id))
    assert answer.status_code == 400 and "course" in answer.json()
    answer = rate(score=3, patient=str(other_patient.id))
    assert answer.status_code == 400 and "patient" in answer.json()
    mine = rate(score=3).json()
    assert other_admin_api.get(f"/api/v1/outcomes/{mine['id']}/").status_code == 404
    assert other_admin_api.get("/api/v1/outcomes/").json()["results"] == []
    assert therapist_api.get(f"/api/v1/courses/{other_course.id}/outcomes/").status_code == 404


def test_ratings_filter_by_patient_course_and_instrument(rate, therapist_api, make_course, patient):
    second_course = make_course(patient, "Plantar fasciitis")
    nprs = rate(score=6).json()
    psfs = rate("psfs", items=[{"activity": "Walking", "score": 4}]).json()
    later = rate(score=2, course=str(second_course.id)).json()

    def ids(query):
        answer = therapist_api.get(f"/api/v1/outcomes/?{query}")
        assert answer.status_code == 200
        return [rating["id"] for rating in answer.json()["results"]]

    assert set(ids(f"patient={patient.id}")) == {nprs["id"], psfs["id"], later["id"]}
    assert set(ids(f"course={second_course.id}")) == {later["id"]}
    assert set(ids("instrument=psfs")) == {psfs["id"]}


def test_the_list_runs_the_same_queries_whatever_its_length(rate, therapist_api):
    for score in range(5):
        rate(score=score)
    counts = [queries(therapist_api, "/api/v1/outcomes/", {"page_size": n}) for n in (1, 200)]
    assert counts[0] == counts[1]


def test_a_course_shows_baseline_latest_change_and_mcid(rate, therapist_api, course):
    start = timezone.now() - timedelta(days=6)  # the entry window holds a week
    # A course opened a week ago, with no session yet: its ratings may go back to then.
    TreatmentCourse.objects.filter(pk=course.pk).update(created_at=start - timedelta(days=1))
    for days, score in ((0, 7), (3, 6), (6, 4)):
        rate(score=score, recorded_at=(start + timedelta(days=days)).isoformat())
    for days, score in ((0, 3), (6, 4)):
        items = [{"activity": "Reaching overhead", "score": score}]
        rate("psfs", items=items, recorded_at=(start + timedelta(days=days)).isoformat())

    answer = therapist_api.get(f"/api/v1/courses/{course.id}/outcomes/")
    assert answer.status_code == 200
    summary = answer.json()
    assert summary["course"] == str(course.id)
    assert summary["nprs"] == {
        "baseline": 7,
        "latest": 4,
        "change": -3,
        "mcid": 2,
        "mcid_met": True,
        "measures": 3,
    }
    assert summary["psfs"] == {
        "baseline": 3,
        "latest": 4,
        "change": 1,
        "mcid": 2,
        "mcid_met": False,
        "measures": 2,
    }
    assert AuditEntry.objects.filter(action="read", object_type="outcome_measure").count() == 5


def test_a_course_without_ratings_has_nothing_to_compare(therapist_api, course):
    summary = therapist_api.get(f"/api/v1/courses/{course.id}/outcomes/").json()
    assert summary["nprs"]["baseline"] is None and summary["nprs"]["mcid_met"] is False


def test_a_later_psfs_of_the_course_re_rates_its_activities(rate):
    first = [{"activity": "Walking", "score": 2}, {"activity": "Stairs", "score": 2}]
    assert rate("psfs", items=first).status_code == 201
    other = rate("psfs", items=[{"activity": "Knitting", "score": 6}])
    assert other.status_code == 400
    assert other.json() == {"items": ["Re-rate the course's activities: Walking, Stairs."]}
    again = [{"activity": "stairs ", "score": 5}, {"activity": "Walking", "score": 6}]
    assert rate("psfs", items=again).status_code == 201  # any order or case


def test_a_rating_at_a_session_is_dated_when_the_session_began(rate, log_session, course):
    """As the staff app dates the ratings it takes with a session: the first session's rating
    is the course's baseline, however long after it was entered."""
    session = log_session(course=str(course.id))
    answer = rate(score=7, session=session["id"])
    assert answer.status_code == 201, answer.json()
    assert parse_datetime(answer.json()["recorded_at"]) == parse_datetime(session["started_at"])
    during = parse_datetime(session["started_at"]) + timedelta(minutes=10)
    answer = rate(score=6, session=session["id"], recorded_at=during.isoformat())
    assert parse_datetime(answer.json()["recorded_at"]) == during  # a time of the session
    afterwards = parse_datetime(session["ended_at"]) + timedelta(minutes=1)
    answer = rate(score=6, session=session["id"], recorded_at=afterwards.isoformat())
    assert answer.status_code == 400 and "recorded_at" in answer.json()


def test_ratings_taken_at_a_draft_move_with_its_corrected_times(
    rate, log_session, course, therapist_api
):
    began = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    ended = began + timedelta(minutes=40)
    draft = log_session(
        course=str(course.id), started_at=began.isoformat(), ended_at=ended.isoformat()
    )
    at_start = rate(score=7, session=draft["id"]).json()
    during = rate(
        score=6, session=draft["id"], recorded_at=(began + timedelta(minutes=30)).isoformat()
    ).json()
    later = began + timedelta(hours=1)  # typed an hour early: corrected, and shortened
    moved = therapist_api.patch(
        f"/api/v1/sessions/{draft['id']}/",
        {"started_at": later.isoformat(), "ended_at": (later + timedelta(minutes=20)).isoformat()},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    listed = therapist_api.get("/api/v1/outcomes/").json()["results"]
    dated = {rating["id"]: parse_datetime(rating["recorded_at"]) for rating in listed}
    assert dated[at_start["id"]] == later  # still the session's start
    assert dated[during["id"]] == later + timedelta(minutes=20)  # still within: at its end


def test_a_draft_with_ratings_taken_at_it_stays_in_their_course(
    rate, log_session, course, make_course, patient, therapist_api
):
    draft = log_session(course=str(course.id))
    assert rate(score=7, session=draft["id"]).status_code == 201
    other = make_course(patient, "Low back pain")
    for change in ({"course": str(other.id)}, {"course": None}):
        answer = therapist_api.patch(f"/api/v1/sessions/{draft['id']}/", change, format="json")
        assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
        assert "ratings" in answer.json()["detail"]
    assert NeedlingSession.objects.get(pk=draft["id"]).course_id == course.id
    unrated = log_session(course=str(course.id))
    moved = therapist_api.patch(
        f"/api/v1/sessions/{unrated['id']}/", {"course": str(other.id)}, format="json"
    )
    assert moved.status_code == 200, moved.json()


def test_a_rating_backdated_before_the_first_session_does_not_become_the_baseline(
    rate, log_session, course, therapist_api
):
    session = log_session(course=str(course.id))
    assert rate(score=5, session=session["id"]).status_code == 201  # the baseline
    assert rate(score=5).status_code == 201  # re-rated since, from the patient's link
    backdated = (timezone.now() - timedelta(days=6)).isoformat()
    answer = rate(score=9, recorded_at=backdated)
    assert answer.status_code == 400 and "recorded_at" in answer.json()
    summary = therapist_api.get(f"/api/v1/courses/{course.id}/outcomes/").json()["nprs"]
    assert (summary["baseline"], summary["measures"]) == (5, 2)


def test_before_its_first_session_a_course_is_rated_from_when_it_was_opened(rate, course):
    opened = course.created_at
    assert rate(score=6, recorded_at=(opened - timedelta(hours=1)).isoformat()).status_code == 400
    assert rate(score=6, recorded_at=opened.isoformat()).status_code == 201
