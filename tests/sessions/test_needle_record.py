"""The needle record: lot, expiry and the count of needles removed (api.md 1.1)."""

from datetime import date, timedelta

import pytest

from sessions.models import NeedlingSession
from tests.accounts import api_client
from tests.bodies import NEEDLES_EXPIRE
from tests.bodies import session_body as body_for

pytestmark = pytest.mark.django_db


def log(api, body):
    return api.post("/api/v1/sessions/", body, format="json")


def test_the_needle_record_is_kept_with_the_session(log_session):
    session = log_session(needle_lot="SEIRIN-2417", needle_expiry=NEEDLES_EXPIRE, needles_removed=6)
    assert (session["needle_lot"], session["needle_expiry"], session["needles_removed"]) == (
        "SEIRIN-2417",
        NEEDLES_EXPIRE,
        6,
    )


def test_expired_needles_are_refused(therapist_api, screen, patient, session_body):
    screen(patient)
    started = date.fromisoformat(session_body()["started_at"][:10])
    expired = log(therapist_api, session_body(needle_expiry=str(started - timedelta(days=1))))
    assert expired.status_code == 400 and expired.json()["code"] == "needle_expired"
    assert not NeedlingSession.objects.exists()
    assert log(therapist_api, session_body(needle_expiry=NEEDLES_EXPIRE)).status_code == 201


def test_a_correction_cannot_record_expired_needles(log_session, therapist_api):
    session = log_session()
    answer = therapist_api.patch(
        f"/api/v1/sessions/{session['id']}/", {"needle_expiry": "2020-01-01"}, format="json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "needle_expired"


@pytest.mark.parametrize("removed", [None, 5, 7])
def test_signing_refuses_a_needle_count_that_does_not_add_up(log_session, therapist_api, removed):
    session = log_session(needles_removed=removed)  # three sites of two needles: six inserted
    answer = therapist_api.post(f"/api/v1/sessions/{session['id']}/sign/")
    assert answer.status_code == 409 and answer.json()["code"] == "needle_count_mismatch"
    assert "6" in answer.json()["detail"]
    assert NeedlingSession.objects.get().status == "draft"


def test_once_every_needle_is_counted_out_the_session_signs(log_session, therapist_api):
    session = log_session()
    therapist_api.patch(f"/api/v1/sessions/{session['id']}/", {"needles_removed": 6}, format="json")
    assert therapist_api.post(f"/api/v1/sessions/{session['id']}/sign/").status_code == 200


def test_a_recall_finds_every_session_of_a_lot_in_the_clinic_only(
    therapist_api,
    admin_api,
    screen,
    patient,
    other_patient,
    other_clinic,
    session_body,
    make_therapist,
):
    screen(patient)
    first = log(therapist_api, session_body(needle_lot="LOT-A")).json()["id"]
    second = log(therapist_api, session_body(needle_lot="LOT-A")).json()["id"]
    log(therapist_api, session_body(needle_lot="LOT-B"))
    elsewhere = make_therapist(other_clinic, "south-needler")
    screen(other_patient)
    assert (
        log(api_client(elsewhere), body_for(str(other_patient.id), needle_lot="LOT-A")).status_code
        == 201
    )
    found = admin_api.get("/api/v1/sessions/", {"needle_lot": "LOT-A"}).json()["results"]
    assert {s["id"] for s in found} == {first, second}
